#include "notify/notifier.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

#include "util/check.h"

namespace mtg::notify {
namespace {

void truncate_to(std::string& s, size_t max_bytes) {
  if (s.size() > max_bytes) s.resize(max_bytes);
  MTG_CHECK(s.size() <= max_bytes);
}

// Every accepted notification is delivered, dropped, queued or in the worker's hands.
bool counts_add_up(const NotifierStats& stats, size_t queued, bool busy) {
  return stats.accepted == stats.delivered + stats.dropped + static_cast<int64_t>(queued) + (busy ? 1 : 0);
}

}  // namespace

Notifier::Notifier(const Clock& clock, std::vector<std::unique_ptr<Sink>> sinks, NotifierOptions options)
    : clock_(clock),
      sinks_(std::move(sinks)),
      queue_limit_(options.queue_limit),
      limiter_(options.rate_limit),
      worker_([this] { run_worker(); }) {
  MTG_CHECK(queue_limit_ >= 1);
  MTG_CHECK(queue_limit_ <= kMaxNotifyQueue);
  for (const auto& sink : sinks_) MTG_CHECK(sink != nullptr);
}

Notifier::~Notifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    if (!queue_.empty()) {
      spdlog::warn("notifier stopping with {} undelivered notifications", queue_.size());
      stats_.dropped += static_cast<int64_t>(queue_.size());
      queue_.clear();
    }
  }
  work_cv_.notify_all();
  worker_.join();
}

void Notifier::notify(Notification n) {
  truncate_to(n.instance, kMaxFieldBytes);
  truncate_to(n.kind, kMaxFieldBytes);
  std::lock_guard<std::mutex> lock(mu_);
  const RateLimiter::Decision d = limiter_.admit(n.instance, n.kind, clock_.steady_ms());
  if (!d.allow) {
    ++stats_.suppressed;
    return;
  }
  if (n.ts_ms == 0) n.ts_ms = clock_.now_ms();
  if (d.suppressed_before > 0) {
    n.message += " (" + std::to_string(d.suppressed_before) + " similar suppressed)";
  }
  truncate_to(n.message, kMaxMessageBytes);
  if (queue_.size() >= queue_limit_) {
    queue_.pop_front();
    ++stats_.dropped;
  }
  queue_.push_back(std::move(n));
  ++stats_.accepted;
  MTG_CHECK(queue_.size() <= queue_limit_);
  MTG_CHECK(counts_add_up(stats_, queue_.size(), busy_));
  work_cv_.notify_one();
}

bool Notifier::flush(int64_t timeout_ms) {
  MTG_CHECK(timeout_ms >= 0);
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [this] { return queue_.empty() && !busy_; });
}

NotifierStats Notifier::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void Notifier::run_worker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    MTG_CHECK(!busy_);  // one worker, one notification at a time
    Notification n = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    deliver_to_sinks(n);
    lock.lock();
    busy_ = false;
    ++stats_.delivered;
    MTG_CHECK(counts_add_up(stats_, queue_.size(), busy_));
    if (queue_.empty()) idle_cv_.notify_all();
  }
  busy_ = false;
  idle_cv_.notify_all();
}

// Runs without the lock held. A failing or throwing sink is logged and counted.
void Notifier::deliver_to_sinks(const Notification& n) {
  int64_t failures = 0;
  for (const auto& sink : sinks_) {
    Status st;
    try {
      st = sink->deliver(n);
    } catch (const std::exception& e) {
      st = Status::internal(std::string("sink threw: ") + e.what());
    } catch (...) {
      st = Status::internal("sink threw a non-standard exception");
    }
    if (!st.is_ok()) {
      ++failures;
      spdlog::warn("notification {} for {} not delivered to {}: {}", n.kind,
                   n.instance.empty() ? "-" : n.instance, sink->name(), st.to_string());
    }
  }
  MTG_CHECK(static_cast<size_t>(failures) <= sinks_.size());
  if (failures > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.sink_failures += failures;
  }
}

}  // namespace mtg::notify
