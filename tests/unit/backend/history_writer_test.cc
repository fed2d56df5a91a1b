#include "backend/history_writer.h"

#include "unit/backend/backend_fixture.h"

namespace mtg {
namespace {

using HistoryWriterTest = BackendDbTest;

TEST_F(HistoryWriterTest, WritesHistoryOutboxAndStateTogether) {
  HistoryWriter w(*db_, clock_);
  auto n = w.write({result("u1", ResultStatus::kFilled), result("u2", ResultStatus::kFailed, 0)}, "");
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(count("SELECT count(*) FROM trade_history"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sync_outbox"), 2);
  EXPECT_EQ(scalar("SELECT state FROM trade_state WHERE uuid = 'u2'"), "failed");
}

TEST_F(HistoryWriterTest, ReplayedResultIsDropped) {
  HistoryWriter w(*db_, clock_);
  ASSERT_TRUE(w.write({result("u1", ResultStatus::kFilled)}, "").is_ok());
  auto again = w.write({result("u1", ResultStatus::kFilled), result("u1", ResultStatus::kFilled)}, "");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(count("SELECT count(*) FROM trade_history"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM sync_outbox"), 1);
}

TEST_F(HistoryWriterTest, PartialNeverReopensAFinalState) {
  HistoryWriter w(*db_, clock_);
  ASSERT_TRUE(w.write({result("u1", ResultStatus::kPartial, 0.5)}, "").is_ok());
  EXPECT_EQ(scalar("SELECT state FROM trade_state WHERE uuid = 'u1'"), "partial");
  ASSERT_TRUE(w.write({result("u1", ResultStatus::kFilled)}, "").is_ok());
  TradeResult late = result("u1", ResultStatus::kPartial, 0.5);
  late.result_id = partial_result_id("u1", 1);
  ASSERT_TRUE(w.write({late}, "").is_ok());
  EXPECT_EQ(scalar("SELECT state FROM trade_state WHERE uuid = 'u1'"), "filled");
  EXPECT_EQ(count("SELECT count(*) FROM trade_history"), 3);
}

TEST_F(HistoryWriterTest, DuplicateAnswerDoesNotReplaceTheOriginal) {
  HistoryWriter w(*db_, clock_);
  ASSERT_TRUE(w.write({result("u1", ResultStatus::kFilled)}, "").is_ok());
  TradeResult dup = result("u1", ResultStatus::kDuplicate, 0);
  dup.result_id = duplicate_result_id("u1", "2-0");
  ASSERT_TRUE(w.write({dup}, "").is_ok());
  EXPECT_EQ(scalar("SELECT state FROM trade_state WHERE uuid = 'u1'"), "filled");
  EXPECT_EQ(count("SELECT count(*) FROM sync_outbox"), 2);
}

// The writer stages rows with the appender: a full batch with repeats stores each
// result once, every column intact (a ticket beyond INT64_MAX included).
TEST_F(HistoryWriterTest, AFullBatchWithRepeatsStoresEachResultOnce) {
  HistoryWriter w(*db_, clock_);
  std::vector<TradeResult> batch;
  for (size_t i = 0; i < kMaxHistoryBatch; ++i) {
    batch.push_back(result("u" + std::to_string(i % (kMaxHistoryBatch / 2)), ResultStatus::kFilled));
    batch.back().ticket = 18'446'744'073'709'551'000ULL + i % 7;
  }
  auto n = w.write(batch, "");
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, static_cast<int64_t>(kMaxHistoryBatch / 2));
  EXPECT_EQ(count("SELECT count(*) FROM trade_history"), static_cast<int64_t>(kMaxHistoryBatch / 2));
  EXPECT_EQ(count("SELECT count(*) FROM sync_outbox"), static_cast<int64_t>(kMaxHistoryBatch / 2));
  EXPECT_EQ(count("SELECT count(*) FROM trade_state WHERE state = 'filled'"), static_cast<int64_t>(kMaxHistoryBatch / 2));
  EXPECT_EQ(scalar("SELECT max(ticket) FROM trade_history"), "18446744073709551006");
  auto again = w.write(batch, "");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, 0);
}

// The staged rows belong to the batch's transaction: a batch that fails half-way
// (here on the outbox) leaves no history row behind, and the next batch is whole.
TEST_F(HistoryWriterTest, ABatchThatFailsHalfWayStoresNothing) {
  HistoryWriter w(*db_, clock_);
  ASSERT_TRUE(db_->exec("ALTER TABLE sync_outbox RENAME TO sync_outbox_away").is_ok());
  EXPECT_FALSE(w.write({result("u1", ResultStatus::kFilled), result("u2", ResultStatus::kFilled)}, "").is_ok());
  EXPECT_EQ(count("SELECT count(*) FROM trade_history"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM trade_state"), 0);
  ASSERT_TRUE(db_->exec("ALTER TABLE sync_outbox_away RENAME TO sync_outbox").is_ok());
  auto n = w.write({result("u1", ResultStatus::kFilled), result("u3", ResultStatus::kFilled)}, "");
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(count("SELECT count(*) FROM trade_history"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sync_outbox"), 2);
}

TEST_F(HistoryWriterTest, ClickHouseRowHasExactlyTheTableColumns) {
  const std::string row = HistoryWriter::clickhouse_row(result("u1", ResultStatus::kFilled));
  for (const char* column : {"result_id", "uuid", "instance", "symbol", "side", "status", "volume",
                             "filled_volume", "avg_price", "reason", "ticket", "retcode", "ts"}) {
    EXPECT_NE(row.find(std::string("\"") + column + "\":"), std::string::npos) << column;
  }
  EXPECT_EQ(row.find("stream_id"), std::string::npos);
  EXPECT_EQ(row.find("synced_at"), std::string::npos);
}

}  // namespace
}  // namespace mtg
