// Per-(instance, kind) rate limiting so an outage produces a few notifications, not
// a flood. Fixed windows: at most `burst` events pass in each window of window_ms
// that starts at the first event after the previous window ended.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace mtg::notify {

struct RateLimitOptions {
  int burst = 3;
  int64_t window_ms = 60'000;
  // Distinct (instance, kind) pairs tracked; beyond it, expired windows are pruned and,
  // if still full, events for new pairs are suppressed (and counted).
  size_t max_keys = 10'000;
};

// Not thread-safe: the Notifier calls it under its lock.
class RateLimiter {
 public:
  struct Decision {
    bool allow = false;
    // When allowed: events of this pair suppressed since the last one that passed.
    int64_t suppressed_before = 0;
  };

  explicit RateLimiter(RateLimitOptions options);

  // Decides one event of (instance, kind) at monotonic time now_ms.
  Decision admit(const std::string& instance, const std::string& kind, int64_t now_ms);
  // Events refused because the key table was full (no pair to report them under).
  int64_t overflow_suppressed() const { return overflow_suppressed_; }
  size_t tracked_keys() const { return windows_.size(); }

 private:
  struct Window {
    int64_t start_ms = 0;
    int passed = 0;
    int64_t suppressed = 0;
  };

  void prune_expired(int64_t now_ms);

  RateLimitOptions options_;
  std::unordered_map<std::string, Window> windows_;
  int64_t overflow_suppressed_ = 0;
};

}  // namespace mtg::notify
