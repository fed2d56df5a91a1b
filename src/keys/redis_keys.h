// The Redis key names of mtguard, all under the configured prefix (default "mtg:").
// A public contract for producers and operators: docs/architecture.md lists them.
#pragma once

#include <string>

namespace mtg {

struct RedisKeys {
  std::string prefix;

  std::string rtss() const { return prefix + "rtss"; }            // signals in (stream)
  std::string rtrs() const { return prefix + "rtrs"; }            // results out (stream)
  std::string dead_letters() const { return prefix + "dlq"; }     // rejected raw payloads (stream)
  std::string order(const std::string& uuid) const { return prefix + "rts:" + uuid; }  // order JSON
  std::string open_orders() const { return prefix + "rts:open"; }  // set of open uuids
  std::string dedup(const std::string& uuid) const { return prefix + "dedup:" + uuid; }
  std::string instance(const std::string& id) const { return prefix + "ris:" + id; }   // hash
  std::string instances() const { return prefix + "ris"; }          // set of instance ids

  static constexpr const char* kEngineGroup = "engine";    // RTSS consumer group
  static constexpr const char* kBackendGroup = "backend";  // RTRS consumer group
};

}  // namespace mtg
