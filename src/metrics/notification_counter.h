// A notification sink that counts what a process notified, for its metrics:
//   mtguard_notifications_total{kind, severity}
// (after the Notifier's rate limit: what operators were sent). Called from the
// Notifier's worker thread; the counter family is thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <memory>
#include <vector>

#include "notify/sink.h"

namespace mtg::metrics {

class NotificationCounter final : public notify::Sink {
 public:
  // Adds the family to `registry`, which must outlive this sink.
  explicit NotificationCounter(prometheus::Registry& registry);

  Status deliver(const notify::Notification& n) override;
  std::string name() const override { return "metrics"; }

 private:
  prometheus::Family<prometheus::Counter>& sent_;
};

// The sinks a process adds to its notifier (make_configured_notifier's `extra`) for its
// metrics: one NotificationCounter on `registry`.
std::vector<std::unique_ptr<notify::Sink>> notification_sinks(prometheus::Registry& registry);

}  // namespace mtg::metrics
