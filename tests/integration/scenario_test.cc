// docs/requirements.md §6 (backup and recovery testing), scenarios 1-5, each against real processes:
// a steady stream of signals over three simulators, one kind of fault in the middle,
// then the invariants of docs/requirements.md checked on RTRS and the simulators' ledgers. The
// backend's own crash is BackendSystemTest. Scenarios 1-4 stream the mix of trade
// actions (testkit::WorkloadMix::kTradeActions) to netting and hedging accounts whose
// simulators answer 10012 after executions and drop the link between an execution and
// its result; their final books must equal the reference model's.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <thread>

#include "backup_fixture.h"
#include "credentials/credential_store.h"
#include "engine/redis_order_store.h"
#include "integration/system.h"
#include "integration/workload.h"
#include "order/order_state.h"
#include "store/clickhouse/clickhouse_client.h"
#include "testkit/link_proxy.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

using std::chrono::milliseconds;
using testkit::System;

constexpr int kBatches = 10;
constexpr int kBatchSignals = 30;
constexpr uint64_t kSeed = 20261124;

constexpr int kFinalTimeoutMs = 120'000;

// Streams kBatches batches through `load`, runs `fault` after the third, and waits
// until every signal has its final result.
void stream_with_fault(System& sys, testkit::Workload& load, const std::function<void()>& fault,
                       int final_timeout_ms = kFinalTimeoutMs) {
  for (int b = 0; b < kBatches; ++b) {
    ASSERT_TRUE(load.submit(load.batch(kBatchSignals)));
    std::this_thread::sleep_for(milliseconds(100));
    if (b == 2) fault();
  }
  ASSERT_TRUE(sys.wait_final(load.uuids(), final_timeout_ms)) << sys.log_tail(sys.engine().log_path());
}

// Stops the simulators (their ledgers are then their last word), checks the invariants
// over everything `load` sent and prints "name: tally<detail>".
void check_invariants(System& sys, const testkit::Workload& load, const std::string& name,
                      const std::string& detail = "") {
  for (int i = 0; i < static_cast<int>(sys.config().instances.size()); ++i) sys.sim(i).stop();
  const testkit::Tally t = load.check();
  std::printf("%s: %s%s\n", name.c_str(), t.summary().c_str(), detail.c_str());
  std::string problems;
  for (const auto& p : t.problems) problems += "\n  " + p;
  EXPECT_TRUE(t.clean()) << t.summary() << problems;
}

// The mix of trade actions (opens of every type, closes by ticket and by ref, close_all,
// modifies, cancels) on netting (demo-1, demo-3) and hedging (demo-2) accounts, for
// `mtguard sim` and mtguard-ea terminals alike.
testkit::Workload trade_actions(System& sys) {
  return testkit::Workload(sys, kSeed, 600'000, testkit::WorkloadMix::kTradeActions);
}

// Streams kBatches batches of the mix of trade actions, runs `fault` after the third,
// and checks the invariants and the simulators' books against the model.
void run_scenario(System& sys, const std::string& name, const std::function<void()>& fault,
                  int final_timeout_ms = kFinalTimeoutMs) {
  testkit::Workload load = trade_actions(sys);
  ASSERT_NO_FATAL_FAILURE(stream_with_fault(sys, load, fault, final_timeout_ms));
  check_invariants(sys, load, name);
}

// Outcomes no terminal vouches for: 10012 after an execution, the link dropped between
// an execution and its result.
void ambiguous_outcomes(SimConfig& sim) {
  sim.timeout_after_fill_prob = 0.1;
  sim.link_drop_after_fill_prob = 0.03;
}

// terminal_program: "" = `mtguard sim`, else mtguard-ea (SystemOptions::terminal_program).
testkit::SystemOptions scenario_options(const std::string& terminal_program = "") {
  testkit::SystemOptions options;
  options.terminal_program = terminal_program;
  options.sim.seed = kSeed;
  options.sim.partial_fill_prob = 0.15;
  options.sim.latency_ms_max = 20;  // orders are in flight when the fault hits
  ambiguous_outcomes(options.sim);
  return options;
}

System started_system() { return System(scenario_options()); }

// 1. Crash MT5 instance -> recover from Redis state: the engine asks the restarted
// terminal about every order in flight and resends only what it never saw. tls: the
// terminal link over TLS (SystemOptions::link_tls).
void scenario_1(const std::string& terminal_program, bool tls = false) {
  testkit::SystemOptions options = scenario_options(terminal_program);
  options.link_tls = tls;
  System sys(options);
  sys.start_engine();
  sys.start_sims();
  run_scenario(sys, "scenario 1 (kill -9 a terminal)", [&] {
    sys.sim(0).kill9();
    std::this_thread::sleep_for(milliseconds(1'500));
    sys.sim(0).restart();
  });
}

TEST(ScenarioTest, S1_CrashedTerminalRecoversFromRedisState) {
  MTG_REQUIRE_STACK();
  scenario_1("");
}

// The same with the terminal link over TLS: the restarted terminal pins the engine's
// certificate again before it says hello.
TEST(ScenarioTest, S1_CrashedTerminalRecoversOverTls) {
  MTG_REQUIRE_STACK();
  scenario_1("", true);
}

// The same with mtguard-ea, the MQL5 EA's core: it settles what it had in flight from
// its journal and the broker's history.
TEST(ScenarioTest, S1_CrashedEaRecoversFromItsJournalAndHistory) {
  MTG_REQUIRE_STACK();
  scenario_1(MTG_EA_BINARY);
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
void scenario_3(const std::string& terminal_program) {
  System sys(scenario_options(terminal_program));
  sys.start_engine();
  sys.start_sims();
  run_scenario(sys, "scenario 3 (kill -9 the engine)", [&] {
    sys.engine().kill9();
    std::this_thread::sleep_for(milliseconds(500));
    sys.engine().restart();
  });
}

TEST(ScenarioTest, S3_CrashedEngineResumesFromRedisState) {
  MTG_REQUIRE_STACK();
  scenario_3("");
}

TEST(ScenarioTest, S3_CrashedEngineResumesWithEaTerminals) {
  MTG_REQUIRE_STACK();
  scenario_3(MTG_EA_BINARY);
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
void scenario_4(const std::string& terminal_program) {
  constexpr int kOutageSeconds = 40;
  testkit::SystemOptions options;
  options.terminal_program = terminal_program;
  options.sim.seed = kSeed;
  options.sim.latency_ms_max = 20;
  ambiguous_outcomes(options.sim);
  options.link_proxies = true;
  System sys(options);
  sys.start_engine();
  sys.start_sims();
  testkit::Workload load = trade_actions(sys);
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
  check_invariants(sys, load, "scenario 4 (demo-1 unreachable " + std::to_string(kOutageSeconds) + " s)",
                   "; attempts reached " + std::to_string(max_attempts) + ", " + std::to_string(dropped) +
                       " dropped, re-enabled: " + (enabled_again ? "yes" : "no"));
  EXPECT_GE(max_attempts, 10);
  EXPECT_TRUE(disabled);
  EXPECT_GT(dropped, 0);
  EXPECT_TRUE(enabled_again) << sys.log_tail(sys.engine().log_path());
}

TEST(ScenarioTest, S4_NetworkOutageOfFortySecondsResumesOnceConnectivityIsRestored) {
  MTG_REQUIRE_STACK();
  scenario_4("");
}

TEST(ScenarioTest, S4_NetworkOutageWithEaTerminals) {
  MTG_REQUIRE_STACK();
  scenario_4(MTG_EA_BINARY);
}

// `mtguard --config <the system's> <args>`, with `stdin_line` on its standard input.
backup::itest::Shell cli(const System& sys, const std::string& args, const std::string& stdin_line = "") {
  const std::string command = std::string(MTG_BINARY) + " --config " + sys.config_path() + " " + args;
  return backup::itest::shell(stdin_line.empty() ? command
                                                 : "printf '%s\\n' '" + stdin_line + "' | " + command);
}

// The id in `mtguard backup run KIND`'s "backup KIND/ID: ..." line ("" when absent).
std::string backup_id(const std::string& output, const std::string& kind) {
  const std::string marker = "backup " + kind + "/";
  const size_t start = output.find(marker);
  if (start == std::string::npos) return "";
  const size_t end = output.find(':', start);
  return output.substr(start + marker.size(), end - start - marker.size());
}

// The system's broker credentials under its master key, as the backend would read them.
Result<Credential> stored_credential(const System& sys, const std::string& instance) {
  auto key = crypto::load_master_key(sys.config().key_file);
  if (!key) return key.status();
  auto pg = PgClient::connect(sys.config().postgres);
  if (!pg) return pg.status();
  auto store = CredentialStore::open(**pg, {std::move(key).value()});
  if (!store) return store.status();
  return (*store)->get(instance);
}

// How many of `uuids` have a final result in ClickHouse, counting each row once (FINAL).
int64_t clickhouse_finals(const System& sys, const std::set<std::string>& uuids) {
  auto ch = ClickHouseClient::create(sys.config().clickhouse);
  if (!ch) return -1;
  std::string list;
  for (const auto& u : uuids) list += (list.empty() ? "'" : ",'") + u + "'";
  auto r = (*ch)->query("SELECT count() FROM " + (*ch)->database() + ".trade_results FINAL WHERE status IN " +
                        final_states_sql_list() + " AND uuid IN (" + list + ")");
  return r ? std::stoll(*r) : -1;
}

// Waits until every one of `uuids` has exactly one final result in ClickHouse.
bool wait_clickhouse_finals(const System& sys, const std::set<std::string>& uuids) {
  constexpr int kPollMs = 200;
  for (int waited = 0; waited < kFinalTimeoutMs; waited += kPollMs) {
    if (clickhouse_finals(sys, uuids) >= static_cast<int64_t>(uuids.size())) break;
    std::this_thread::sleep_for(milliseconds(kPollMs));
  }
  return clickhouse_finals(sys, uuids) == static_cast<int64_t>(uuids.size());
}

// 5. PostgreSQL failure -> restore from the latest backup (docs/requirements.md §4.5): with signals
// flowing, the stack's PostgreSQL is killed with -9 and restarted, the broker
// credentials it held are lost (their table dropped), and `mtguard restore postgres`
// brings back the latest backup. The engine and the backend keep no state in
// PostgreSQL, so they run on; the credential reads again under the same master key.
TEST(ScenarioTest, S5_FailedPostgresRestoresFromTheLatestBackup) {
  MTG_REQUIRE_STACK();
  if (!testkit::stack_controllable()) GTEST_SKIP() << "needs scripts/stack to kill PostgreSQL";
  testkit::SystemOptions options = scenario_options();
  options.private_postgres = true;                               // the restore replaces the whole database
  options.extra_toml = "[backend]\nrtrs_retain_ms = 3600000\n";  // check() reads every result from RTRS
  System sys(options);
  ASSERT_TRUE(sys.create_master_key().is_ok());
  sys.start_backend();
  sys.start_engine();
  sys.start_sims();
  const std::string password = "s5-pw-" + System::new_uuid();
  const backup::itest::Shell set = cli(sys,
                                       "creds set --instance demo-1 --login 5005 --server Demo-Server "
                                       "--password-stdin",
                                       password);
  ASSERT_EQ(set.exit_code, 0) << set.output;
  const backup::itest::Shell taken = cli(sys, "backup run postgres");
  ASSERT_EQ(taken.exit_code, 0) << taken.output;
  const std::string id = backup_id(taken.output, "postgres");
  ASSERT_FALSE(id.empty()) << taken.output;

  testkit::Workload load(sys, kSeed);
  backup::itest::Shell lost, restore;
  ASSERT_NO_FATAL_FAILURE(stream_with_fault(sys, load, [&] {
    testkit::stack_run("kill postgres");
    testkit::stack_run("start postgres");
    auto pg = PgClient::connect(sys.config().postgres);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    ASSERT_TRUE((*pg)->exec("DROP TABLE broker_credentials").is_ok());
    lost = cli(sys, "creds list");
    restore = cli(sys, "restore postgres");
  }));

  EXPECT_NE(lost.exit_code, 0) << "the credentials were not lost: " << lost.output;
  EXPECT_EQ(restore.exit_code, 0) << restore.output;
  EXPECT_NE(restore.output.find("restored postgres/" + id), std::string::npos) << restore.output;
  const backup::itest::Shell listed = cli(sys, "creds list");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("demo-1"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("Demo-Server"), std::string::npos) << listed.output;
  auto credential = stored_credential(sys, "demo-1");
  ASSERT_TRUE(credential.is_ok()) << credential.status().to_string();
  EXPECT_EQ(credential->login, 5005);
  EXPECT_TRUE(credential->password.view() == password) << "the restored password differs";
  const std::string said = set.output + taken.output + lost.output + restore.output + listed.output;
  EXPECT_EQ(said.find(password), std::string::npos) << "a password in the output";
  EXPECT_EQ(backup::itest::shell("grep -rFl -- '" + password + "' '" + sys.file(".") + "'").output, "")
      << "a plaintext password on disk";
  EXPECT_TRUE(sys.backend().running()) << sys.log_tail(sys.backend().log_path());
  EXPECT_TRUE(sys.engine().running()) << sys.log_tail(sys.engine().log_path());
  EXPECT_TRUE(wait_clickhouse_finals(sys, load.uuids()))
      << clickhouse_finals(sys, load.uuids()) << " of " << load.uuids().size()
      << " final results in ClickHouse\n"
      << sys.log_tail(sys.backend().log_path());
  check_invariants(sys, load, "S5", ", restored postgres/" + id);
}

}  // namespace
}  // namespace mtg
