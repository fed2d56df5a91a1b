#include "metrics/families.h"

#include "util/check.h"

namespace mtg::metrics {

prometheus::Family<prometheus::Counter>& add_counters(prometheus::Registry& registry, const std::string& name,
                                                      const std::string& help) {
  MTG_CHECK(name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0);
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Gauge>& add_gauges(prometheus::Registry& registry, const std::string& name,
                                                  const std::string& help) {
  MTG_CHECK(!name.empty());
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

void advance_to(prometheus::Counter& counter, double total) {
  const double now = counter.Value();
  MTG_CHECK(total >= now);
  if (total > now) counter.Increment(total - now);
  MTG_CHECK(counter.Value() == total);
}

}  // namespace mtg::metrics
