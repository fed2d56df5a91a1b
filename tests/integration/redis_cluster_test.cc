// RedisCluster against the 3-master Redis Cluster of `scripts/stack up --cluster`: keys
// land where the cluster says, a slot migrated under the client is followed through ASK
// and MOVED without a command running twice, and a master killed with kill -9 stops only
// its own slots.
#include "store/redis/redis_cluster.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "testkit/stack.h"
#include "util/rng.h"

namespace mtg {
namespace {

constexpr int kWaitMs = 30'000;

// "127.0.0.1:P1,127.0.0.1:P2,…" from scripts/stack env; cluster1 is the first.
std::vector<std::string> cluster_seeds() {
  std::vector<std::string> seeds;
  const char* env = std::getenv("MTG_REDIS_CLUSTER_NODES");
  std::stringstream in(env == nullptr ? "" : env);
  for (std::string seed; std::getline(in, seed, ',');) seeds.push_back(seed);
  return seeds;
}

class RedisClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    seeds_ = cluster_seeds();
    if (seeds_.empty()) GTEST_SKIP() << "no cluster: scripts/stack up --cluster";
    auto cluster = RedisCluster::connect(seeds_, testkit::stack_config().redis);
    ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
    cluster_ = std::move(cluster).value();
    for (const std::string& seed : seeds_) {
      RedisConfig config = testkit::stack_config().redis;
      config.host = seed.substr(0, seed.rfind(':'));
      config.port = std::stoi(seed.substr(seed.rfind(':') + 1));
      auto node = RedisClient::connect(config);
      ASSERT_TRUE(node.is_ok()) << node.status().to_string();
      direct_.push_back(std::move(node).value());
    }
  }

  // A key private to this test process, tagged `tag`.
  std::string key(const std::string& tag, const std::string& name) const {
    return "mtgtest:{" + tag + "-" + std::to_string(getpid()) + "}" + name;
  }
  // The index (0 = cluster1) of the node listening on `endpoint`.
  size_t index_of(const std::string& endpoint) const {
    for (size_t i = 0; i < seeds_.size(); ++i) {
      if (seeds_[i] == endpoint) return i;
    }
    ADD_FAILURE() << endpoint << " is not a node of the stack's cluster";
    return 0;
  }
  std::string node_id(size_t i) { return direct_[i]->command({"CLUSTER", "MYID"})->str; }

  // Moves `slot` from node `from` to node `to` as redis-cli --cluster reshard does:
  // importing, migrating, every key moved, then the new owner told to all.
  void move_slot(int slot, size_t from, size_t to) {
    const std::string slot_text = std::to_string(slot);
    ASSERT_TRUE(direct_[to]->command({"CLUSTER", "SETSLOT", slot_text, "IMPORTING", node_id(from)}).is_ok());
    ASSERT_TRUE(direct_[from]->command({"CLUSTER", "SETSLOT", slot_text, "MIGRATING", node_id(to)}).is_ok());
    migrate_keys(slot, from, to);
    finish_move(slot, to);
  }
  void migrate_keys(int slot, size_t from, size_t to) {
    auto keys = direct_[from]->command({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "1000"});
    ASSERT_TRUE(keys.is_ok()) << keys.status().to_string();
    if (keys->elements.empty()) return;
    const std::string& target = seeds_[to];
    std::vector<std::string> argv = {"MIGRATE", target.substr(0, target.rfind(':')),
                                      target.substr(target.rfind(':') + 1), "", "0", "5000", "KEYS"};
    for (const RedisReply& k : keys->elements) argv.push_back(k.str);
    auto moved = direct_[from]->command(argv);
    ASSERT_TRUE(moved.is_ok()) << moved.status().to_string();
  }
  void finish_move(int slot, size_t to) {
    for (auto& node : direct_) {
      ASSERT_TRUE(node->command({"CLUSTER", "SETSLOT", std::to_string(slot), "NODE", node_id(to)}).is_ok());
    }
  }

  std::vector<std::string> seeds_;
  std::unique_ptr<RedisCluster> cluster_;
  std::vector<std::unique_ptr<RedisClient>> direct_;  // one plain client per node, cluster1 first
};

TEST_F(RedisClusterTest, EveryKeyLandsOnTheMasterOfTheSlotTheClusterComputes) {
  SeededRng rng(42);
  std::set<std::string> masters;
  for (int i = 0; i < 300; ++i) {
    const std::string k = key("k" + std::to_string(rng.uniform_int(0, 99'999)), std::to_string(i));
    const int slot = RedisCluster::key_slot(k);
    auto server_slot = direct_[0]->command({"CLUSTER", "KEYSLOT", k});
    ASSERT_TRUE(server_slot.is_ok());
    ASSERT_EQ(server_slot->integer, slot) << k;
    ASSERT_TRUE(cluster_->command(k, {"SET", k, std::to_string(i), "EX", "300"}).is_ok());
    auto back = direct_[index_of(cluster_->master_of(slot))]->command({"GET", k});  // no redirect: it is there
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_EQ(back->str, std::to_string(i));
    masters.insert(cluster_->master_of(slot));
  }
  EXPECT_EQ(masters.size(), 3u) << "300 keys reached fewer than the 3 masters";
}

TEST_F(RedisClusterTest, AScriptTakesKeysOfOneTagAndRefusesKeysOfTwoSlots) {
  const RedisScript add("redis.call('SET', KEYS[1], ARGV[1], 'EX', 300) return redis.call('INCRBY', KEYS[2], ARGV[1])");
  const std::string a = key("p7", "a");
  const std::string b = key("p7", "b");
  auto once = cluster_->eval(add, {a, b}, {"5"});
  ASSERT_TRUE(once.is_ok()) << once.status().to_string();
  EXPECT_EQ(once->integer, 5);
  (void)cluster_->command(b, {"EXPIRE", b, "300"});
  const std::string other = key("p8", "c");
  ASSERT_NE(RedisCluster::key_slot(other), RedisCluster::key_slot(a));
  EXPECT_EQ(cluster_->eval(add, {a, other}, {"1"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(cluster_->command(b, {"GET", b})->str, "5");  // the refused script ran nowhere
}

// The slot of a key moves to another master under a client that still holds the old
// map: while it migrates, the source answers ASK for keys it no longer holds; once it
// moved, MOVED. Each command runs once, where its key is.
TEST_F(RedisClusterTest, ASlotMigratedUnderTheClientIsFollowedThroughAskAndMoved) {
  const std::string moved_early = key("mig", "early");
  const std::string created_during = key("mig", "during");
  const int slot = RedisCluster::key_slot(moved_early);
  const size_t from = index_of(cluster_->master_of(slot));
  const size_t to = (from + 1) % seeds_.size();
  ASSERT_TRUE(cluster_->command(moved_early, {"SET", moved_early, "1", "EX", "300"}).is_ok());

  const std::string slot_text = std::to_string(slot);
  ASSERT_TRUE(direct_[to]->command({"CLUSTER", "SETSLOT", slot_text, "IMPORTING", node_id(from)}).is_ok());
  ASSERT_TRUE(direct_[from]->command({"CLUSTER", "SETSLOT", slot_text, "MIGRATING", node_id(to)}).is_ok());
  migrate_keys(slot, from, to);
  // ASK: the key is on the importing node now; the map is left as it is.
  auto incr = cluster_->command(moved_early, {"INCR", moved_early});
  ASSERT_TRUE(incr.is_ok()) << incr.status().to_string();
  EXPECT_EQ(incr->integer, 2);
  ASSERT_TRUE(cluster_->command(created_during, {"SET", created_during, "x", "EX", "300"}).is_ok());
  EXPECT_EQ(cluster_->master_of(slot), seeds_[from]);
  EXPECT_NE(direct_[to]->command({"EXISTS", created_during}).status().message().find("MOVED"),
            std::string::npos);  // a plain client is sent back to the source…
  EXPECT_EQ(direct_[to]->pipeline({{"ASKING"}, {"EXISTS", created_during}})->at(1).integer, 1);  // …it is there

  finish_move(slot, to);
  // MOVED: the client learns the new master and goes there.
  auto read = cluster_->command(moved_early, {"GET", moved_early});
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  EXPECT_EQ(read->str, "2");  // INCR ran once
  EXPECT_EQ(cluster_->master_of(slot), seeds_[to]);
  auto pipelined = cluster_->pipeline(moved_early, {{"INCR", moved_early}, {"GET", created_during}});
  ASSERT_TRUE(pipelined.is_ok()) << pipelined.status().to_string();
  EXPECT_EQ(pipelined->at(0).integer, 3);
  EXPECT_EQ(pipelined->at(1).str, "x");

  move_slot(slot, to, from);  // as it was
  EXPECT_EQ(cluster_->command(moved_early, {"GET", moved_early})->str, "3");
  EXPECT_EQ(cluster_->master_of(slot), seeds_[from]);
}

// kill -9 of one master: the others' slots keep serving (cluster-require-full-coverage
// no), its own fail as unavailable, and serve again once it is back.
TEST_F(RedisClusterTest, AMasterKilledStopsOnlyItsSlotsUntilItIsBack) {
  if (!testkit::stack_controllable()) GTEST_SKIP() << "needs scripts/stack to kill a node";
  std::vector<std::string> keys;
  for (int i = 0; keys.size() < 60; ++i) keys.push_back(key("kill" + std::to_string(i), "v"));
  const size_t victim = index_of(cluster_->master_of(RedisCluster::key_slot(keys[0])));
  testkit::stack_run("kill cluster" + std::to_string(victim + 1));

  int served = 0;
  int refused = 0;
  for (const std::string& k : keys) {
    const bool on_victim = index_of(cluster_->master_of(RedisCluster::key_slot(k))) == victim;
    auto set = cluster_->command(k, {"SET", k, "1", "EX", "300"});
    if (on_victim) {
      EXPECT_EQ(set.status().code(), Code::kUnavailable) << k;
      ++refused;
    } else {
      EXPECT_TRUE(set.is_ok()) << k << ": " << set.status().to_string();
      ++served;
    }
  }
  EXPECT_GT(served, 0);
  EXPECT_GT(refused, 0);

  testkit::stack_run("start cluster" + std::to_string(victim + 1));
  bool back = false;
  for (int waited = 0; waited < kWaitMs && !back; waited += 100) {
    back = cluster_->command(keys[0], {"SET", keys[0], "2", "EX", "300"}).is_ok();
    if (!back) usleep(100'000);
  }
  ASSERT_TRUE(back) << "the restarted master's slots never served again";
  for (const std::string& k : keys) EXPECT_TRUE(cluster_->command(k, {"GET", k}).is_ok()) << k;
}

}  // namespace
}  // namespace mtg
