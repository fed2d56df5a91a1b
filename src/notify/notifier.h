// The one place the system raises operator notifications. notify() never blocks on a
// sink: it rate-limits, enqueues and returns; a background worker delivers each
// notification to every sink in order. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "notify/notification.h"
#include "notify/rate_limiter.h"
#include "notify/sink.h"
#include "util/clock.h"

namespace mtg::notify {

inline constexpr size_t kMaxNotifyQueue = 100'000;
inline constexpr size_t kMaxMessageBytes = 4'096;
inline constexpr size_t kMaxFieldBytes = 128;  // instance and kind

struct NotifierOptions {
  RateLimitOptions rate_limit;
  // Queued notifications awaiting delivery, 1 .. kMaxNotifyQueue; when full the oldest
  // is dropped (and counted).
  size_t queue_limit = 1'000;
};

// Counters since construction.
struct NotifierStats {
  int64_t accepted = 0;    // passed the rate limit and were queued
  int64_t suppressed = 0;  // refused by the rate limit
  int64_t dropped = 0;     // pushed out of a full queue, or left queued at destruction
  int64_t delivered = 0;   // handed to every sink (whatever the sinks answered)
  int64_t sink_failures = 0;
};

class Notifier {
 public:
  // `clock` must outlive the Notifier; it is read only inside notify() (steady_ms for
  // rate limiting, now_ms for a missing ts_ms). Starts the worker thread.
  Notifier(const Clock& clock, std::vector<std::unique_ptr<Sink>> sinks, NotifierOptions options = {});
  // Stops the worker after the notification in hand; still-queued ones are dropped
  // and counted. Call flush() first for a graceful shutdown.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Rate-limits per (instance, kind), then queues for delivery. When earlier events
  // of the same pair were suppressed, the message gains " (N similar suppressed)".
  // Oversized fields are truncated. Never blocks on delivery, never throws.
  void notify(Notification n);

  // Waits until the queue is empty and no delivery is in progress, or timeout_ms
  // passes. Returns true when drained.
  bool flush(int64_t timeout_ms);

  NotifierStats stats() const;

 private:
  void run_worker();
  void deliver_to_sinks(const Notification& n);

  const Clock& clock_;
  const std::vector<std::unique_ptr<Sink>> sinks_;
  const size_t queue_limit_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // queue gained an item or stop requested
  std::condition_variable idle_cv_;  // queue drained and worker idle
  RateLimiter limiter_;
  std::deque<Notification> queue_;
  bool busy_ = false;
  bool stop_ = false;
  NotifierStats stats_;
  std::thread worker_;  // last: started after every other member exists
};

}  // namespace mtg::notify
