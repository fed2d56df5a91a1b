// A Redis reply as a plain value, deep-copied out of hiredis so that no hiredis type
// leaks into callers. Binary-safe: `str` may hold NUL bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace mtg {

struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };

  Type type = Type::kNil;
  std::string str;                  // kString, kStatus ("OK") and kError ("ERR ...")
  int64_t integer = 0;              // kInteger
  std::vector<RedisReply> elements; // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  // Short human-readable rendering for logs and test failures.
  std::string debug_string() const;
  // The first word of an error reply, e.g. "NOSCRIPT" for "NOSCRIPT No matching ...".
  std::string error_kind() const;
};

// An error reply of the server at `endpoint` as a Status that keeps what Redis said:
// kUnavailable for LOADING and BUSY (the server cannot answer now), else kInvalidArgument.
Status reply_error_status(const RedisReply& error, const std::string& endpoint);

}  // namespace mtg
