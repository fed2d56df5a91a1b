#include "link/token_bucket.h"

#include <algorithm>

#include "util/check.h"

namespace mtg::link {

TokenBucket::TokenBucket(double rate_per_s, double burst, int64_t now_ms)
    : rate_per_ms_(rate_per_s / 1000.0), burst_(burst), tokens_(burst), last_ms_(now_ms) {
  MTG_CHECK(rate_per_s > 0);
  MTG_CHECK(burst >= 1);
}

bool TokenBucket::take(int64_t now_ms) {
  if (now_ms > last_ms_) {
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_per_ms_);
    last_ms_ = now_ms;
  }
  MTG_CHECK(tokens_ <= burst_);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  MTG_CHECK(tokens_ >= 0.0);
  return true;
}

}  // namespace mtg::link
