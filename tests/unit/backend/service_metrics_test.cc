// The backend process's metrics: what BackendObserver hears becomes its families.
#include "backend/service_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "testkit/metrics_text.h"

namespace mtg {
namespace {

class BackendMetricsTest : public ::testing::Test {
 protected:
  testkit::MetricsText scrape() {
    auto text = testkit::MetricsText::parse(prometheus::TextSerializer().Serialize(registry_.Collect()));
    EXPECT_TRUE(text.is_ok()) << text.status().to_string();
    return *text;
  }

  prometheus::Registry registry_;
  BackendMetrics metrics_{registry_};
};

TEST_F(BackendMetricsTest, IngestRefillAndSyncAddUp) {
  metrics_.on_ingested(Feed::kResults, 10, 2, 1);
  metrics_.on_ingested(Feed::kResults, 5, 0, 0);
  metrics_.on_ingested(Feed::kEvents, 4, 1, 0);
  metrics_.on_refill_step(300, 7, 2);
  metrics_.on_synced(12);
  metrics_.on_synced(3);
  const auto text = scrape();
  EXPECT_EQ(text.value("mtguard_backend_ingested_results_total", {{"outcome", "recorded"}}), 15.0);
  EXPECT_EQ(text.value("mtguard_backend_ingested_results_total", {{"outcome", "already_recorded"}}), 2.0);
  EXPECT_EQ(text.value("mtguard_backend_ingested_results_total", {{"outcome", "unusable"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_backend_ingested_events_total", {{"outcome", "recorded"}}), 4.0);
  EXPECT_EQ(text.value("mtguard_backend_ingested_events_total", {{"outcome", "already_recorded"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_backend_ingested_events_total", {{"outcome", "unusable"}}), 0.0);
  EXPECT_EQ(text.value("mtguard_backend_refill_rows_total", {{"source", "clickhouse"}}), 300.0);
  EXPECT_EQ(text.value("mtguard_backend_refill_rows_total", {{"source", "rtrs"}}), 7.0);
  EXPECT_EQ(text.value("mtguard_backend_refill_rows_total", {{"source", "events"}}), 2.0);
  EXPECT_EQ(text.value("mtguard_backend_synced_rows_total"), 15.0);
  EXPECT_EQ(text.type("mtguard_backend_synced_rows_total"), "counter");
}

TEST_F(BackendMetricsTest, ThePublishedStateSetsTheGauges) {
  SyncStatus sync;
  sync.lag_rows = 40;
  sync.oldest_unsent_age_ms = 2'500;
  sync.suspended = true;
  sync.attempts = 5;
  sync.failed_batches = 1;
  metrics_.on_published(sync, StreamGroupInfo{"5-0", 3, 2}, StreamGroupInfo{"7-0", 4, 1}, true);
  metrics_.set_duckdb_open(true);
  auto text = scrape();
  EXPECT_EQ(text.value("mtguard_backend_outbox_rows"), 40.0);
  EXPECT_EQ(text.value("mtguard_backend_outbox_oldest_age_seconds"), 2.5);
  EXPECT_EQ(text.value("mtguard_backend_sync_suspended"), 1.0);
  EXPECT_EQ(text.value("mtguard_backend_sync_failed_attempts"), 5.0);
  EXPECT_EQ(text.value("mtguard_backend_failed_syncs"), 1.0);
  EXPECT_EQ(text.value("mtguard_backend_refill_pending"), 1.0);
  EXPECT_EQ(text.value("mtguard_backend_duckdb_open"), 1.0);
  EXPECT_EQ(text.value("mtguard_backend_rtrs_lag_entries"), 3.0);
  EXPECT_EQ(text.value("mtguard_backend_rtrs_pending_entries"), 2.0);
  EXPECT_EQ(text.value("mtguard_backend_events_lag_entries"), 4.0);
  EXPECT_EQ(text.value("mtguard_backend_events_pending_entries"), 1.0);
  // Resumed; Redis cannot say how far RTRS is: its gauges stay as they were.
  metrics_.on_published(SyncStatus{}, Status::unavailable("redis down"), Status::unavailable("redis down"), false);
  text = scrape();
  EXPECT_EQ(text.value("mtguard_backend_sync_suspended"), 0.0);
  EXPECT_EQ(text.value("mtguard_backend_outbox_rows"), 0.0);
  EXPECT_EQ(text.value("mtguard_backend_rtrs_lag_entries"), 3.0);
  EXPECT_EQ(text.value("mtguard_backend_events_lag_entries"), 4.0);
}

}  // namespace
}  // namespace mtg
