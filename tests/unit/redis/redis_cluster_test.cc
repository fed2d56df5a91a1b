#include "store/redis/redis_cluster.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(RedisClusterSlot, IsCrc16OfTheKeyOrItsFirstNonEmptyTag) {
  // The Redis Cluster specification's test vector: CRC16("123456789") = 0x31C3.
  EXPECT_EQ(RedisCluster::key_slot("123456789"), 0x31C3);
  EXPECT_EQ(RedisCluster::key_slot("{p7}rtss"), RedisCluster::key_slot("p7"));
  EXPECT_EQ(RedisCluster::key_slot("mtg:{p7}rtss"), RedisCluster::key_slot("mtg:{p7}rts:open"));
  EXPECT_EQ(RedisCluster::key_slot("foo{bar}{zap}"), RedisCluster::key_slot("bar"));
  EXPECT_EQ(RedisCluster::key_slot("foo{{bar}}zap"), RedisCluster::key_slot("{bar"));
  EXPECT_NE(RedisCluster::key_slot("foo{}{bar}"), RedisCluster::key_slot("bar"));  // an empty tag: the whole key
  EXPECT_EQ(RedisCluster::key_slot("no-close{tag"), RedisCluster::key_slot("no-close{tag"));
  for (const char* key : {"", "a", "mtg:rtss", "{", "}", "{}"}) {
    EXPECT_GE(RedisCluster::key_slot(key), 0);
    EXPECT_LT(RedisCluster::key_slot(key), RedisCluster::kSlots);
  }
}

RedisReply text(std::string s) { return {RedisReply::Type::kString, std::move(s), 0, {}}; }
RedisReply number(int64_t n) { return {RedisReply::Type::kInteger, "", n, {}}; }
RedisReply array(std::vector<RedisReply> elements) { return {RedisReply::Type::kArray, "", 0, std::move(elements)}; }

RedisReply node(const std::string& role, int port) {
  return array({text("id"), text("abc"), text("port"), number(port), text("ip"), text("127.0.0.1"), text("role"),
                text(role), text("health"), text("online")});
}

TEST(RedisClusterShards, MapEachRangeOfSlotsToItsMaster) {
  const RedisReply shards = array({
      array({text("slots"), array({number(0), number(5460)}), text("nodes"),
             array({node("replica", 7004), node("master", 7001)})}),
      array({text("slots"), array({number(5461), number(10922)}), text("nodes"), array({node("master", 7002)})}),
      array({text("slots"), array({number(10923), number(16383)}), text("nodes"), array({node("master", 7003)})}),
  });
  auto map = RedisCluster::parse_shards(shards);
  ASSERT_TRUE(map.is_ok()) << map.status().to_string();
  EXPECT_EQ((*map)[0], "127.0.0.1:7001");
  EXPECT_EQ((*map)[5460], "127.0.0.1:7001");
  EXPECT_EQ((*map)[5461], "127.0.0.1:7002");
  EXPECT_EQ((*map)[16383], "127.0.0.1:7003");
}

TEST(RedisClusterShards, ARangeWithoutAMasterIsServedByNone) {
  const RedisReply shards =
      array({array({text("slots"), array({number(0), number(99)}), text("nodes"), array({node("replica", 7004)})})});
  auto map = RedisCluster::parse_shards(shards);
  ASSERT_TRUE(map.is_ok()) << map.status().to_string();
  EXPECT_EQ((*map)[0], "");
  EXPECT_EQ((*map)[100], "");
}

TEST(RedisClusterShards, AReplyOfAnotherShapeIsCorrupt) {
  EXPECT_EQ(RedisCluster::parse_shards(text("OK")).status().code(), Code::kCorruption);
  EXPECT_EQ(RedisCluster::parse_shards(array({array({text("slots"), array({number(0)}), text("nodes"), array({})})}))
                .status()
                .code(),
            Code::kCorruption);
  EXPECT_EQ(RedisCluster::parse_shards(array({array({text("slots"), array({number(5), number(20'000)}),
                                                     text("nodes"), array({node("master", 7001)})})}))
                .status()
                .code(),
            Code::kCorruption);
  EXPECT_EQ(RedisCluster::parse_shards(array({array({text("slots"), array({}), text("nodes"),
                                                     array({array({text("role"), text("master")})})})}))
                .status()
                .code(),
            Code::kCorruption);
}

}  // namespace
}  // namespace mtg
