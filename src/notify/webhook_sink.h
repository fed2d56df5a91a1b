// A sink that POSTs each notification as JSON to a URL, with bounded retries.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "notify/http_poster.h"
#include "notify/sink.h"

namespace mtg::notify {

inline constexpr int kMaxWebhookAttempts = 10;
inline constexpr int64_t kMaxWebhookTimeoutMs = 60'000;
inline constexpr int64_t kMaxWebhookBackoffMs = 30'000;

struct WebhookOptions {
  std::string url;  // may embed a secret token: never logged whole (see name())
  int64_t timeout_ms = 5'000;  // per attempt, clamped to 1 .. kMaxWebhookTimeoutMs
  int max_attempts = 3;  // clamped to 1 .. kMaxWebhookAttempts
  int64_t backoff_ms = 500;  // before attempt n+1: backoff_ms * 2^(n-1), capped at kMaxWebhookBackoffMs
};

class WebhookSink final : public Sink {
 public:
  using SleepFn = std::function<void(int64_t ms)>;

  // `poster` defaults to libcurl; `sleep` (for backoff) defaults to a real sleep.
  explicit WebhookSink(WebhookOptions options, std::unique_ptr<HttpPoster> poster = nullptr,
                       SleepFn sleep = nullptr);

  // Posts to_json(n); a 2xx answer is success. Retries transport errors and non-2xx
  // answers up to max_attempts, then returns kUnavailable naming the last failure.
  Status deliver(const Notification& n) override;
  // "webhook(scheme://host[:port])": the path and any credentials are left out.
  std::string name() const override { return name_; }

 private:
  WebhookOptions options_;
  std::unique_ptr<HttpPoster> poster_;
  SleepFn sleep_;
  std::string name_;
};

// "scheme://host[:port]" of a URL, without user info, path or query.
std::string redact_url(const std::string& url);

}  // namespace mtg::notify
