// The tokens the engine accepts from a terminal in its hello: the instance's current
// token, and after `mtguard instance rotate-token` the one it replaced until its grace
// period ends (InstanceConfig::previous_token_*). Each check reads the instance's JSON
// file again, so that a rotation takes effect without a restart; when the file cannot
// be read the last version read is used. Tokens are compared in constant time
// (link/token_compare.h) and never logged. Single-threaded.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "util/clock.h"

namespace mtg {

class InstanceTokens {
 public:
  // `instances` as loaded at start; `clock` (Unix ms) ends grace periods.
  InstanceTokens(const std::vector<InstanceConfig>& instances, const Clock& clock);

  // True when `token` is the instance's current token, or its previous one within the
  // grace period; false for an unknown instance.
  bool accepts(const std::string& instance, const std::string& token);

 private:
  const Clock& clock_;
  std::map<std::string, InstanceConfig> instances_;  // id -> the last version read
};

}  // namespace mtg
