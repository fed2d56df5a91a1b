// The Redis side of the preferences store: the hash `<prefix>prefs` (field = key,
// value = JSON text). Behind an interface so unit tests can fake Redis. Not
// thread-safe (one RedisClient per thread).
#pragma once

#include <map>
#include <string>

#include "keys/redis_keys.h"
#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg {

class PrefsHash {
 public:
  virtual ~PrefsHash() = default;
  // Every field; empty when the hash does not exist (Redis cannot tell them apart).
  virtual Result<std::map<std::string, std::string>> get_all() = 0;
  // Sets one field.
  virtual Status set(const std::string& key, const std::string& json_value) = 0;
  // Removes one field; false when it was not there.
  virtual Result<bool> remove(const std::string& key) = 0;
  // Sets each field that is not there yet (HSETNX), keeping fields set meanwhile.
  virtual Status seed(const std::map<std::string, std::string>& fields) = 0;
  // Replaces the whole hash with `fields` in one transaction (MULTI/EXEC).
  virtual Status replace(const std::map<std::string, std::string>& fields) = 0;
};

// PrefsHash on a real Redis; `redis` must outlive it.
class RedisPrefsHash final : public PrefsHash {
 public:
  RedisPrefsHash(RedisClient& redis, std::string prefix) : redis_(redis), key_(RedisKeys{std::move(prefix)}.prefs()) {}

  Result<std::map<std::string, std::string>> get_all() override;
  Status set(const std::string& key, const std::string& json_value) override;
  Result<bool> remove(const std::string& key) override;
  Status seed(const std::map<std::string, std::string>& fields) override;
  Status replace(const std::map<std::string, std::string>& fields) override;

  // The hash's name, "<prefix>prefs".
  const std::string& key() const { return key_; }

 private:
  RedisClient& redis_;
  std::string key_;
};

}  // namespace mtg
