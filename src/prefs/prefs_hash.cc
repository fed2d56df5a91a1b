#include "prefs/prefs_hash.h"

#include "prefs/prefs.h"
#include "util/check.h"

namespace mtg {
namespace {

// The reply of one pipelined command, as a Status.
Status reply_status(const RedisReply& reply, const std::string& what) {
  return reply.is_error() ? Status::invalid(what + ": " + reply.str) : Status::ok();
}

}  // namespace

Result<std::map<std::string, std::string>> RedisPrefsHash::get_all() {
  auto reply = redis_.command({"HGETALL", key_});
  if (!reply) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() % 2 != 0) {
    return Status::corruption("HGETALL " + key_ + ": unexpected reply " + reply->debug_string());
  }
  if (reply->elements.size() / 2 > kMaxPrefFields) {
    return Status::corruption(key_ + ": more than " + std::to_string(kMaxPrefFields) + " preferences");
  }
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i < reply->elements.size(); i += 2) {
    fields[reply->elements[i].str] = reply->elements[i + 1].str;
  }
  return fields;
}

Status RedisPrefsHash::set(const std::string& key, const std::string& json_value) {
  MTG_CHECK(!key.empty());
  MTG_CHECK(key.size() <= kMaxPrefKeyBytes);
  MTG_CHECK(!json_value.empty());
  return redis_.command({"HSET", key_, key, json_value}).status();
}

Result<bool> RedisPrefsHash::remove(const std::string& key) {
  MTG_CHECK(!key.empty());
  MTG_CHECK(key.size() <= kMaxPrefKeyBytes);
  auto reply = redis_.command({"HDEL", key_, key});
  if (!reply) return reply.status();
  return reply->integer == 1;
}

Status RedisPrefsHash::seed(const std::map<std::string, std::string>& fields) {
  MTG_CHECK(fields.size() <= kMaxPrefFields);
  if (fields.empty()) return Status::ok();
  std::vector<std::vector<std::string>> commands;
  for (const auto& [key, value] : fields) commands.push_back({"HSETNX", key_, key, value});
  MTG_CHECK(commands.size() == fields.size());
  auto replies = redis_.pipeline(commands);
  if (!replies) return replies.status();
  for (const auto& reply : *replies) MTG_RETURN_IF_ERROR(reply_status(reply, "HSETNX " + key_));
  return Status::ok();
}

Status RedisPrefsHash::replace(const std::map<std::string, std::string>& fields) {
  MTG_CHECK(fields.size() <= kMaxPrefFields);
  std::vector<std::vector<std::string>> commands{{"MULTI"}, {"DEL", key_}};
  if (!fields.empty()) {
    std::vector<std::string> hset{"HSET", key_};
    for (const auto& [key, value] : fields) {
      hset.push_back(key);
      hset.push_back(value);
    }
    commands.push_back(std::move(hset));
  }
  commands.push_back({"EXEC"});
  auto replies = redis_.pipeline(commands);
  if (!replies) return replies.status();
  MTG_CHECK(replies->size() == commands.size());
  for (const auto& reply : *replies) MTG_RETURN_IF_ERROR(reply_status(reply, "replace " + key_));
  const RedisReply& exec = replies->back();
  if (exec.type != RedisReply::Type::kArray) return Status::internal("replace " + key_ + ": transaction aborted");
  for (const auto& reply : exec.elements) MTG_RETURN_IF_ERROR(reply_status(reply, "replace " + key_));
  return Status::ok();
}

}  // namespace mtg
