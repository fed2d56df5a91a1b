// The durability contract end to end (docs/requirements.md "Durability"): producers run
// `mtguard submit --wait` while Redis, on a stalled disk with appendfsync everysec, is
// killed with kill -9 and started again, having lost its last seconds — signals, dedup
// records, order states, results. The producers send again what may be lost; the
// engine, which rides through the restart, must still end every signal with exactly one
// final result and execute none twice (the simulators' ledgers are the evidence).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "integration/stalled_redis.h"
#include "integration/system.h"
#include "testkit/shell.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testkit::System;

constexpr int kProducers = 6;
constexpr int kSignalsPerProducer = 150;
constexpr double kVolume = 0.1;
constexpr int64_t kTtlMs = 600'000;  // far beyond the run: a signal sent again is never expired
constexpr int kFsyncDelayMs = 3'000;
constexpr auto kProducerGap = std::chrono::milliseconds(700);
constexpr int kSubmitTimeoutMs = 300'000;
constexpr int kFinalsBackMs = 120'000;  // bound of the wait for final results given back by the engine

class DurableProducerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    if (!testkit::stack_controllable()) GTEST_SKIP() << "needs the stack of this source tree (kills its Redis)";
    testkit::SystemOptions options;
    options.sim.partial_fill_prob = 0.2;  // several legs per signal: more to lose and to redo
    sys_ = std::make_unique<System>(options);
    sys_->start_engine();
    sys_->start_sims();
  }

  // Writes producer i's signals to a JSONL file; returns its path.
  std::string write_signals(int producer) {
    const std::string path = sys_->file("signals-" + std::to_string(producer) + ".jsonl");
    std::ofstream out(path);
    for (int j = 0; j < kSignalsPerProducer; ++j) {
      const std::string uuid = System::new_uuid();
      uuids_.insert(uuid);
      out << sys_->signal(uuid, j % 3, kVolume, SystemClock::instance().now_ms(), kTtlMs) << '\n';
    }
    return path;
  }

  std::unique_ptr<System> sys_;
  std::set<std::string> uuids_;
};

TEST_F(DurableProducerTest, ARedisThatLostItsLastSecondsNeverCausesASecondExecutionOrFinalResult) {
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the simulators connect
  testkit::StalledRedis stalled(kFsyncDelayMs, "everysec");
  std::vector<std::string> files;
  for (int i = 0; i < kProducers; ++i) files.push_back(write_signals(i));
  std::vector<testkit::ShellResult> runs(kProducers);
  std::vector<std::thread> producers;
  for (int i = 0; i < kProducers; ++i) {
    producers.emplace_back([&, i] {
      runs[static_cast<size_t>(i)] =
          testkit::run_shell(std::string(MTG_BINARY) + " submit --config " + sys_->config_path() + " --file " +
                             files[static_cast<size_t>(i)] + " --wait --timeout-ms " + std::to_string(kSubmitTimeoutMs));
    });
    std::this_thread::sleep_for(kProducerGap);
  }
  stalled.crash_and_restart();  // the last producers are still sending and waiting
  for (auto& p : producers) p.join();
  int resent_runs = 0;
  for (const auto& run : runs) {
    EXPECT_EQ(run.exit_code, 0) << run.output.substr(run.output.size() > 3000 ? run.output.size() - 3000 : 0);
    if (run.output.find("sent again") != std::string::npos) ++resent_runs;
  }
  (void)sys_->redis().ping();  // its connection broke with the crash: the next call reconnects
  // The producers that had settled and exited before the crash are gone: the final results
  // Redis lost with them come back from the engine once it sees the new run_id.
  const bool all_final = sys_->wait_final(uuids_, kFinalsBackMs);
  // Every signal: exactly one final result in RTRS.
  std::map<std::string, int> finals;
  for (const TradeResult& r : sys_->results()) {
    if (uuids_.count(r.uuid) != 0 && is_final(r.status)) ++finals[r.uuid];
  }
  size_t missing = 0, doubled = 0;
  for (const std::string& uuid : uuids_) {
    missing += finals[uuid] == 0 ? 1 : 0;
    doubled += finals[uuid] > 1 ? 1 : 0;
  }
  EXPECT_TRUE(all_final);
  EXPECT_EQ(missing, 0u) << "signals without a final result";
  EXPECT_EQ(doubled, 0u) << "signals with two final results";
  // Never executed beyond its volume (a second execution would double it).
  size_t over = 0;
  for (const auto& [uuid, volume] : sys_->ledger_volume()) {
    if (uuids_.count(uuid) != 0 && volume > kVolume + 1e-9) ++over;
  }
  EXPECT_EQ(over, 0u) << "signals executed beyond their volume";
  std::printf("%zu signals from %d producers; Redis killed on a stalled disk; %d producer(s) sent signals again; "
              "%zu without a final result, %zu with two, %zu over-executed\n",
              uuids_.size(), kProducers, resent_runs, missing, doubled, over);
  if (HasFailure()) std::printf("%s\n", sys_->log_tail(sys_->file("engine.log")).c_str());
}

}  // namespace
}  // namespace mtg
