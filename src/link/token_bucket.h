// A token bucket rate limiter on a monotonic millisecond clock.
#pragma once

#include <cstdint>

namespace mtg::link {

class TokenBucket {
 public:
  // Refills rate_per_s tokens per second up to burst; starts full at now_ms.
  TokenBucket(double rate_per_s, double burst, int64_t now_ms);

  // Takes one token; false when the bucket is empty (the caller is over the rate).
  bool take(int64_t now_ms);

 private:
  double rate_per_ms_;
  double burst_;
  double tokens_;
  int64_t last_ms_;
};

}  // namespace mtg::link
