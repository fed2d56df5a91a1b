// An operator-facing event (link lost, instance disabled, sync suspended, …).
#pragma once

#include <cstdint>
#include <string>

namespace mtg::notify {

enum class Severity { kInfo, kWarning, kCritical };

// "info", "warning" or "critical".
const char* severity_name(Severity severity);

// One event. `kind` is a stable machine name such as "link_lost",
// "instance_disabled", "instance_enabled", "sync_suspended", "config_restored";
// rate limiting groups by (instance, kind). Never put a secret in `message`.
struct Notification {
  int64_t ts_ms = 0;  // Unix ms; 0 means "now" when passed to Notifier::notify
  Severity severity = Severity::kInfo;
  std::string instance;  // instance id, or "" for system-wide events
  std::string kind;
  std::string message;
};

// {"ts_ms":…,"severity":"warning","instance":"demo-1","kind":"link_lost","message":"…"}
// Invalid UTF-8 is replaced, never an error.
std::string to_json(const Notification& n);

}  // namespace mtg::notify
