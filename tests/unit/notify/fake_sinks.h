// Sinks and posters for notify tests.
#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

#include "notify/http_poster.h"
#include "notify/sink.h"

namespace mtg::notify::testing {

// Records every delivered notification; optionally fails every delivery.
class RecordingSink final : public Sink {
 public:
  explicit RecordingSink(bool fail = false) : fail_(fail) {}
  Status deliver(const Notification& n) override {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(n);
    return fail_ ? Status::unavailable("recording sink told to fail") : Status::ok();
  }
  std::string name() const override { return "recording"; }
  std::vector<Notification> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  const bool fail_;
  mutable std::mutex mu_;
  std::vector<Notification> seen_;
};

// Blocks every delivery until open() is called; reports when a delivery is waiting.
class GatedSink final : public Sink {
 public:
  Status deliver(const Notification& n) override {
    std::unique_lock<std::mutex> lock(mu_);
    waiting_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
    seen_.push_back(n);
    return Status::ok();
  }
  std::string name() const override { return "gated"; }
  void wait_until_delivery_blocked() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return waiting_; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  std::vector<Notification> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool waiting_ = false;
  bool open_ = false;
  std::vector<Notification> seen_;
};

// Fails the first `failures` posts (transport error or `fail_code`), then answers 200.
class FakePoster final : public HttpPoster {
 public:
  FakePoster(int failures, int fail_code) : failures_(failures), fail_code_(fail_code) {}
  Result<int> post_json(const std::string& url, const std::string& body, int64_t timeout_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++attempts_;
    last_url_ = url;
    last_body_ = body;
    last_timeout_ms_ = timeout_ms;
    if (attempts_ > failures_) return 200;
    if (fail_code_ == 0) return Status::unavailable("connection refused (fake)");
    return fail_code_;
  }
  int attempts() const { std::lock_guard<std::mutex> lock(mu_); return attempts_; }
  std::string last_body() const { std::lock_guard<std::mutex> lock(mu_); return last_body_; }
  int64_t last_timeout_ms() const { std::lock_guard<std::mutex> lock(mu_); return last_timeout_ms_; }

 private:
  mutable std::mutex mu_;
  const int failures_;
  const int fail_code_;
  int attempts_ = 0;
  std::string last_url_;
  std::string last_body_;
  int64_t last_timeout_ms_ = 0;
};

}  // namespace mtg::notify::testing
