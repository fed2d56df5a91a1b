#include "store/redis/redis_reply.h"

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

}  // namespace mtg
