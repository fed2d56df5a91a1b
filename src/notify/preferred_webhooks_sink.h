// A sink that posts each notification to the webhook URLs of the user preferences
// (`notify.webhook_urls`, src/prefs), re-read at most every kRefreshMs so that a change
// takes effect without a restart. While Redis is down the last known URLs are used.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "keys/redis_keys.h"
#include "notify/sink.h"
#include "notify/webhook_sink.h"
#include "prefs/prefs_store.h"
#include "util/clock.h"

namespace mtg::notify {

class PreferredWebhooksSink final : public Sink {
 public:
  static constexpr int64_t kRefreshMs = 5'000;

  PreferredWebhooksSink(const Config& config, const Clock& clock);

  // Posts to every preferred URL (none: ok); the first failure is returned.
  Status deliver(const Notification& n) override;
  std::string name() const override { return "webhooks(" + RedisKeys{prefix_}.prefs() + ")"; }

 private:
  void refresh();

  RedisConfig redis_config_;
  std::string prefix_;
  std::string file_;
  const Clock& clock_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<PrefsStore> prefs_;
  std::vector<std::string> urls_;
  std::vector<std::unique_ptr<WebhookSink>> sinks_;  // one per URL in urls_
  int64_t refreshed_ms_ = 0;
  bool loaded_ = false;
};

}  // namespace mtg::notify
