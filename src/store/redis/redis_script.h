// A Lua script for RedisClient::eval: its source and the SHA1 Redis knows it by.
#pragma once

#include <string>

namespace mtg {

class RedisScript {
 public:
  // Computes the SHA1 of `source` once (lowercase hex, as Redis reports it).
  explicit RedisScript(std::string source);

  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace mtg
