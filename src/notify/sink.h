// Where notifications go: the log, a webhook, a record in a Redis stream. Sinks are called from the Notifier's worker thread only,
// one notification at a time.
#pragma once

#include <string>

#include "notify/notification.h"
#include "util/status.h"

namespace mtg::notify {

class Sink {
 public:
  virtual ~Sink() = default;
  // Delivers one notification, with the sink's own bounded retries and timeouts.
  // Returns an error instead of throwing; the Notifier logs it and moves on.
  virtual Status deliver(const Notification& n) = 0;
  // A short name for logs ("log", "webhook(https://hooks.example.com)"); never a secret.
  virtual std::string name() const = 0;
};

}  // namespace mtg::notify
