#include "notify/webhook_sink.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "util/check.h"

namespace mtg::notify {
namespace {

void real_sleep(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

int64_t backoff_before_attempt(int64_t base_ms, int attempt) {
  MTG_CHECK(attempt >= 2);
  MTG_CHECK(base_ms >= 0);
  int64_t delay = base_ms;
  for (int i = 2; i < attempt && delay < kMaxWebhookBackoffMs; ++i) delay *= 2;
  return std::min(delay, kMaxWebhookBackoffMs);
}

}  // namespace

std::string redact_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  const size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t host_end = std::min(url.find_first_of("/?#", host_start), url.size());
  MTG_CHECK(host_start <= host_end);
  std::string authority = url.substr(host_start, host_end - host_start);
  const auto at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  MTG_CHECK(authority.find('@') == std::string::npos);  // no user info, so no secret, is left
  return url.substr(0, host_start) + authority;
}

WebhookSink::WebhookSink(WebhookOptions options, std::unique_ptr<HttpPoster> poster, SleepFn sleep)
    : options_(std::move(options)),
      poster_(poster ? std::move(poster) : make_curl_poster()),
      sleep_(sleep ? std::move(sleep) : SleepFn(real_sleep)),
      name_("webhook(" + redact_url(options_.url) + ")") {
  options_.timeout_ms = std::clamp<int64_t>(options_.timeout_ms, 1, kMaxWebhookTimeoutMs);
  options_.max_attempts = std::clamp(options_.max_attempts, 1, kMaxWebhookAttempts);
  options_.backoff_ms = std::clamp<int64_t>(options_.backoff_ms, 0, kMaxWebhookBackoffMs);
  MTG_CHECK(poster_ != nullptr);
}

Status WebhookSink::deliver(const Notification& n) {
  MTG_CHECK(options_.max_attempts >= 1);
  const std::string body = to_json(n);
  std::string last_error;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) sleep_(backoff_before_attempt(options_.backoff_ms, attempt));
    auto code = poster_->post_json(options_.url, body, options_.timeout_ms);
    if (code.is_ok() && *code >= 200 && *code < 300) return Status::ok();
    last_error = code.is_ok() ? "HTTP " + std::to_string(*code) : code.status().to_string();
  }
  MTG_CHECK(!last_error.empty());  // at least one attempt failed
  return Status::unavailable(name_ + " gave up after " + std::to_string(options_.max_attempts) +
                             " attempts; last: " + last_error);
}

}  // namespace mtg::notify
