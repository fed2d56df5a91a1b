// A sink that writes notifications to the process log (spdlog default logger).
#pragma once

#include "notify/sink.h"

namespace mtg::notify {

// Logs at info/warn/critical by severity. Never fails.
class LogSink final : public Sink {
 public:
  Status deliver(const Notification& n) override;
  std::string name() const override { return "log"; }
};

}  // namespace mtg::notify
