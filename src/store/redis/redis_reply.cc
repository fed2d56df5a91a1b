#include "store/redis/redis_reply.h"

#include "util/check.h"

namespace mtg {

std::string RedisReply::debug_string() const {
  switch (type) {
    case Type::kNil:
      return "(nil)";
    case Type::kString:
      return "\"" + str + "\"";
    case Type::kInteger:
      return "(integer) " + std::to_string(integer);
    case Type::kStatus:
      return str;
    case Type::kError:
      return "(error) " + str;
    case Type::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out += ", ";
        out += elements[i].debug_string();
      }
      return out + "]";
    }
  }
  return "(unknown)";
}

std::string RedisReply::error_kind() const {
  MTG_CHECK(is_error());
  return str.substr(0, str.find(' '));
}

Status reply_error_status(const RedisReply& error, const std::string& endpoint) {
  const std::string kind = error.error_kind();
  std::string message = "redis " + endpoint + ": " + error.str;
  if (kind == "LOADING" || kind == "BUSY") return Status::unavailable(std::move(message));
  return Status::invalid(std::move(message));
}

}  // namespace mtg
