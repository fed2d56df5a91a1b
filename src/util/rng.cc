#include "util/rng.h"

#include "util/check.h"

namespace mtg {

double SeededRng::uniform01() {
  constexpr double kTwoPow53 = 9007199254740992.0;
  return static_cast<double>(engine_() >> 11) / kTwoPow53;
}

int64_t SeededRng::uniform_int(int64_t lo, int64_t hi) {
  MTG_CHECK(lo <= hi);
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  const int64_t value = lo + static_cast<int64_t>(span == 0 ? engine_() : engine_() % span);
  MTG_CHECK(value >= lo);
  MTG_CHECK(value <= hi);
  return value;
}

}  // namespace mtg
