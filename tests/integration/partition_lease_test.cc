// PartitionLease against a real Redis and the real Redis Cluster of scripts/stack: one
// owner at a time, a new epoch for every new owner, and the writes of a lapsed owner
// refused by Redis itself (the fence every state-changing script starts with).
#include "partition/partition_lease.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "store/redis/redis_client.h"
#include "store/redis/redis_cluster.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

constexpr int64_t kTtlMs = 10'000;
constexpr int64_t kShortTtlMs = 300;

// A fenced write, as every state-changing script of a partition is: KEYS[1] the lease,
// KEYS[2] what it writes; ARGV[1] the owner's token, ARGV[2] the value.
const RedisScript kFencedWrite(std::string(kFenceGuardLua) + "return redis.call('SET', KEYS[2], ARGV[2], 'EX', 300)");

enum class Store { kSingle, kCluster };

class PartitionLeaseTest : public ::testing::TestWithParam<Store> {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    if (GetParam() == Store::kSingle) {
      auto single = RedisClient::connect(testkit::stack_config().redis);
      ASSERT_TRUE(single.is_ok()) << single.status().to_string();
      redis_ = std::move(single).value();
      return;
    }
    const char* env = std::getenv("MTG_REDIS_CLUSTER_NODES");
    std::vector<std::string> seeds;
    std::stringstream in(env == nullptr ? "" : env);
    for (std::string seed; std::getline(in, seed, ',');) seeds.push_back(seed);
    if (seeds.empty()) GTEST_SKIP() << "no cluster: scripts/stack up --cluster";
    auto cluster = RedisCluster::connect(seeds, testkit::stack_config().redis);
    ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
    redis_ = std::move(cluster).value();
  }

  // The epochs have no TTL: gone with the test.
  void TearDown() override {
    if (redis_ == nullptr) return;
    for (int p : {1, 2, 3}) (void)redis_->eval(RedisScript("return redis.call('DEL', KEYS[1])"), {keys(p).epoch()}, {});
  }

  // The keys of partition `p` under a prefix private to this test process.
  PartitionKeys keys(int p) const { return PartitionKeys(prefix(), p); }
  std::string prefix() const { return "mtgtest-" + std::to_string(getpid()) + ":"; }
  // A key of partition `p`'s slot that fenced scripts write.
  std::string data(int p) const { return prefix() + "{p" + std::to_string(p) + "}data"; }

  PartitionLease lease(int p, const std::string& owner, int64_t ttl_ms = kTtlMs) {
    return PartitionLease(*redis_, SystemClock::instance(), keys(p), owner, ttl_ms);
  }
  Result<RedisReply> fenced_write(PartitionLease& as, int64_t epoch, const std::string& value) {
    return redis_->eval(kFencedWrite, {as.keys().lease(), data(as.keys().partition())}, {as.token(epoch), value});
  }

  std::unique_ptr<RedisEval> redis_;
};

TEST_P(PartitionLeaseTest, OneOwnerAtATimeAndTheSameEpochForTheOwnerThatHoldsIt) {
  PartitionLease a = lease(1, "engine-a");
  PartitionLease b = lease(1, "engine-b");
  auto first = a.acquire();
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_TRUE(first->has_value());
  const int64_t epoch = (*first)->epoch;
  EXPECT_GE(epoch, 1);

  auto contender = b.acquire();
  ASSERT_TRUE(contender.is_ok());
  EXPECT_FALSE(contender->has_value()) << "two owners of one partition";
  auto again = a.acquire();
  ASSERT_TRUE(again.is_ok() && again->has_value());
  EXPECT_EQ((*again)->epoch, epoch);
  auto renewed = a.renew(epoch);
  ASSERT_TRUE(renewed.is_ok()) << renewed.status().to_string();
  EXPECT_EQ(renewed->epoch, epoch);
  EXPECT_EQ(b.renew(epoch).status().code(), Code::kFailedPrecondition);  // not b's lease

  // A drain: released, the next owner gets the next epoch.
  EXPECT_EQ(b.release(epoch).code(), Code::kFailedPrecondition);
  ASSERT_TRUE(a.release(epoch).is_ok());
  auto next = b.acquire();
  ASSERT_TRUE(next.is_ok() && next->has_value());
  EXPECT_EQ((*next)->epoch, epoch + 1);
  ASSERT_TRUE(b.release(epoch + 1).is_ok());
}

// An owner that stalled past its TTL (a SIGSTOP, a GC pause, a slow disk) finds its
// partition taken: its renewal fails and every write it still tries is refused by Redis,
// while the new owner's land.
TEST_P(PartitionLeaseTest, ALapsedOwnersWritesAreFencedOffAndTheNewOwnersLand) {
  PartitionLease stalled = lease(2, "engine-a", kShortTtlMs);
  PartitionLease next = lease(2, "engine-b");
  auto first = stalled.acquire();
  ASSERT_TRUE(first.is_ok() && first->has_value()) << first.status().to_string();
  const int64_t old_epoch = (*first)->epoch;
  ASSERT_TRUE(fenced_write(stalled, old_epoch, "from a").is_ok());

  std::optional<LeaseGrant> taken;
  for (int i = 0; i < 100 && !taken; ++i) {  // until the short lease has lapsed
    std::this_thread::sleep_for(std::chrono::milliseconds(kShortTtlMs / 3));
    auto got = next.acquire();
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    taken = *got;
  }
  ASSERT_TRUE(taken.has_value()) << "the lapsed lease was never free";
  EXPECT_EQ(taken->epoch, old_epoch + 1);

  EXPECT_EQ(stalled.renew(old_epoch).status().code(), Code::kFailedPrecondition);
  auto late = fenced_write(stalled, old_epoch, "late from a");
  ASSERT_FALSE(late.is_ok());
  EXPECT_NE(late.status().message().find("FENCED"), std::string::npos) << late.status().to_string();
  ASSERT_TRUE(fenced_write(next, taken->epoch, "from b").is_ok());
  EXPECT_EQ(redis_->eval(RedisScript("return redis.call('GET', KEYS[1])"), {data(2)}, {})->str, "from b");
  EXPECT_EQ(stalled.acquire()->has_value(), false);  // nor can it take it back while b holds it
  ASSERT_TRUE(next.release(taken->epoch).is_ok());
}

TEST_P(PartitionLeaseTest, TheOwnerCountsItsGrantFromBeforeItsRequestLessAMargin) {
  ManualClock clock;
  clock.advance_ms(1'000);
  PartitionLease owner(*redis_, clock, keys(3), "engine-a", kTtlMs);
  auto got = owner.acquire();
  ASSERT_TRUE(got.is_ok() && got->has_value()) << got.status().to_string();
  EXPECT_EQ((*got)->valid_until_steady_ms, 1'000 + kTtlMs - kTtlMs / PartitionLease::kMarginDivisor);
  ASSERT_TRUE(owner.release((*got)->epoch).is_ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, PartitionLeaseTest, ::testing::Values(Store::kSingle, Store::kCluster),
                         [](const ::testing::TestParamInfo<Store>& store) {
                           return std::string(store.param == Store::kSingle ? "SingleRedis" : "RedisCluster");
                         });

}  // namespace
}  // namespace mtg
