// Recovery actions spread over a fleet: jitter, a shared budget, cancellation, and the
// engine disabling twenty instances at once without restarting them in lockstep.
#include "engine/recovery_schedule.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "engine/engine.h"
#include "engine_fakes.h"

namespace mtg {
namespace {

RecoverySchedule schedule(ManualClock& clock, RecoveryBudget budget, uint64_t seed = 7) {
  return RecoverySchedule(budget, clock, std::make_unique<SeededRng>(seed));
}

TEST(RecoveryScheduleTest, EachActionWaitsItsJitterAndRunsOnce) {
  ManualClock clock;
  auto s = schedule(clock, {1'000, 100, 60'000});
  for (int i = 0; i < 50; ++i) s.request("i" + std::to_string(i));
  s.request("i0");  // a second request changes nothing
  EXPECT_EQ(s.pending(), 50u);
  std::set<std::string> ran;
  std::set<int64_t> at;
  for (int ms = 0; ms <= 1'000; ms += 10) {
    for (const auto& id : s.due()) {
      EXPECT_TRUE(ran.insert(id).second) << id << " ran twice";
      at.insert(clock.steady_ms());
    }
    clock.advance_ms(10);
  }
  EXPECT_EQ(ran.size(), 50u);
  EXPECT_EQ(s.pending(), 0u);
  EXPECT_GT(at.size(), 10u) << "jitter spreads the actions over the interval";
}

TEST(RecoveryScheduleTest, TheBudgetBoundsActionsPerWindowFleetWide) {
  ManualClock clock;
  auto s = schedule(clock, {0, 3, 60'000});
  for (int i = 0; i < 10; ++i) s.request("i" + std::to_string(i));
  std::map<int64_t, size_t> per_minute;
  for (int second = 0; second < 240; ++second) {
    per_minute[second / 60] += s.due().size();
    clock.advance_ms(1'000);
  }
  EXPECT_EQ(per_minute[0], 3u);
  EXPECT_EQ(per_minute[1], 3u);
  EXPECT_EQ(per_minute[2], 3u);
  EXPECT_EQ(per_minute[3], 1u);
}

TEST(RecoveryScheduleTest, ACancelledRequestNeverRuns) {
  ManualClock clock;
  auto s = schedule(clock, {5'000, 4, 60'000});
  s.request("demo-1");
  s.request("demo-2");
  s.cancel("demo-1");
  clock.advance_ms(5'000);
  EXPECT_EQ(s.due(), std::vector<std::string>{"demo-2"});
}

TEST(RecoveryScheduleTest, TheSameSeedGivesTheSameSchedule) {
  auto run = [](uint64_t seed) {
    ManualClock clock;
    auto s = schedule(clock, {10'000, 100, 60'000}, seed);
    for (int i = 0; i < 20; ++i) s.request("i" + std::to_string(i));
    std::vector<std::pair<int64_t, std::string>> order;
    for (int ms = 0; ms <= 10'000; ms += 100) {
      for (const auto& id : s.due()) order.emplace_back(clock.steady_ms(), id);
      clock.advance_ms(100);
    }
    return order;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

// Twenty terminals lose the network in the same second: all are disabled together,
// but their restart scripts run spread out and at most max_actions per window.
TEST(FleetRecoveryTest, TwentyInstancesDownTogetherAreRecoveredWithinTheBudget) {
  Config config;
  for (int i = 0; i < 20; ++i) {
    InstanceConfig inst;
    inst.id = "fleet-" + std::to_string(i);
    inst.token = "0123456789abcdef0123";
    inst.symbols = {"EURUSD"};
    config.instances.push_back(inst);
  }
  testing::MemoryOrderStore store;
  testing::FakeLink link;
  ManualClock clock;
  std::vector<std::pair<int64_t, std::string>> runs;
  EngineHooks hooks;
  hooks.recovery = [&](const std::string& id) { runs.emplace_back(clock.steady_ms(), id); };
  LinkPolicy policy;
  policy.jitter_seed = 20261124;
  Engine e(config, store, link, clock, {}, policy, hooks);
  ASSERT_TRUE(e.start().is_ok());
  const int64_t start = clock.steady_ms();
  for (int tick = 0; tick < 60 * 10; ++tick) {  // ten minutes, one tick a second
    e.on_tick();
    clock.advance_ms(1'000);
  }
  ASSERT_EQ(runs.size(), 20u);
  std::set<std::string> ids;
  std::set<int64_t> instants;
  for (const auto& [at, id] : runs) {
    ids.insert(id);
    instants.insert(at);
    size_t in_window = 0;
    for (const auto& [other, _] : runs) in_window += (other <= at && at - other < policy.recovery.window_ms);
    EXPECT_LE(in_window, static_cast<size_t>(policy.recovery.max_actions)) << "at " << at - start << " ms";
  }
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_GT(instants.size(), 1u);
  for (const auto& inst : config.instances) EXPECT_FALSE(store.ris.at(inst.id).enabled);
}

}  // namespace
}  // namespace mtg
