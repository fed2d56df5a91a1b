// RedisClient against the real Redis of scripts/stack.
#include <gtest/gtest.h>
#include <unistd.h>

#include "store/redis/redis_client.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

class StoreRedis : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    auto client = RedisClient::connect(testkit::stack_config().redis);
    ASSERT_TRUE(client.is_ok()) << client.status().to_string();
    redis_ = std::move(client).value();
  }
  // A key private to this test process.
  std::string key(const std::string& name) const {
    return "mtgtest:" + std::to_string(getpid()) + ":" + name;
  }
  void TearDown() override {
    if (redis_ != nullptr && redis_->connected()) {
      (void)redis_->command({"EVAL",
                             "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do "
                             "redis.call('DEL', k) end",
                             "0", key("*")});
    }
  }
  std::unique_ptr<RedisClient> redis_;
};

TEST_F(StoreRedis, StreamRoundTripThroughAConsumerGroup) {
  const std::string stream = key("rtss");
  ASSERT_TRUE(redis_->command({"XGROUP", "CREATE", stream, "engine", "$", "MKSTREAM"}).is_ok());
  auto id = redis_->command({"XADD", stream, "*", "signal", "{\"uuid\":\"u1\"}"});
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  ASSERT_EQ(id->type, RedisReply::Type::kString);

  auto read = redis_->command(
      {"XREADGROUP", "GROUP", "engine", "c1", "COUNT", "10", "STREAMS", stream, ">"});
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  // [[stream, [[id, [field, value]]]]]
  ASSERT_EQ(read->elements.size(), 1u);
  const RedisReply& entries = read->elements[0].elements[1];
  ASSERT_EQ(entries.elements.size(), 1u);
  EXPECT_EQ(entries.elements[0].elements[0].str, id->str);
  EXPECT_EQ(entries.elements[0].elements[1].elements[0].str, "signal");
  EXPECT_EQ(entries.elements[0].elements[1].elements[1].str, "{\"uuid\":\"u1\"}");

  auto acked = redis_->command({"XACK", stream, "engine", id->str});
  ASSERT_TRUE(acked.is_ok());
  EXPECT_EQ(acked->integer, 1);
  auto pending = redis_->command({"XPENDING", stream, "engine"});
  ASSERT_TRUE(pending.is_ok());
  EXPECT_EQ(pending->elements[0].integer, 0);
}

TEST_F(StoreRedis, ErrorRepliesKeepRedisMessageAndBusyGroupIsNotUnavailable) {
  auto bad = redis_->command({"NOSUCHCOMMAND", "x"});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  const RedisConfig& config = testkit::stack_config().redis;
  const std::string expected = "redis " + config.host + ":" + std::to_string(config.port) +
                               ": ERR unknown command";
  EXPECT_EQ(bad.status().message().rfind(expected, 0), 0u) << bad.status().message();

  const std::string stream = key("s");
  ASSERT_TRUE(redis_->command({"XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"}).is_ok());
  auto again = redis_->command({"XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"});
  EXPECT_EQ(again.status().code(), Code::kInvalidArgument);
  EXPECT_NE(again.status().message().find("BUSYGROUP"), std::string::npos);
  EXPECT_TRUE(redis_->connected());
}

TEST_F(StoreRedis, BinaryValuesWithNulBytesRoundTrip) {
  const std::string value("a\0b\xff\0", 5);
  ASSERT_TRUE(redis_->command({"SET", key("bin"), value}).is_ok());
  auto got = redis_->command({"GET", key("bin")});
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->str, value);
  auto missing = redis_->command({"GET", key("missing")});
  ASSERT_TRUE(missing.is_ok());
  EXPECT_TRUE(missing->is_nil());
}

TEST_F(StoreRedis, PipelineReturnsOneReplyPerCommandWithErrorsInline) {
  auto replies = redis_->pipeline({{"SET", key("p"), "abc"},
                                   {"INCR", key("p")},  // not an integer: error reply
                                   {"GET", key("p")},
                                   {"INCR", key("n")}});
  ASSERT_TRUE(replies.is_ok()) << replies.status().to_string();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ((*replies)[0].str, "OK");
  EXPECT_TRUE((*replies)[1].is_error());
  EXPECT_NE((*replies)[1].str.find("not an integer"), std::string::npos);
  EXPECT_EQ((*replies)[2].str, "abc");
  EXPECT_EQ((*replies)[3].integer, 1);
  EXPECT_TRUE(redis_->pipeline({}).is_ok());
}

TEST_F(StoreRedis, EvalFallsBackToEvalAfterScriptFlush) {
  RedisScript script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  auto first = redis_->eval(script, {key("e")}, {"2"});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->integer, 2);
  ASSERT_TRUE(redis_->command({"SCRIPT", "FLUSH"}).is_ok());
  auto second = redis_->eval(script, {key("e")}, {"3"});
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ(second->integer, 5);
  auto loaded = redis_->command({"SCRIPT", "EXISTS", script.sha1()});
  ASSERT_TRUE(loaded.is_ok());
  EXPECT_EQ(loaded->elements[0].integer, 1);

  RedisScript failing("return redis.error_reply('NOPE custom failure')");
  auto error = redis_->eval(failing, {}, {});
  EXPECT_EQ(error.status().code(), Code::kInvalidArgument);
  EXPECT_NE(error.status().message().find("NOPE custom failure"), std::string::npos);
}

TEST_F(StoreRedis, VersionAndPing) {
  auto version = redis_->server_version();
  ASSERT_TRUE(version.is_ok());
  EXPECT_EQ(version->rfind("7.", 0), 0u) << *version;
  EXPECT_TRUE(redis_->ping().is_ok());
}

TEST(StoreRedisOffline, ConnectToAClosedPortIsUnavailable) {
  RedisConfig config;
  config.port = 1;  // nothing listens on tcpmux
  auto client = RedisClient::connect(config);
  ASSERT_FALSE(client.is_ok());
  EXPECT_EQ(client.status().code(), Code::kUnavailable);
  EXPECT_NE(client.status().message().find("127.0.0.1:1"), std::string::npos);
}

TEST_F(StoreRedis, ReconnectsAfterTheServerIsKilledAndRestarted) {
  if (!testkit::stack_controllable()) GTEST_SKIP() << "servers not run by scripts/stack";
  ASSERT_TRUE(redis_->command({"SET", key("durable"), "1"}).is_ok());
  testkit::stack_run("kill redis");
  auto down = redis_->command({"GET", key("durable")});
  ASSERT_FALSE(down.is_ok());
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
  EXPECT_FALSE(redis_->connected());
  EXPECT_EQ(redis_->ping().code(), Code::kUnavailable);  // still down: connect fails

  testkit::stack_run("start redis");
  auto up = redis_->command({"GET", key("durable")});
  ASSERT_TRUE(up.is_ok()) << up.status().to_string();
  EXPECT_EQ(up->str, "1");  // AOF kept the acknowledged write
  EXPECT_TRUE(redis_->connected());
}

}  // namespace
}  // namespace mtg
