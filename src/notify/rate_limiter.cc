#include "notify/rate_limiter.h"

#include "util/check.h"

namespace mtg::notify {

RateLimiter::RateLimiter(RateLimitOptions options) : options_(options) {
  MTG_CHECK(options_.burst >= 1);
  MTG_CHECK(options_.window_ms >= 1);
  MTG_CHECK(options_.max_keys >= 1);
}

RateLimiter::Decision RateLimiter::admit(const std::string& instance, const std::string& kind,
                                         int64_t now_ms) {
  std::string key = instance;
  key.push_back('\0');  // instance ids never hold NUL, so the pair is unambiguous
  key.append(kind);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= options_.max_keys) prune_expired(now_ms);
    if (windows_.size() >= options_.max_keys) {
      ++overflow_suppressed_;
      return {};
    }
    it = windows_.emplace(std::move(key), Window{now_ms, 0, 0}).first;
    MTG_CHECK(windows_.size() <= options_.max_keys);
  }
  Window& w = it->second;
  if (now_ms - w.start_ms >= options_.window_ms) {
    w.start_ms = now_ms;
    w.passed = 0;
  }
  if (w.passed >= options_.burst) {
    MTG_CHECK(w.passed == options_.burst);  // passed never goes beyond the burst
    ++w.suppressed;
    return {};
  }
  ++w.passed;
  Decision d{true, w.suppressed};
  w.suppressed = 0;
  MTG_CHECK(w.passed <= options_.burst);
  return d;
}

void RateLimiter::prune_expired(int64_t now_ms) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    const bool expired = now_ms - it->second.start_ms >= options_.window_ms;
    // A window with unreported suppressions is kept so its count is not lost.
    if (expired && it->second.suppressed == 0) {
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace mtg::notify
