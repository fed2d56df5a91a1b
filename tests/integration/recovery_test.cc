// Issue 4 acceptance: kill -9 the engine at >= 20 seeded points, Redis and a simulator
// twice each, while 2,000 signals flow over three simulators; afterwards every signal
// has exactly one final result and no uuid was executed beyond its volume.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "integration/system.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testkit::System;
using std::chrono::milliseconds;

struct Faults {
  int engine = 0, redis = 0, sim = 0;
  int total() const { return engine + redis + sim; }
};

// Submits with retries: while Redis is down a batch is sent again (a repeated XADD of a
// uuid is answered `duplicate`, never executed twice).
void submit_retrying(System& sys, const std::vector<std::string>& batch) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    try {
      sys.submit(batch);
      return;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  FAIL() << "could not submit a batch";
}

TEST(RecoveryTest, KillNineEverywhereLosesAndDuplicatesNothing) {
  MTG_REQUIRE_STACK();
  const uint64_t seed = std::getenv("MTG_SEED") ? std::stoull(std::getenv("MTG_SEED")) : 20261124;
  std::printf("recovery: seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  testkit::SystemOptions options;
  options.sim.seed = seed;
  options.sim.partial_fill_prob = 0.15;
  options.sim.requote_prob = 0.02;
  options.sim.latency_ms_max = 3;
  System sys(options);
  sys.start_engine();
  sys.start_sims();

  constexpr int kSignals = 2000, kBatch = 50;
  std::map<std::string, double> asked;
  std::vector<std::vector<std::string>> batches;
  const int64_t now = SystemClock::instance().now_ms();
  for (int i = 0; i < kSignals; i += kBatch) {
    std::vector<std::string> batch;
    for (int j = i; j < i + kBatch; ++j) {
      const std::string uuid = System::new_uuid();
      const double volume = static_cast<double>(1 + rng() % 50) / 100.0;
      asked[uuid] = volume;
      batch.push_back(sys.signal(uuid, j % 3, volume, now, 600'000));
    }
    batches.push_back(std::move(batch));
  }
  // The schedule: after each batch, one fault drawn from the seed, until the quota is met.
  Faults f;
  for (size_t b = 0; b < batches.size(); ++b) {
    submit_retrying(sys, batches[b]);
    std::this_thread::sleep_for(milliseconds(50 + static_cast<int>(rng() % 150)));
    const int draw = static_cast<int>(rng() % 10);
    if (f.redis < 2 && (draw == 0 || b + 4 == batches.size())) {
      testkit::stack_run("kill redis");
      std::this_thread::sleep_for(milliseconds(300));
      testkit::stack_run("start redis");
      ++f.redis;
    } else if (f.sim < 2 && (draw == 1 || b + 2 == batches.size())) {
      const int which = static_cast<int>(rng() % 3);
      sys.sim(which).kill9();
      std::this_thread::sleep_for(milliseconds(200));
      sys.sim(which).restart();
      ++f.sim;
    } else if (f.engine < 25) {
      sys.engine().kill9();
      sys.engine().restart();
      ++f.engine;
    }
  }
  std::set<std::string> uuids;
  for (const auto& [u, v] : asked) uuids.insert(u);
  ASSERT_TRUE(sys.wait_final(uuids, 180'000)) << sys.log_tail(sys.engine().log_path());

  std::map<std::string, int> finals;
  std::map<std::string, double> filled;
  for (const auto& r : sys.results()) {
    if (!is_final(r.status)) continue;
    ++finals[r.uuid];
    filled[r.uuid] = r.filled_volume;
  }
  const auto ledger = sys.ledger_volume();
  int lost = 0, duplicated = 0, over = 0;
  for (const auto& [uuid, volume] : asked) {
    if (finals[uuid] == 0) ++lost;
    if (finals[uuid] > 1) ++duplicated;
    const double executed = ledger.count(uuid) ? ledger.at(uuid) : 0.0;
    if (executed > volume + 1e-9) ++over;
    EXPECT_NEAR(executed, filled[uuid], 1e-9) << uuid;
  }
  std::printf("recovery: %d faults (%d engine, %d redis, %d sim), %d signals, %d lost, %d duplicated, %d over-filled\n",
              f.total(), f.engine, f.redis, f.sim, kSignals, lost, duplicated, over);
  EXPECT_GE(f.engine, 20);
  EXPECT_EQ(f.redis, 2);
  EXPECT_EQ(f.sim, 2);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(over, 0);
}

}  // namespace
}  // namespace mtg
