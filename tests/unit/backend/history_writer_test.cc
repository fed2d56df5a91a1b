#include "backend/history_writer.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

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

// Contract version 2: a result keeps every field of a trade action in trade_history
// and in its ClickHouse row.
TEST_F(HistoryWriterTest, AResultOfATradeActionKeepsEveryFieldInHistoryAndOutbox) {
  TradeResult r = result("u1", ResultStatus::kFilled, 0.4);
  r.action = "close";
  r.side = "sell";
  r.avg_price = 1.08765;
  r.ticket = 18'446'744'073'709'551'001ULL;
  r.deal = 18'446'744'073'709'551'002ULL;
  r.position = 9'001;
  r.retcode = 10009;
  r.retcode_name = "TRADE_RETCODE_DONE";
  HistoryWriter w(*db_, clock_);
  ASSERT_TRUE(w.write({r}, "").is_ok());
  auto rows = db_->query(
      "SELECT action, side, avg_price, ticket, deal, position, retcode, retcode_name FROM trade_history");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0], (std::vector<std::optional<std::string>>{"close", "sell", "1.08765", "18446744073709551001",
                                                                    "18446744073709551002", "9001", "10009",
                                                                    "TRADE_RETCODE_DONE"}));
  EXPECT_EQ(scalar("SELECT target FROM sync_outbox"), "trade_results");
  const auto row = nlohmann::json::parse(scalar("SELECT row_json FROM sync_outbox"));
  EXPECT_EQ(row.at("action"), "close");
  EXPECT_EQ(row.at("deal").get<uint64_t>(), r.deal);
  EXPECT_EQ(row.at("position").get<uint64_t>(), 9'001u);
  EXPECT_EQ(row.at("retcode_name"), "TRADE_RETCODE_DONE");
  EXPECT_EQ(row.at("avg_price").get<double>(), 1.08765);
}

// placed, modified and cancelled end an order like filled: its trade_state is final,
// and a late partial never reopens it.
TEST_F(HistoryWriterTest, PlacedModifiedAndCancelledAreFinalLikeFilled) {
  HistoryWriter w(*db_, clock_);
  const ResultStatus finals[] = {ResultStatus::kPlaced, ResultStatus::kModified, ResultStatus::kCancelled};
  std::vector<TradeResult> results, late;
  for (ResultStatus status : finals) {
    results.push_back(result(std::string("u-") + result_status_name(status), status, 0));
    late.push_back(result(results.back().uuid, ResultStatus::kPartial, 0.5));
  }
  ASSERT_TRUE(w.write(results, "").is_ok());
  ASSERT_TRUE(w.write(late, "").is_ok());
  for (ResultStatus status : finals) {
    EXPECT_EQ(scalar(std::string("SELECT state FROM trade_state WHERE uuid = 'u-") + result_status_name(status) + "'"),
              result_status_name(status));
  }
  EXPECT_EQ(count("SELECT count(*) FROM sync_outbox"), 6);
}

TradeEvent event(const std::string& id) {
  TradeEvent e;
  e.id = id;
  e.instance = "demo-1";
  e.kind = EventKind::kTakeProfit;
  e.symbol = "EURUSD";
  e.side = Side::kSell;
  e.volume = 0.3;
  e.price = 1.095;
  e.order = 41;
  e.deal = 42;
  e.position = 43;
  e.ref = "6f1c0000-0000-4000-8000-000000000001";
  e.reason = "[tp 1.09500]";
  e.ts_ms = 1'700'000'000'123;
  return e;
}

// Terminals report events at least once: each is recorded, and sent to ClickHouse, once.
TEST_F(HistoryWriterTest, AnEventDeliveredAgainIsRecordedOnce) {
  HistoryWriter w(*db_, clock_);
  auto first = w.write({event("demo-1:deal:42"), event("demo-1:deal:42")}, "");
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(*first, 1);
  auto again = w.write({event("demo-1:deal:42"), event("demo-1:deal:44")}, "");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, 1);
  EXPECT_EQ(count("SELECT count(*) FROM trade_events"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sync_outbox WHERE target = 'trade_events'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM trade_history"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM trade_state"), 0);
  auto rows = db_->query(
      "SELECT instance, kind, symbol, side, volume, price, order_ticket, deal, position, ref, reason, ts "
      "FROM trade_events WHERE id = 'demo-1:deal:42'");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0], (std::vector<std::optional<std::string>>{
                               "demo-1", "tp", "EURUSD", "sell", "0.3", "1.095", "41", "42", "43",
                               "6f1c0000-0000-4000-8000-000000000001", "[tp 1.09500]", "1700000000123"}));
}

// Each stream's position is recorded with its own batches: a restored file replays
// each stream after its own last entry.
TEST_F(HistoryWriterTest, EachStreamRecordsItsOwnPosition) {
  HistoryWriter w(*db_, clock_);
  ASSERT_TRUE(w.write({result("u1", ResultStatus::kFilled)}, "7-0").is_ok());
  ASSERT_TRUE(w.write({event("demo-1:deal:1")}, "5-3").is_ok());
  EXPECT_EQ(scalar(std::string("SELECT value FROM sync_state WHERE key = '") + recorded_through_key(Feed::kResults) +
                   "'"),
            "7-0");
  EXPECT_EQ(scalar(std::string("SELECT value FROM sync_state WHERE key = '") + recorded_through_key(Feed::kEvents) +
                   "'"),
            "5-3");
}

}  // namespace
}  // namespace mtg
