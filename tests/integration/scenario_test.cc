// Seed §6 "Backup and Recovery Testing", scenarios 1-4, each against real processes:
// a steady stream of signals over three simulators, one kind of fault in the middle,
// then DESIGN.md's invariants checked on RTRS and the simulators' ledgers.
// Scenario 5 (PostgreSQL restored from its backup) lives with the backup tests; the
// backend's own crash is BackendSystemTest.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include "integration/system.h"
#include "integration/workload.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

using std::chrono::milliseconds;
using testkit::System;

constexpr int kBatches = 10;
constexpr int kBatchSignals = 30;
constexpr uint64_t kSeed = 20261124;

// Streams kBatches batches, runs `fault` after the third, and checks the invariants.
void run_scenario(System& sys, const std::string& name, const std::function<void()>& fault,
                  int final_timeout_ms = 120'000) {
  testkit::Workload load(sys, kSeed);
  for (int b = 0; b < kBatches; ++b) {
    ASSERT_TRUE(load.submit(load.batch(kBatchSignals)));
    std::this_thread::sleep_for(milliseconds(100));
    if (b == 2) fault();
  }
  ASSERT_TRUE(sys.wait_final(load.uuids(), final_timeout_ms)) << sys.log_tail(sys.engine().log_path());
  const testkit::Tally t = load.check();
  std::printf("%s: %s\n", name.c_str(), t.summary().c_str());
  EXPECT_TRUE(t.clean()) << t.summary();
}

System started_system() {
  testkit::SystemOptions options;
  options.sim.seed = kSeed;
  options.sim.partial_fill_prob = 0.15;
  options.sim.latency_ms_max = 20;  // orders are in flight when the fault hits
  return System(options);
}

// 1. Crash MT5 instance -> recover from Redis state: the engine asks the restarted
// terminal about every order in flight and resends only what it never saw.
TEST(ScenarioTest, S1_CrashedTerminalRecoversFromRedisState) {
  MTG_REQUIRE_STACK();
  System sys = started_system();
  sys.start_engine();
  sys.start_sims();
  run_scenario(sys, "scenario 1 (kill -9 a terminal)", [&] {
    sys.sim(0).kill9();
    std::this_thread::sleep_for(milliseconds(1'500));
    sys.sim(0).restart();
  });
}

// 2. Crash Redis -> restore from the AOF: the stack's Redis is killed with -9 and
// restarted on its own files; the engine keeps results in its spill journal meanwhile.
TEST(ScenarioTest, S2_CrashedRedisRestoresFromItsAof) {
  MTG_REQUIRE_STACK();
  if (!testkit::stack_controllable()) GTEST_SKIP() << "needs scripts/stack to kill Redis";
  System sys = started_system();
  sys.start_engine();
  sys.start_sims();
  run_scenario(sys, "scenario 2 (kill -9 redis)", [&] {
    testkit::stack_run("kill redis");
    std::this_thread::sleep_for(milliseconds(1'000));
    testkit::stack_run("start redis");
  });
}

// 3. Crash the engine mid-stream -> resume from Redis: pending RTSS entries are
// decided again, in-flight orders are asked about, nothing is sent twice.
TEST(ScenarioTest, S3_CrashedEngineResumesFromRedisState) {
  MTG_REQUIRE_STACK();
  System sys = started_system();
  sys.start_engine();
  sys.start_sims();
  run_scenario(sys, "scenario 3 (kill -9 the engine)", [&] {
    sys.engine().kill9();
    std::this_thread::sleep_for(milliseconds(500));
    sys.engine().restart();
  });
}

}  // namespace
}  // namespace mtg
