#include "notify/preferred_webhooks_sink.h"

#include <spdlog/spdlog.h>

#include "util/check.h"

namespace mtg::notify {

PreferredWebhooksSink::PreferredWebhooksSink(const Config& config, const Clock& clock)
    : redis_config_(config.redis), prefix_(config.redis.prefix), file_(config.prefs_file), clock_(clock) {}

void PreferredWebhooksSink::refresh() {
  const int64_t now = clock_.steady_ms();
  if (loaded_ && now - refreshed_ms_ < kRefreshMs) return;
  refreshed_ms_ = now;
  if (redis_ == nullptr) {
    auto connected = RedisClient::connect(redis_config_);
    if (!connected) return;  // keep the last known URLs
    redis_ = std::move(*connected);
    prefs_ = std::make_unique<PrefsStore>(*redis_, prefix_, file_);
  }
  MTG_CHECK(prefs_ != nullptr);
  auto prefs = prefs_->load();
  if (!prefs) {
    spdlog::warn("notify: preferred webhooks not refreshed: {}", prefs.status().to_string());
    return;
  }
  loaded_ = true;
  if (prefs->webhook_urls == urls_) return;
  urls_ = prefs->webhook_urls;
  sinks_.clear();
  for (const std::string& url : urls_) {
    WebhookOptions options;
    options.url = url;
    sinks_.push_back(std::make_unique<WebhookSink>(options));
  }
  MTG_CHECK(sinks_.size() == urls_.size());  // one sink per URL
}

Status PreferredWebhooksSink::deliver(const Notification& n) {
  refresh();
  Status first;
  for (const auto& sink : sinks_) {
    Status s = sink->deliver(n);
    if (!s.is_ok() && first.is_ok()) first = s;
  }
  return first;
}

}  // namespace mtg::notify
