#include "notify/configured_notifier.h"

#include "notify/log_sink.h"
#include "notify/preferred_webhooks_sink.h"
#include "notify/redis_record_sink.h"
#include "notify/webhook_sink.h"

namespace mtg::notify {

std::unique_ptr<Notifier> make_configured_notifier(const Config& config, const Clock& clock,
                                                   std::vector<std::unique_ptr<Sink>> extra) {
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::make_unique<LogSink>());
  sinks.push_back(std::make_unique<RedisRecordSink>(config.redis));
  sinks.push_back(std::make_unique<PreferredWebhooksSink>(config, clock));
  if (!config.webhook_url.empty()) {
    WebhookOptions options;
    options.url = config.webhook_url;
    sinks.push_back(std::make_unique<WebhookSink>(options));
  }
  for (auto& sink : extra) sinks.push_back(std::move(sink));
  return std::make_unique<Notifier>(clock, std::move(sinks));
}

}  // namespace mtg::notify
