// What Redis keeps of the writes it acknowledged when it is killed while its disk
// stalls (docs/requirements.md "Durability", docs/operations.md "Durability"): writers
// XADD as fast as Redis acknowledges, every fsync of Redis takes 3 s, Redis is killed
// with kill -9 mid-stream and started again; then every acknowledged id is looked up.
// appendfsync everysec loses some (Redis 7.0 postpones its AOF write for up to 2 s
// while a background fsync runs, and replies anyway); appendfsync always loses none.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "integration/stalled_redis.h"
#include "store/redis/redis_client.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

constexpr int kFsyncDelayMs = 3'000;
constexpr int kWriters = 8;
constexpr size_t kXaddsPerPipeline = 100;
// Long enough for several stalled fsyncs: the crash then falls inside a postponed write.
constexpr auto kWriteFor = std::chrono::milliseconds(7'000);
constexpr int kWriterTimeoutMs = 60'000;  // one stalled round trip takes a whole fsync

struct Tally {
  size_t acknowledged = 0;
  size_t lost = 0;
  std::string delayed_fsyncs;  // INFO persistence aof_delayed_fsync before the crash
};

RedisConfig writer_config() {
  RedisConfig c = testkit::stack_config().redis;
  c.command_timeout_ms = kWriterTimeoutMs;
  return c;
}

// Pipelines XADDs to `stream` until `stop` or the first failure; keeps the ids Redis
// acknowledged.
void write_until(const std::string& stream, const std::atomic<bool>& stop, std::mutex& mu, std::set<std::string>& acked) {
  auto redis = RedisClient::connect(writer_config());
  if (!redis) return;
  std::vector<std::vector<std::string>> batch(kXaddsPerPipeline, {"XADD", stream, "*", "n", "x"});
  while (!stop.load()) {
    auto replies = (*redis)->pipeline(batch);
    if (!replies) return;  // Redis was killed
    std::lock_guard lock(mu);
    for (const RedisReply& r : *replies) {
      if (r.type == RedisReply::Type::kString) acked.insert(r.str);
    }
  }
}

std::string info_field(RedisClient& redis, const std::string& field) {
  auto info = redis.command({"INFO", "persistence"});
  if (!info) return "?";
  const auto at = info->str.find(field + ":");
  if (at == std::string::npos) return "?";
  const auto from = at + field.size() + 1;
  return info->str.substr(from, info->str.find('\r', from) - from);
}

// The ids of `stream` that Redis still has.
std::set<std::string> surviving_ids(RedisClient& redis, const std::string& stream) {
  std::set<std::string> ids;
  std::string from = "-";
  for (;;) {
    auto page = redis.command({"XRANGE", stream, from, "+", "COUNT", "10000"});
    EXPECT_TRUE(page.is_ok()) << page.status().to_string();
    if (!page || page->elements.empty()) return ids;
    for (const RedisReply& e : page->elements) ids.insert(e.elements[0].str);
    from = "(" + page->elements.back().elements[0].str;
  }
}

class RedisDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    if (!testkit::stack_controllable()) GTEST_SKIP() << "needs the stack of this source tree (kills its Redis)";
  }
  void TearDown() override {
    auto redis = RedisClient::connect(testkit::stack_config().redis);
    if (redis) (void)(*redis)->command({"DEL", stream_});
  }

  // Writes for kWriteFor on a Redis whose fsyncs stall, crashes it mid-stream, starts
  // it sound and counts the acknowledged XADDs it lost.
  Tally crash_while_writing(const std::string& durability) {
    Tally tally;
    testkit::StalledRedis stalled(kFsyncDelayMs, durability);
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::set<std::string> acked;
    std::vector<std::thread> writers;
    for (int i = 0; i < kWriters; ++i) writers.emplace_back([&] { write_until(stream_, stop, mu, acked); });
    std::this_thread::sleep_for(kWriteFor);
    if (auto probe = RedisClient::connect(writer_config())) tally.delayed_fsyncs = info_field(**probe, "aof_delayed_fsync");
    stalled.crash_and_restart();  // the writers are still writing
    stop = true;
    for (auto& w : writers) w.join();
    auto redis = RedisClient::connect(testkit::stack_config().redis);
    EXPECT_TRUE(redis.is_ok()) << redis.status().to_string();
    if (!redis) return tally;
    const std::set<std::string> left = surviving_ids(**redis, stream_);
    tally.acknowledged = acked.size();
    for (const std::string& id : acked) tally.lost += left.count(id) == 0 ? 1 : 0;
    std::printf("appendfsync %s, every fsync delayed %d ms: %zu XADDs acknowledged, %zu of them lost after kill -9 "
                "and restart (aof_delayed_fsync %s)\n",
                durability.c_str(), kFsyncDelayMs, tally.acknowledged, tally.lost, tally.delayed_fsyncs.c_str());
    return tally;
  }

  const std::string stream_ = "mtgtest:" + std::to_string(getpid()) + ":durability";
};

TEST_F(RedisDurabilityTest, EverysecLosesAcknowledgedXaddsWhenKilledOnAStalledDisk) {
  const Tally tally = crash_while_writing("everysec");
  EXPECT_GT(tally.acknowledged, 0u);
  EXPECT_GT(tally.lost, 0u) << "the stalled disk did not open the window (aof_delayed_fsync " << tally.delayed_fsyncs
                            << ")";
}

TEST_F(RedisDurabilityTest, AlwaysLosesNoAcknowledgedXaddWhenKilledOnAStalledDisk) {
  const Tally tally = crash_while_writing("always");
  EXPECT_GT(tally.acknowledged, 0u);
  EXPECT_EQ(tally.lost, 0u);
}

}  // namespace
}  // namespace mtg
