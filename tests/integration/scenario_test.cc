// Seed §6 "Backup and Recovery Testing", scenarios 1-4, each against real processes:
// a steady stream of signals over three simulators, one kind of fault in the middle,
// then DESIGN.md's invariants checked on RTRS and the simulators' ledgers.
// Scenario 5 (PostgreSQL restored from its backup) lives with the backup tests; the
// backend's own crash is BackendSystemTest.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include "integration/system.h"
#include "integration/workload.h"
#include "engine/redis_order_store.h"
#include "testkit/link_proxy.h"
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

// The instance's state in RIS, as `mtguard status` shows it.
InstanceState ris(System& sys, const std::string& id) {
  RedisOrderStore store(sys.redis(), sys.config().redis.prefix, {});
  auto states = store.load_instances();
  if (states) {
    for (const auto& s : *states) {
      if (s.id == id) return s;
    }
  }
  return InstanceState{};
}

// 4. Network outage -> resume once connectivity is restored: demo-1's terminal is
// unreachable for 40 s (a pulled cable: nothing moves, nothing is closed) under the
// default policy (an attempt every 3 s, disabled at 10). Signals keep coming: those
// for demo-1 are answered `dropped`; orders it had in flight are asked about when it
// is back; then it is reconciled and enabled again.
TEST(ScenarioTest, S4_NetworkOutageOfFortySecondsResumesOnceConnectivityIsRestored) {
  MTG_REQUIRE_STACK();
  constexpr int kOutageSeconds = 40;
  testkit::SystemOptions options;
  options.sim.seed = kSeed;
  options.sim.latency_ms_max = 20;
  options.link_proxies = true;
  System sys(options);
  sys.start_engine();
  sys.start_sims();
  testkit::Workload load(sys, kSeed);
  for (int b = 0; b < 3; ++b) ASSERT_TRUE(load.submit(load.batch(kBatchSignals)));
  sys.proxy(0).cut(testkit::CutMode::kBlackhole);
  int max_attempts = 0;
  bool disabled = false;
  for (int second = 0; second < kOutageSeconds; ++second) {
    ASSERT_TRUE(load.submit(load.batch(3)));
    std::this_thread::sleep_for(milliseconds(1'000));
    const InstanceState s = ris(sys, "demo-1");
    max_attempts = std::max(max_attempts, s.attempts);
    disabled = disabled || !s.enabled;
  }
  sys.proxy(0).restore();
  for (int b = 0; b < 3; ++b) ASSERT_TRUE(load.submit(load.batch(kBatchSignals)));
  ASSERT_TRUE(sys.wait_final(load.uuids(), 120'000)) << sys.log_tail(sys.engine().log_path());
  bool enabled_again = false;
  for (int i = 0; i < 300 && !enabled_again; ++i) {
    enabled_again = ris(sys, "demo-1").enabled;
    std::this_thread::sleep_for(milliseconds(100));
  }
  int dropped = 0;
  for (const auto& r : sys.results()) dropped += r.status == ResultStatus::kDropped;
  const testkit::Tally t = load.check();
  std::printf("scenario 4 (demo-1 unreachable %d s): %s; attempts reached %d, %d dropped, re-enabled: %s\n",
              kOutageSeconds, t.summary().c_str(), max_attempts, dropped, enabled_again ? "yes" : "no");
  EXPECT_TRUE(t.clean()) << t.summary();
  EXPECT_GE(max_attempts, 10);
  EXPECT_TRUE(disabled);
  EXPECT_GT(dropped, 0);
  EXPECT_TRUE(enabled_again) << sys.log_tail(sys.engine().log_path());
}

}  // namespace
}  // namespace mtg
