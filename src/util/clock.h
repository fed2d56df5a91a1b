// Time behind an interface so tests can jump it deterministically.
#pragma once

#include <cstdint>

namespace mtg {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time as Unix milliseconds (used for signal created_at / ttl and results).
  virtual int64_t now_ms() const = 0;
  // Monotonic milliseconds, for timeouts and intervals; unrelated to wall time.
  virtual int64_t steady_ms() const = 0;
};

// The real clocks (system_clock / steady_clock).
class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
  int64_t steady_ms() const override;
  // A process-wide instance.
  static SystemClock& instance();
};

// A clock that moves only when told; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms), steady_(0) {}
  int64_t now_ms() const override { return now_; }
  int64_t steady_ms() const override { return steady_; }
  void advance_ms(int64_t ms) { now_ += ms; steady_ += ms; }

 private:
  int64_t now_;
  int64_t steady_;
};

}  // namespace mtg
