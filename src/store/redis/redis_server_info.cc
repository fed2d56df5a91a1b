#include "store/redis/redis_server_info.h"

namespace mtg {
namespace {

constexpr size_t kRunIdChars = 40;

// The value of one CONFIG GET parameter.
Result<std::string> config_value(RedisClient& redis, const std::string& name) {
  auto reply = redis.command({"CONFIG", "GET", name});
  if (!reply) return reply.status();
  if (reply->elements.size() != 2) return Status::not_found("redis " + redis.endpoint() + ": no parameter " + name);
  return reply->elements[1].str;
}

}  // namespace

Result<std::string> server_run_id(RedisClient& redis) {
  auto info = redis.command({"INFO", "server"});
  if (!info) return info.status();
  static const std::string kKey = "run_id:";
  const size_t at = info->str.find(kKey);
  if (at == std::string::npos) return Status::internal("redis " + redis.endpoint() + ": INFO has no run_id");
  const size_t begin = at + kKey.size();
  const std::string id = info->str.substr(begin, info->str.find_first_of("\r\n", begin) - begin);
  if (id.size() != kRunIdChars) return Status::internal("redis " + redis.endpoint() + ": run_id '" + id + "'");
  return id;
}

Result<bool> ServerChangeWatch::changed(RedisClient& redis) {
  auto id = server_run_id(redis);
  if (!id) return id.status();
  const bool other = !last_run_id_.empty() && *id != last_run_id_;
  last_run_id_ = *id;
  return other;
}

Result<RedisPersistence> read_persistence(RedisClient& redis) {
  auto appendonly = config_value(redis, "appendonly");
  if (!appendonly) return appendonly.status();
  auto appendfsync = config_value(redis, "appendfsync");
  if (!appendfsync) return appendfsync.status();
  return RedisPersistence{*appendonly == "yes", *appendfsync};
}

Status check_durability(const RedisPersistence& persistence, RedisDurability wanted) {
  const bool always = persistence.appendfsync == "always";
  const bool kept = persistence.appendonly &&
                    (always || (wanted == RedisDurability::kEverysec && persistence.appendfsync == "everysec"));
  if (kept) return Status::ok();
  const std::string runs = persistence.appendonly ? "appendfsync " + persistence.appendfsync : "appendonly no";
  return Status::precondition(std::string("[redis] durability is \"") + durability_name(wanted) + "\" but Redis runs with " +
                              runs + " (wants appendonly yes, appendfsync " +
                              (wanted == RedisDurability::kAlways ? "always" : "everysec or always") + ")");
}

}  // namespace mtg
