#include "metrics/notification_counter.h"

#include "metrics/families.h"
#include "util/check.h"

namespace mtg::metrics {

NotificationCounter::NotificationCounter(prometheus::Registry& registry)
    : sent_(add_counters(registry, "mtguard_notifications_total",
                         "Notifications sent, by kind and severity")) {}

Status NotificationCounter::deliver(const notify::Notification& n) {
  MTG_CHECK(!n.kind.empty());
  sent_.Add({{"kind", n.kind}, {"severity", notify::severity_name(n.severity)}}).Increment();
  return Status::ok();
}

std::vector<std::unique_ptr<notify::Sink>> notification_sinks(prometheus::Registry& registry) {
  std::vector<std::unique_ptr<notify::Sink>> sinks;
  sinks.push_back(std::make_unique<NotificationCounter>(registry));
  return sinks;
}

}  // namespace mtg::metrics
