// Crash recovery: kill -9 the engine at >= 20 seeded points, Redis and a simulator
// twice each, while 2,000 signals flow over three simulators; afterwards every signal
// has exactly one final result and no uuid was executed beyond its volume.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "integration/system.h"
#include "integration/workload.h"
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
  testkit::Workload load(sys, seed);
  std::vector<std::vector<std::string>> batches;
  for (int i = 0; i < kSignals; i += kBatch) batches.push_back(load.batch(kBatch));
  // The schedule: after each batch, one fault drawn from the seed, until the quota is met.
  Faults f;
  for (size_t b = 0; b < batches.size(); ++b) {
    ASSERT_TRUE(load.submit(batches[b]));
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
  ASSERT_TRUE(sys.wait_final(load.uuids(), 180'000)) << sys.log_tail(sys.engine().log_path());
  const testkit::Tally t = load.check();
  std::printf("recovery: %d faults (%d engine, %d redis, %d sim), %s\n", f.total(), f.engine, f.redis, f.sim,
              t.summary().c_str());
  EXPECT_GE(f.engine, 20);
  EXPECT_EQ(f.redis, 2);
  EXPECT_EQ(f.sim, 2);
  EXPECT_TRUE(t.clean()) << t.summary();
}

}  // namespace
}  // namespace mtg
