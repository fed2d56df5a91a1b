#include "store/redis/redis_server_info.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(RedisDurabilityCheck, EverysecIsKeptByEverysecAndByAlways) {
  EXPECT_TRUE(check_durability({true, "everysec"}, RedisDurability::kEverysec).is_ok());
  EXPECT_TRUE(check_durability({true, "always"}, RedisDurability::kEverysec).is_ok());
}

TEST(RedisDurabilityCheck, AlwaysIsKeptOnlyByAlways) {
  EXPECT_TRUE(check_durability({true, "always"}, RedisDurability::kAlways).is_ok());
  const Status weaker = check_durability({true, "everysec"}, RedisDurability::kAlways);
  EXPECT_EQ(weaker.code(), Code::kFailedPrecondition);
  EXPECT_EQ(weaker.message(),
            "[redis] durability is \"always\" but Redis runs with appendfsync everysec (wants appendonly yes, "
            "appendfsync always)");
}

TEST(RedisDurabilityCheck, NoAofKeepsNothing) {
  EXPECT_EQ(check_durability({false, "always"}, RedisDurability::kEverysec).code(), Code::kFailedPrecondition);
  EXPECT_EQ(check_durability({true, "no"}, RedisDurability::kEverysec).code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace mtg
