#include "notify/redis_record_sink.h"

namespace mtg::notify {

Status RedisRecordSink::deliver(const Notification& n) {
  if (redis_ == nullptr) {
    auto connected = RedisClient::connect(config_);
    if (!connected) return connected.status();
    redis_ = std::move(*connected);
  }
  auto added = redis_->command({"XADD", RedisKeys{config_.prefix}.notifications(), "MAXLEN", "~",
                                std::to_string(kMaxRecords), "*", "notification", to_json(n)});
  return added ? Status::ok() : added.status();
}

}  // namespace mtg::notify
