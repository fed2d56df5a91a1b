#include "notify/log_sink.h"

#include <spdlog/spdlog.h>

namespace mtg::notify {
namespace {

spdlog::level::level_enum level_of(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return spdlog::level::info;
    case Severity::kWarning: return spdlog::level::warn;
    case Severity::kCritical: return spdlog::level::critical;
  }
  return spdlog::level::warn;
}

}  // namespace

Status LogSink::deliver(const Notification& n) {
  spdlog::log(level_of(n.severity), "notify {} instance={} kind={}: {}", severity_name(n.severity),
              n.instance.empty() ? "-" : n.instance, n.kind, n.message);
  return Status::ok();
}

}  // namespace mtg::notify
