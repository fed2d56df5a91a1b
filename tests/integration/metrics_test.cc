// The metrics of engine, backend and backupd on the real stack (docs/operations.md
// "Metrics"): after a workload each process's /metrics has its families, and the counts
// agree with the evidence: the results in RTRS by status, the rows the backend recorded
// and synced, the backups backupd took.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "integration/system.h"
#include "integration/workload.h"
#include "testkit/eventually.h"
#include "testkit/http_get.h"
#include "testkit/metrics_text.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testkit::eventually;
using testkit::MetricsText;

constexpr int kWaitMs = 120'000;

// One scrape of `url`; an empty text when nothing answers or the text does not parse.
MetricsText scrape(const std::string& url) {
  auto answer = testkit::http_get(url);
  if (!answer || answer->status != 200) return {};
  auto text = MetricsText::parse(answer->body);
  EXPECT_TRUE(text.is_ok()) << text.status().to_string();
  return text ? *text : MetricsText{};
}

void expect_families(const MetricsText& text, const std::map<std::string, std::string>& families) {
  for (const auto& [family, type] : families) EXPECT_EQ(text.type(family), type) << family;
}

// Results in RTRS by status name.
std::map<std::string, double> rtrs_by_status(testkit::System& sys) {
  std::map<std::string, double> by_status;
  for (const TradeResult& r : sys.results()) by_status[result_status_name(r.status)] += 1;
  return by_status;
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    testkit::SystemOptions options;
    options.instance_prefix = testkit::fresh_instance_prefix("met");  // a refill reads only ours
    options.sim.partial_fill_prob = 0.2;
    options.sim.reject_prob = 0.05;
    sys_ = std::make_unique<testkit::System>(options);
    ASSERT_TRUE(sys_->create_master_key().is_ok());  // PostgreSQL backups need one
  }

  // Valid signals, repeated uuids, expired and malformed ones; waits for every final.
  void run_workload() {
    testkit::Workload work(*sys_, 7);
    auto batch = work.batch(150);
    const std::vector<std::string> repeats(batch.begin(), batch.begin() + 10);
    const int64_t now = SystemClock::instance().now_ms();
    std::set<std::string> expired;
    for (int i = 0; i < 5; ++i) {
      const std::string uuid = testkit::System::new_uuid();
      expired.insert(uuid);
      batch.push_back(sys_->signal(uuid, i % 3, 0.1, now - 60'000, 30'000));
    }
    batch.push_back("{\"uuid\": garbage");
    ASSERT_TRUE(work.submit(batch));
    ASSERT_TRUE(work.submit(repeats));
    auto finals = work.uuids();
    finals.insert(expired.begin(), expired.end());
    ASSERT_TRUE(sys_->wait_final(finals, kWaitMs)) << sys_->log_tail(sys_->engine().log_path());
    EXPECT_TRUE(work.check().clean()) << work.check().summary();
  }

  std::unique_ptr<testkit::System> sys_;
};

TEST_F(MetricsTest, EachProcessServesItsFamiliesAndTheCountsAgreeWithRtrs) {
  sys_->start_engine();
  sys_->start_sims();
  sys_->start_backend();
  sys_->start_backupd();
  // Every result then reaches DuckDB through the backend's ingest, none through a refill.
  const std::string backend_url = sys_->metrics_url("backend");
  ASSERT_TRUE(eventually(
      [&] {
        const MetricsText now = scrape(backend_url);
        return now.value("mtguard_backend_duckdb_open") == 1.0 &&
               now.value("mtguard_backend_refill_pending") == 0.0;
      },
      kWaitMs))
      << sys_->log_tail(sys_->file("backend.log"));
  ASSERT_NO_FATAL_FAILURE(run_workload());
  const auto rtrs = rtrs_by_status(*sys_);
  double total = 0, finals = 0;
  for (const auto& [status, n] : rtrs) {
    total += n;
    if (auto s = parse_result_status(status); s && is_final(*s)) finals += n;
  }
  ASSERT_GT(rtrs.at("duplicate"), 0);
  ASSERT_GT(rtrs.at("expired"), 0);

  // The engine: every result it wrote, by status, as RTRS holds them.
  const std::string engine_url = sys_->metrics_url("engine");
  const MetricsText engine = scrape(engine_url);
  expect_families(engine, {{"mtguard_engine_signals_total", "counter"},
                           {"mtguard_engine_results_total", "counter"},
                           {"mtguard_engine_signal_latency_seconds", "histogram"},
                           {"mtguard_engine_open_orders", "gauge"},
                           {"mtguard_engine_in_flight_orders", "gauge"},
                           {"mtguard_engine_accepting", "gauge"},
                           {"mtguard_engine_instance_enabled", "gauge"},
                           {"mtguard_engine_instance_connected", "gauge"},
                           {"mtguard_engine_instance_broker_connected", "gauge"},
                           {"mtguard_engine_instance_reconnect_attempts", "gauge"},
                           {"mtguard_engine_unknown_outcomes_total", "counter"},
                           {"mtguard_engine_store_errors_total", "counter"},
                           {"mtguard_engine_trade_events_total", "counter"},
                           {"mtguard_engine_spill_journal_entries", "gauge"},
                           {"mtguard_engine_rtss_pending_entries", "gauge"},
                           {"mtguard_engine_rtss_lag_entries", "gauge"}});
  for (const auto& [status, n] : rtrs) {
    EXPECT_EQ(engine.value("mtguard_engine_results_total", {{"status", status}}), n) << status;
  }
  EXPECT_EQ(engine.sum("mtguard_engine_results_total"), total);
  EXPECT_EQ(engine.value("mtguard_engine_signal_latency_seconds_count"), finals);
  // Gauges and the decision counters are read once a second.
  EXPECT_TRUE(eventually(
      [&] {
        const MetricsText now = scrape(engine_url);
        return now.value("mtguard_engine_signals_total", {{"outcome", "duplicate"}}) ==
                   rtrs.at("duplicate") &&
               now.value("mtguard_engine_open_orders") == 0.0 &&
               now.value("mtguard_engine_rtss_pending_entries") == 0.0;
      },
      kWaitMs));
  const MetricsText settled = scrape(engine_url);
  for (int i = 0; i < 3; ++i) {
    const testkit::Labels instance{{"instance_id", sys_->instance_id(i)}};
    EXPECT_EQ(settled.value("mtguard_engine_instance_connected", instance), 1.0) << sys_->instance_id(i);
    EXPECT_EQ(settled.value("mtguard_engine_instance_enabled", instance), 1.0) << sys_->instance_id(i);
    EXPECT_EQ(settled.value("mtguard_engine_instance_reconnect_attempts", instance), 0.0)
        << sys_->instance_id(i);
  }
  EXPECT_EQ(settled.value("mtguard_engine_spill_journal_entries"), 0.0);
  EXPECT_EQ(settled.value("mtguard_engine_accepting"), 1.0);

  // The backend: each result, and each trade event the engine appended, recorded once in
  // DuckDB, then synced to ClickHouse.
  EXPECT_TRUE(eventually(
      [&] {
        const double events = scrape(engine_url).value("mtguard_engine_trade_events_total").value_or(-1);
        const MetricsText now = scrape(backend_url);
        return now.value("mtguard_backend_ingested_results_total", {{"outcome", "recorded"}}) == total &&
               now.value("mtguard_backend_ingested_events_total", {{"outcome", "recorded"}}) == events &&
               now.value("mtguard_backend_synced_rows_total") == total + events &&
               now.value("mtguard_backend_outbox_rows") == 0.0;
      },
      kWaitMs))
      << sys_->log_tail(sys_->file("backend.log"));
  const MetricsText backend = scrape(backend_url);
  expect_families(backend, {{"mtguard_backend_ingested_results_total", "counter"},
                            {"mtguard_backend_ingested_events_total", "counter"},
                            {"mtguard_backend_refill_rows_total", "counter"},
                            {"mtguard_backend_refill_pending", "gauge"},
                            {"mtguard_backend_duckdb_open", "gauge"},
                            {"mtguard_backend_synced_rows_total", "counter"},
                            {"mtguard_backend_outbox_rows", "gauge"},
                            {"mtguard_backend_outbox_oldest_age_seconds", "gauge"},
                            {"mtguard_backend_sync_suspended", "gauge"},
                            {"mtguard_backend_sync_failed_attempts", "gauge"},
                            {"mtguard_backend_failed_syncs", "gauge"},
                            {"mtguard_backend_rtrs_lag_entries", "gauge"},
                            {"mtguard_backend_rtrs_pending_entries", "gauge"},
                            {"mtguard_backend_events_lag_entries", "gauge"},
                            {"mtguard_backend_events_pending_entries", "gauge"}});
  EXPECT_EQ(backend.value("mtguard_backend_sync_suspended"), 0.0);
  EXPECT_EQ(backend.value("mtguard_backend_duckdb_open"), 1.0);
  EXPECT_EQ(backend.value("mtguard_backend_ingested_results_total", {{"outcome", "unusable"}}), 0.0);
  EXPECT_EQ(backend.value("mtguard_backend_ingested_events_total", {{"outcome", "unusable"}}), 0.0);

  // backupd: every kind taken at start and its drill passed.
  const std::string backupd_url = sys_->metrics_url("backupd");
  EXPECT_TRUE(
      eventually([&] { return scrape(backupd_url).sum("mtguard_backup_last_verify_ok") == 5.0; }, kWaitMs))
      << sys_->log_tail(sys_->file("backupd.log"));
  const MetricsText backups = scrape(backupd_url);
  for (const char* kind : {"redis", "configs", "prefs", "duckdb", "postgres"}) {
    const testkit::Labels labels{{"kind", kind}};
    const auto age = backups.value("mtguard_backup_age_seconds", labels);
    ASSERT_TRUE(age.has_value()) << kind;
    EXPECT_TRUE(std::isfinite(*age) && *age >= 0.0) << kind << " " << *age;
    EXPECT_GT(backups.value("mtguard_backup_interval_seconds", labels).value_or(0), 0.0) << kind;
    EXPECT_EQ(backups.value("mtguard_backup_failed_drills", labels), 0.0) << kind;
    EXPECT_GT(backups.value("mtguard_backup_last_size_bytes", labels).value_or(0), 0.0) << kind;
  }
}

}  // namespace
}  // namespace mtg
