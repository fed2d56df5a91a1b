// A Lua script for RedisClient::eval: its source and the SHA1 Redis knows it by.
#pragma once

#include <string>
#include <vector>

#include "store/redis/redis_reply.h"

namespace mtg {

class RedisScript {
 public:
  // Computes the SHA1 of `source` once (lowercase hex, as Redis reports it).
  explicit RedisScript(std::string source);

  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

  // EVALSHA <sha1> <numkeys> keys... args...: the script run by its SHA1.
  std::vector<std::string> evalsha_argv(const std::vector<std::string>& keys, const std::vector<std::string>& args) const;
  // EVAL <source> <numkeys> keys... args...: the script sent whole (which loads it).
  std::vector<std::string> eval_argv(const std::vector<std::string>& keys, const std::vector<std::string>& args) const;
  // Whether `reply` to an EVALSHA says the server does not know the script (NOSCRIPT:
  // after SCRIPT FLUSH or a restart), so that it is sent whole.
  static bool unknown_to_server(const RedisReply& reply);

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace mtg
