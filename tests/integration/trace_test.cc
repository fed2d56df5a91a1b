// `mtguard trace UUID` on the real stack: a signal that lived through an engine kill -9
// is traced through every store and they agree; once its row is deleted by hand from
// the DuckDB file, trace names DuckDB as the store that disagrees.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/system.h"
#include "integration/workload.h"
#include "order/trade_result.h"
#include "store/duckdb/duckdb_database.h"
#include "testkit/eventually.h"
#include "testkit/shell.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testkit::eventually;

constexpr int kWaitMs = 120'000;

class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    testkit::SystemOptions options;
    options.instance_prefix = testkit::fresh_instance_prefix("trc");
    sys_ = std::make_unique<testkit::System>(options);
  }

  // `mtguard trace UUID` with every simulator's ledger; stderr is dropped.
  testkit::ShellResult trace(const std::string& uuid, bool json) {
    std::string cmd = std::string(MTG_BINARY) + " --config " + sys_->config_path() + (json ? " --json" : "") +
                      " trace " + uuid;
    for (int i = 0; i < 3; ++i) cmd += " --ledger " + sys_->ledger_path(i);
    return testkit::run_shell(cmd + " 2>/dev/null");
  }

  std::unique_ptr<testkit::System> sys_;
};

TEST_F(TraceTest, ASignalThroughAnEngineKillAgreesEverywhereAndADeletedDuckdbRowIsNamed) {
  sys_->start_engine();
  sys_->start_sims();
  sys_->start_backend();
  testkit::Workload work(*sys_, 31);
  ASSERT_TRUE(work.submit(work.batch(60)));
  ASSERT_TRUE(eventually([&] { return sys_->results().size() >= 5; }, kWaitMs));
  const int64_t killed_at = SystemClock::instance().now_ms();
  sys_->engine().kill9();
  sys_->engine().restart();
  ASSERT_TRUE(sys_->wait_final(work.uuids(), kWaitMs)) << sys_->log_tail(sys_->engine().log_path());

  // A signal whose final result came after the kill: it lived through it.
  std::string uuid;
  for (const TradeResult& r : sys_->results()) {
    if (r.ts_ms > killed_at && is_final(r.status) && r.filled_volume > 0) uuid = r.uuid;
  }
  if (uuid.empty()) uuid = *work.uuids().begin();

  nlohmann::json doc;
  ASSERT_TRUE(eventually(
      [&] {
        const auto run = trace(uuid, true);
        doc = nlohmann::json::parse(run.output, nullptr, false);
        return run.exit_code == 0 && doc.is_object() && !doc["clickhouse"].empty();  // the sync caught up
      },
      kWaitMs))
      << doc.dump(2);
  EXPECT_TRUE(doc["agree"].get<bool>()) << doc.dump(2);
  EXPECT_TRUE(doc["errors"].empty()) << doc["errors"].dump();
  EXPECT_EQ(doc["rtss"].size(), 1u);
  EXPECT_EQ(doc["dedup"].size(), 1u);
  EXPECT_EQ(doc["rts"].size(), 1u);
  EXPECT_GE(doc["legs"].size(), 1u);
  EXPECT_GE(doc["ledger"].size(), 1u);
  EXPECT_EQ(doc["duckdb"].size(), 1u);
  EXPECT_EQ(doc["clickhouse"].size(), 1u);
  EXPECT_EQ(doc["duckdb"][0]["result_id"], doc["clickhouse"][0]["result_id"]);

  // Delete its row by hand from the backend's file (the backend stopped: it holds the file).
  ASSERT_EQ(sys_->backend().stop(), 0);
  {
    auto db = DuckDatabase::open(sys_->config().duckdb.path);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ASSERT_TRUE((*db)->exec_params("DELETE FROM trade_history WHERE uuid = ?", {uuid}).is_ok());
  }
  const auto after = trace(uuid, false);
  EXPECT_EQ(after.exit_code, 1) << after.output;
  EXPECT_NE(after.output.find("DISAGREEMENT: result " + uuid), std::string::npos) << after.output;
  EXPECT_NE(after.output.find("missing from duckdb (present in"), std::string::npos) << after.output;
  EXPECT_NE(after.output.find("clickhouse"), std::string::npos) << after.output;
}

TEST_F(TraceTest, ABadUuidIsRefused) {
  const auto run = testkit::run_shell(std::string(MTG_BINARY) + " --config " + sys_->config_path() +
                                      " trace not-a-uuid");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("must be a UUID"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace mtg
