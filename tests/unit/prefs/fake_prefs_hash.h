// A PrefsHash in memory that can be told to fail, for PrefsStore/PrefsWatcher tests.
#pragma once

#include <map>
#include <string>

#include "prefs/prefs_hash.h"

namespace mtg::testing {

struct FakePrefsData {
  std::map<std::string, std::string> fields;
  int fail_next = 0;  // this many next calls fail as if Redis were down
  int reads = 0;      // get_all calls
};

class FakePrefsHash final : public PrefsHash {
 public:
  explicit FakePrefsHash(FakePrefsData& data) : d_(data) {}

  Result<std::map<std::string, std::string>> get_all() override {
    ++d_.reads;
    MTG_RETURN_IF_ERROR(maybe_fail());
    return d_.fields;
  }
  Status set(const std::string& key, const std::string& json_value) override {
    MTG_RETURN_IF_ERROR(maybe_fail());
    d_.fields[key] = json_value;
    return Status::ok();
  }
  Result<bool> remove(const std::string& key) override {
    MTG_RETURN_IF_ERROR(maybe_fail());
    return d_.fields.erase(key) == 1;
  }
  Status seed(const std::map<std::string, std::string>& fields) override {
    MTG_RETURN_IF_ERROR(maybe_fail());
    for (const auto& [k, v] : fields) d_.fields.emplace(k, v);
    return Status::ok();
  }
  Status replace(const std::map<std::string, std::string>& fields) override {
    MTG_RETURN_IF_ERROR(maybe_fail());
    d_.fields = fields;
    return Status::ok();
  }

 private:
  Status maybe_fail() {
    if (d_.fail_next <= 0) return Status::ok();
    --d_.fail_next;
    return Status::unavailable("fake redis down");
  }
  FakePrefsData& d_;
};

}  // namespace mtg::testing
