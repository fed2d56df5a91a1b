#include "store/redis/redis_script.h"

#include <gtest/gtest.h>

#include "store/redis/redis_reply.h"

namespace mtg {
namespace {

TEST(RedisScript, Sha1MatchesWhatRedisReportsForTheSource) {
  // `redis-cli SCRIPT LOAD "return 1"` answers this digest.
  RedisScript script("return 1");
  EXPECT_EQ(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(script.source(), "return 1");
}

TEST(RedisReply, DebugStringRendersNestedReplies) {
  RedisReply array;
  array.type = RedisReply::Type::kArray;
  RedisReply text;
  text.type = RedisReply::Type::kString;
  text.str = "a";
  RedisReply number;
  number.type = RedisReply::Type::kInteger;
  number.integer = 7;
  array.elements = {text, number, RedisReply{}};
  EXPECT_EQ(array.debug_string(), "[\"a\", (integer) 7, (nil)]");
}

}  // namespace
}  // namespace mtg
