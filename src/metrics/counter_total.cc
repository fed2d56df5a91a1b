#include "metrics/counter_total.h"

#include "util/check.h"

namespace mtg::metrics {

void advance_to(prometheus::Counter& counter, double total) {
  const double now = counter.Value();
  MTG_CHECK(total >= now);
  if (total > now) counter.Increment(total - now);
  MTG_CHECK(counter.Value() == total);
}

}  // namespace mtg::metrics
