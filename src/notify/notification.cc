#include "notify/notification.h"

#include <nlohmann/json.hpp>

namespace mtg::notify {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kCritical: return "critical";
  }
  return "unknown";
}

std::string to_json(const Notification& n) {
  const nlohmann::json j = {
      {"ts_ms", n.ts_ms},
      {"severity", severity_name(n.severity)},
      {"instance", n.instance},
      {"kind", n.kind},
      {"message", n.message},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mtg::notify
