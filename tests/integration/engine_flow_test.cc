// The engine end to end: 1,000 signals over three simulators on the real stack, mixed with
// duplicates, expired, invalid and malformed ones.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>

#include "integration/system.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testkit::System;

struct Mix {
  std::vector<std::string> payloads;
  std::set<std::string> valid, duplicated, expired, invalid;
  std::map<std::string, double> volume;  // requested volume per valid uuid
  size_t malformed = 0;
};

Mix make_mix(const System& sys, int total) {
  Mix m;
  std::mt19937 rng(42);
  const int64_t now = SystemClock::instance().now_ms();
  std::vector<std::string> accepted;
  for (int i = 0; i < total; ++i) {
    const int kind = static_cast<int>(rng() % 100);
    const std::string uuid = System::new_uuid();
    const int inst = static_cast<int>(rng() % 3);
    const double volume = static_cast<double>(1 + rng() % 100) / 100.0;
    if (kind < 80 || accepted.empty()) {
      m.payloads.push_back(sys.signal(uuid, inst, volume, now));
      m.valid.insert(uuid);
      m.volume[uuid] = volume;
      accepted.push_back(uuid);
    } else if (kind < 87) {  // a repeated submission of an earlier uuid
      const std::string& again = accepted[rng() % accepted.size()];
      m.payloads.push_back(sys.signal(again, inst, volume, now));
      m.duplicated.insert(again);
    } else if (kind < 92) {
      m.payloads.push_back(sys.signal(uuid, inst, volume, now - 60'000, 30'000));
      m.expired.insert(uuid);
    } else if (kind < 96) {
      const double bad_volume = (rng() % 2) != 0 ? -1.0 : 1000.0;  // negative, or above max_volume
      m.payloads.push_back(sys.signal(uuid, inst, bad_volume, now));
      m.invalid.insert(uuid);
    } else {
      m.payloads.push_back((rng() % 2) != 0 ? "{\"uuid\": garbage" : std::string(20'000, 'x'));
      ++m.malformed;
    }
  }
  return m;
}

// The terminals: `mtguard sim`, or mtguard-ea (the MQL5 EA's core on the shim of MT5),
// dialling in plaintext or over TLS.
struct Terminals {
  const char* name;
  std::string program;  // SystemOptions::terminal_program
  bool tls;             // SystemOptions::link_tls
};

class EngineFlowTest : public ::testing::TestWithParam<Terminals> {};

TEST_P(EngineFlowTest, ThousandSignalsEachGetExactlyOneFinalResultAndNothingBadReachesTheBroker) {
  MTG_REQUIRE_STACK();
  testkit::SystemOptions options;
  options.terminal_program = GetParam().program;
  options.link_tls = GetParam().tls;
  options.sim.partial_fill_prob = 0.1;
  options.sim.requote_prob = 0.02;
  options.sim.reject_prob = 0.02;
  // 10012 for orders that executed: each must be asked about, never executed again.
  options.sim.timeout_after_fill_prob = 0.1;
  System sys(options);
  sys.start_engine();
  sys.start_sims();
  Mix mix = make_mix(sys, 1000);
  sys.submit(mix.payloads);

  std::set<std::string> all = mix.valid;
  all.insert(mix.expired.begin(), mix.expired.end());
  all.insert(mix.invalid.begin(), mix.invalid.end());
  ASSERT_TRUE(sys.wait_final(all, 120'000)) << sys.log_tail(sys.engine().log_path());

  std::map<std::string, std::vector<TradeResult>> finals;
  std::map<std::string, int> duplicates;
  size_t unparsed_rejects = 0;
  for (const auto& r : sys.results()) {
    if (r.status == ResultStatus::kDuplicate) ++duplicates[r.uuid];
    if (!is_final(r.status)) continue;
    if (r.uuid.empty()) {
      EXPECT_EQ(r.status, ResultStatus::kRejected);
      EXPECT_FALSE(r.reason.empty());
      ++unparsed_rejects;
      continue;
    }
    finals[r.uuid].push_back(r);
  }
  EXPECT_EQ(unparsed_rejects, mix.malformed);
  for (const auto& uuid : all) {
    ASSERT_EQ(finals[uuid].size(), 1u) << uuid;
  }
  EXPECT_EQ(finals.size(), all.size());
  for (const auto& uuid : mix.duplicated) EXPECT_GE(duplicates[uuid], 1) << uuid;
  for (const auto& uuid : mix.expired) EXPECT_EQ(finals[uuid][0].status, ResultStatus::kExpired);
  for (const auto& uuid : mix.invalid) {
    EXPECT_EQ(finals[uuid][0].status, ResultStatus::kRejected);
    EXPECT_FALSE(finals[uuid][0].reason.empty());
  }

  const auto ledger = sys.ledger_volume();
  for (const auto& [uuid, executed] : ledger) {
    ASSERT_TRUE(mix.valid.count(uuid)) << "the broker executed a signal that was not valid: " << uuid;
    EXPECT_LE(executed, mix.volume[uuid] + 1e-9) << uuid;
    EXPECT_NEAR(executed, finals[uuid][0].filled_volume, 1e-9) << uuid;
  }
  size_t filled = 0;
  for (const auto& uuid : mix.valid) {
    const TradeResult& r = finals[uuid][0];
    if (r.status == ResultStatus::kFilled) ++filled;
    const double executed = ledger.count(uuid) ? ledger.at(uuid) : 0.0;
    EXPECT_NEAR(executed, r.filled_volume, 1e-9) << uuid << " " << result_status_name(r.status);
  }
  EXPECT_GT(filled, mix.valid.size() / 2);
  EXPECT_TRUE(sys.engine().running());
}

INSTANTIATE_TEST_SUITE_P(Terminals, EngineFlowTest,
                         ::testing::Values(Terminals{"Sim", "", false}, Terminals{"Ea", MTG_EA_BINARY, false},
                                           Terminals{"SimTls", "", true}),
                         [](const ::testing::TestParamInfo<Terminals>& terminals) { return terminals.param.name; });

}  // namespace
}  // namespace mtg
