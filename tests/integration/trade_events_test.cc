// Results of trade actions and trade events through the backend on the real stack:
// every field reaches DuckDB and ClickHouse; an event delivered twice, or while the
// backend is killed, is recorded once in both; a malformed one is skipped; events lost
// with the DuckDB file come back; a file of the previous schema keeps its rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backend/history_writer.h"
#include "backend/synced_table.h"
#include "integration/backend_fixture.h"
#include "store/duckdb/duckdb_migrations.h"
#include "testkit/http_get.h"
#include "testkit/metrics_text.h"
#include "trade/trade_event.h"

namespace mtg {
namespace {

using Cells = std::vector<std::string>;

// Splits TabSeparated output into rows of cells.
std::vector<Cells> tab_rows(const std::string& text) {
  std::vector<Cells> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    Cells cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, '\t');) cells.push_back(cell);
    if (!line.empty() && line.back() == '\t') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

// The columns the tests compare, as both stores select them.
constexpr const char* kResultFields =
    "result_id, status, action, symbol, side, avg_price, ticket, deal, position, retcode, retcode_name";
constexpr const char* kEventFields =
    "id, instance, kind, symbol, side, volume, price, order_ticket, deal, position, ref, reason, ts";

void expect_result(const Cells& c, const TradeResult& r) {
  ASSERT_EQ(c.size(), 11u);
  EXPECT_EQ(c[0], r.result_id);
  EXPECT_EQ(c[1], result_status_name(r.status)) << r.result_id;
  EXPECT_EQ(c[2], r.action) << r.result_id;
  EXPECT_EQ(c[3], r.symbol) << r.result_id;
  EXPECT_EQ(c[4], r.side) << r.result_id;
  EXPECT_DOUBLE_EQ(std::stod(c[5]), r.avg_price) << r.result_id;
  EXPECT_EQ(std::stoull(c[6]), r.ticket) << r.result_id;
  EXPECT_EQ(std::stoull(c[7]), r.deal) << r.result_id;
  EXPECT_EQ(std::stoull(c[8]), r.position) << r.result_id;
  EXPECT_EQ(std::stoi(c[9]), r.retcode) << r.result_id;
  EXPECT_EQ(c[10], r.retcode_name) << r.result_id;
}

void expect_event(const Cells& c, const TradeEvent& e) {
  ASSERT_EQ(c.size(), 13u);
  EXPECT_EQ(c[0], e.id);
  EXPECT_EQ(c[1], e.instance) << e.id;
  EXPECT_EQ(c[2], event_kind_name(e.kind)) << e.id;
  EXPECT_EQ(c[3], e.symbol) << e.id;
  EXPECT_EQ(c[4], side_name(e.side)) << e.id;
  EXPECT_DOUBLE_EQ(std::stod(c[5]), e.volume) << e.id;
  EXPECT_DOUBLE_EQ(std::stod(c[6]), e.price) << e.id;
  EXPECT_EQ(std::stoll(c[7]), e.order) << e.id;
  EXPECT_EQ(std::stoll(c[8]), e.deal) << e.id;
  EXPECT_EQ(std::stoll(c[9]), e.position) << e.id;
  EXPECT_EQ(c[10], e.ref) << e.id;
  EXPECT_EQ(c[11], e.reason) << e.id;
  EXPECT_EQ(std::stoll(c[12]), e.ts_ms) << e.id;
}

class TradeEventsTest : public BackendFixture {
 protected:
  TradeEventsTest() : BackendFixture("tev") {}

  const int64_t first_event_ms_ = now_ms();  // event(n) happened n ms later

  std::string events_key() const { return RedisKeys{sys_->config().redis.prefix}.events(); }
  std::string rtrs_key() const { return RedisKeys{sys_->config().redis.prefix}.rtrs(); }

  // The n-th event of this test: a deal of one of its instances, the same every time.
  TradeEvent event(int n) const {
    TradeEvent e;
    e.instance = sys_->instance_id(n % 3);
    e.id = event_id(e.instance, "deal", n + 1);
    e.kind = n % 2 == 0 ? EventKind::kStopLoss : EventKind::kManual;
    e.symbol = "EURUSD";
    e.side = n % 2 == 0 ? Side::kSell : Side::kBuy;
    e.volume = 0.1 * (n % 5 + 1);
    e.price = 1.08 + n / 100000.0;
    e.order = 7'000 + n;
    e.deal = n + 1;
    e.position = 9'000 + n;
    e.ref = n % 2 == 0 ? "6f1c0000-0000-4000-8000-00000000000" + std::to_string(n % 10) : "";
    e.reason = n % 2 == 0 ? "[sl 1.07500]" : "";
    e.ts_ms = first_event_ms_ + n;
    return e;
  }
  std::vector<TradeEvent> events(int from, int to) const {
    std::vector<TradeEvent> out;
    for (int n = from; n < to; ++n) out.push_back(event(n));
    return out;
  }
  void add_events(const std::vector<TradeEvent>& events) {
    std::vector<std::string> payloads;
    for (const TradeEvent& e : events) payloads.push_back(e.to_json());
    xadd(events_key(), "event", payloads);
  }
  std::string instance_list() const {
    return "'" + sys_->instance_id(0) + "','" + sys_->instance_id(1) + "','" + sys_->instance_id(2) + "'";
  }
  // A query's TabSeparated rows, or none after an error.
  std::vector<Cells> clickhouse_rows(const std::string& sql) {
    auto r = clickhouse_->query(sql + " FORMAT TabSeparated");
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r ? tab_rows(*r) : std::vector<Cells>{};
  }
  // {rows FINAL, distinct ids} of this test's events in ClickHouse.
  std::pair<int64_t, int64_t> clickhouse_events() {
    auto rows = clickhouse_rows("SELECT count(), uniqExact(id) FROM " + clickhouse_->database() +
                                ".trade_events FINAL WHERE instance IN (" + instance_list() + ")");
    if (rows.size() != 1 || rows[0].size() != 2) return {-1, -1};
    return {std::stoll(rows[0][0]), std::stoll(rows[0][1])};
  }
  bool wait_clickhouse_events(int64_t n) {
    for (int waited = 0; waited < kWaitMs; waited += 200) {
      if (clickhouse_events().second == n) return true;
      sleep_ms(200);
    }
    return false;
  }
  // Every row of a query on the backend's DuckDB file (the backend must be stopped),
  // NULL as "".
  std::vector<Cells> duck_rows(const std::string& sql) {
    auto db = DuckDatabase::open(sys_->config().duckdb.path);
    EXPECT_TRUE(db.is_ok()) << db.status().to_string();
    if (!db) return {};
    auto rows = (*db)->query(sql);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    std::vector<Cells> out;
    for (const auto& row : rows ? rows->rows : decltype(rows->rows){}) {
      Cells cells;
      for (const auto& cell : row) cells.push_back(cell.value_or(""));
      out.push_back(cells);
    }
    return out;
  }
  // Checks that DuckDB trade_events (the backend stopped) and ClickHouse (FINAL) each
  // hold `expected` once, field for field, and nothing else of this test.
  void expect_events_recorded_once(const std::vector<TradeEvent>& expected) {
    std::map<std::string, const TradeEvent*> by_id;
    for (const TradeEvent& e : expected) by_id[e.id] = &e;
    const auto counts = clickhouse_events();
    EXPECT_EQ(counts.first, static_cast<int64_t>(by_id.size()));
    EXPECT_EQ(counts.second, static_cast<int64_t>(by_id.size()));
    const std::string ours = " WHERE instance IN (" + instance_list() + ") ORDER BY id";
    const auto in_clickhouse = clickhouse_rows(std::string("SELECT ") + kEventFields + " FROM " +
                                               clickhouse_->database() + ".trade_events FINAL" + ours);
    const auto in_duckdb = duck_rows(std::string("SELECT ") + kEventFields + " FROM trade_events" + ours);
    for (const auto* rows : {&in_clickhouse, &in_duckdb}) {
      ASSERT_EQ(rows->size(), by_id.size()) << sys_->log_tail(dir() + "/backend.log");
      for (const Cells& row : *rows) {
        ASSERT_EQ(by_id.count(row.at(0)), 1u) << row.at(0);
        expect_event(row, *by_id[row.at(0)]);
      }
    }
  }
};

TEST_F(TradeEventsTest, ResultsOfTradeActionsReachDuckDbAndClickHouseWithEveryField) {
  std::vector<TradeResult> results;
  const std::pair<const char*, ResultStatus> actions[] = {{"close", ResultStatus::kFilled},
                                                          {"open", ResultStatus::kPlaced},
                                                          {"modify", ResultStatus::kModified},
                                                          {"cancel", ResultStatus::kCancelled}};
  for (const auto& [action, status] : actions) {
    TradeResult r;
    r.uuid = System::new_uuid();
    r.result_id = final_result_id(r.uuid);
    r.instance = sys_->instance_id(static_cast<int>(results.size()) % 3);
    r.symbol = "GBPUSD";
    r.side = std::string(action) == "open" ? "buy" : "";
    r.action = action;
    r.status = status;
    r.volume = 0.5;
    r.filled_volume = status == ResultStatus::kFilled ? 0.5 : 0;
    r.avg_price = status == ResultStatus::kFilled ? 1.26875 : 0;
    r.ticket = status == ResultStatus::kPlaced ? 18'446'744'073'709'551'615ULL : 4'000 + results.size();
    r.deal = status == ResultStatus::kFilled ? 18'446'744'073'709'551'000ULL : 0;
    r.position = std::string(action) == "open" ? 0 : 5'000 + results.size();
    r.retcode = 10009;
    r.retcode_name = "TRADE_RETCODE_DONE";
    r.ts_ms = now_ms();
    r.stream_id = "1-" + std::to_string(results.size());
    results.push_back(r);
    all_.insert(r.uuid);
  }
  std::vector<std::string> payloads;
  for (const TradeResult& r : results) payloads.push_back(r.to_json());
  start_backend();
  xadd(rtrs_key(), "result", payloads);
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(results.size())))
      << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(backend_->stop(), 0);
  const std::string ours = " WHERE uuid IN (" + uuid_list() + ") ORDER BY result_id";
  const auto in_clickhouse = clickhouse_rows(std::string("SELECT ") + kResultFields + " FROM " +
                                             clickhouse_->database() + ".trade_results FINAL" + ours);
  const auto in_duckdb = duck_rows(std::string("SELECT ") + kResultFields + " FROM trade_history" + ours);
  std::sort(results.begin(), results.end(),
            [](const TradeResult& a, const TradeResult& b) { return a.result_id < b.result_id; });
  for (const auto* rows : {&in_clickhouse, &in_duckdb}) {
    ASSERT_EQ(rows->size(), results.size());
    for (size_t i = 0; i < results.size(); ++i) expect_result((*rows)[i], results[i]);
  }
  // placed, modified and cancelled are final: the order's mirrored state says so.
  EXPECT_EQ(
      duck_rows("SELECT count(*) FROM trade_state WHERE uuid IN (" + uuid_list() + ") AND state = 'placed'"),
      std::vector<Cells>{{"1"}});
}

// Terminals report events at least once, and the engine may append one again after a
// crash: the same id is recorded once in DuckDB and ClickHouse.
TEST_F(TradeEventsTest, AnEventAddedTwiceIsRecordedOnceInDuckDbAndClickHouse) {
  start_backend();
  const auto first = events(0, 2);
  add_events({first[0], first[1], first[0]});
  ASSERT_TRUE(wait_clickhouse_events(2)) << sys_->log_tail(dir() + "/backend.log");
  add_events({first[1]});  // later, in a batch of its own
  wait_acknowledged();
  ASSERT_EQ(backend_->stop(), 0);
  expect_events_recorded_once(first);
  EXPECT_EQ(duck_rows("SELECT count(*) FROM sync_outbox"), std::vector<Cells>{{"0"}});
}

TEST_F(TradeEventsTest, EventsSurviveABackendKilledMidStream) {
  constexpr int kEvents = 4'000;
  constexpr int kChunk = 500;
  start_backend();
  wait_heartbeat();
  for (int from = 0; from < kEvents; from += kChunk) {
    add_events(events(from, from + kChunk));
    if (from / kChunk % 2 == 1) {
      sleep_ms(150);  // somewhere in the chunk's ingest or sync
      backend_->kill9();
      backend_->restart();
    }
  }
  add_events(events(0, kChunk));  // the engine appended the first ones again
  ASSERT_TRUE(wait_clickhouse_events(kEvents)) << sys_->log_tail(dir() + "/backend.log");
  wait_acknowledged();
  ASSERT_EQ(backend_->stop(), 0);
  expect_events_recorded_once(events(0, kEvents));
  EXPECT_EQ(duck_rows("SELECT count(*) FROM sync_outbox"), std::vector<Cells>{{"0"}});
}

// Bad input never stops the backend: an event that does not decode, or that ClickHouse
// could not hold, is logged, skipped and acknowledged, and the events around it are
// recorded and synced.
TEST_F(TradeEventsTest, AMalformedEventIsSkippedAcknowledgedAndTheBackendGoesOn) {
  start_backend();
  TradeEvent no_id = event(1);
  no_id.id.clear();
  TradeEvent before_1970 = event(5);
  before_1970.ts_ms = -1;
  nlohmann::json bad_kind = nlohmann::json::parse(event(2).to_json());
  bad_kind["kind"] = "margin_call";
  xadd(events_key(), "event",
       {event(0).to_json(), "{not json", R"({"id":"x"})", no_id.to_json(), bad_kind.dump(),
        before_1970.to_json(), event(3).to_json()});
  xadd(events_key(), "something_else", {event(4).to_json()});
  wait_acknowledged();
  ASSERT_TRUE(wait_clickhouse_events(2)) << sys_->log_tail(dir() + "/backend.log");
  EXPECT_TRUE(backend_->running());
  // Its metrics count them so (docs/operations.md "Metrics"): counted before the ack.
  auto scraped = testkit::http_get(sys_->metrics_url("backend"));
  ASSERT_TRUE(scraped && scraped->status == 200);
  auto metrics = testkit::MetricsText::parse(scraped->body);
  ASSERT_TRUE(metrics.is_ok()) << metrics.status().to_string();
  EXPECT_EQ(metrics->value("mtguard_backend_ingested_events_total", {{"outcome", "recorded"}}), 2.0);
  EXPECT_EQ(metrics->value("mtguard_backend_ingested_events_total", {{"outcome", "unusable"}}), 6.0);
  EXPECT_EQ(metrics->value("mtguard_backend_ingested_results_total", {{"outcome", "recorded"}}), 0.0);
  ASSERT_EQ(backend_->stop(), 0);
  expect_events_recorded_once({event(0), event(3)});
  const std::string log = sys_->log_tail(dir() + "/backend.log");
  EXPECT_NE(log.find("malformed JSON"), std::string::npos) << log;
  EXPECT_NE(log.find("unknown event kind margin_call"), std::string::npos) << log;
  EXPECT_NE(log.find("an empty key"), std::string::npos) << log;
  EXPECT_NE(log.find("a negative ts -1"), std::string::npos) << log;
  EXPECT_EQ(duck_rows("SELECT count(*) FROM failed_syncs"),
            std::vector<Cells>{{"0"}});  // nothing held up the sync
}

// The DuckDB file lost after a snapshot: its events come back from the snapshot, and
// those recorded after it from ClickHouse (the events stream lost too) or, while
// ClickHouse is down, from the events stream.
TEST_F(TradeEventsTest, EventsLostWithTheDuckDbFileComeBackFromTheSnapshotClickHouseAndTheStream) {
  start_backend();
  add_events(events(0, 100));
  ASSERT_TRUE(wait_clickhouse_events(100)) << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(std::system(run_cli("backup run duckdb").c_str()), 0) << sys_->log_tail(dir() + "/cli.log");
  add_events(events(100, 200));
  ASSERT_TRUE(wait_clickhouse_events(200)) << sys_->log_tail(dir() + "/backend.log");
  wait_acknowledged();
  kill_backend_and_lose_its_file();
  ASSERT_TRUE(sys_->redis().command({"DEL", events_key()}).is_ok());  // only ClickHouse has 100..199
  backend_->restart();
  ASSERT_TRUE(wait_refill_pending(false, kWaitMs)) << sys_->log_tail(dir() + "/backend.log");

  testkit::stack_run("kill clickhouse");
  clickhouse_killed_ = true;
  add_events(events(200, 300));
  wait_acknowledged();
  kill_backend_and_lose_its_file();  // the snapshot lacks 100..299; ClickHouse is down
  backend_->restart();
  wait_status(true);  // the replayed events could not be sent
  testkit::stack_run("start clickhouse");
  clickhouse_killed_ = false;
  ASSERT_EQ(std::system(run_cli("sync resume").c_str()), 0) << sys_->log_tail(dir() + "/cli.log");
  ASSERT_TRUE(wait_refill_pending(false, 5 * kWaitMs)) << sys_->log_tail(dir() + "/backend.log");
  ASSERT_TRUE(wait_clickhouse_events(300)) << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(backend_->stop(), 0);
  expect_events_recorded_once(events(0, 300));
  int64_t filled = 0;
  for (const LoggedStep& step : logged_refill_steps()) filled += step.clickhouse_rows;
  EXPECT_EQ(filled, 200) << "100..199 twice from ClickHouse\n" << sys_->log_tail(dir() + "/backend.log");
  EXPECT_EQ(refill_entries_read(), 100) << "200..299 from the stream\n"
                                        << sys_->log_tail(dir() + "/backend.log");
}

// A DuckDB file the previous version wrote (results of the first columns, an outbox
// row still unsent) is migrated when the backend opens it: its rows stay, read as
// `open` actions, the unsent one reaches ClickHouse so, and new results take every column.
TEST_F(TradeEventsTest, ADuckDbFileOfThePreviousSchemaKeepsItsRowsAndSendsTheUnsentOnes) {
  TradeResult sent, unsent;
  for (TradeResult* r : {&sent, &unsent}) {
    r->uuid = System::new_uuid();
    r->result_id = final_result_id(r->uuid);
    r->instance = sys_->instance_id(0);
    r->symbol = "EURUSD";
    r->side = "buy";
    r->status = ResultStatus::kFilled;
    r->volume = r->filled_volume = 0.2;
    r->avg_price = 1.1;
    r->ticket = 77;
    r->retcode = 10009;
    r->ts_ms = now_ms();
    all_.insert(r->uuid);
  }
  {
    auto db = DuckDatabase::open(sys_->config().duckdb.path);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ASSERT_TRUE(migrate_duckdb(**db, 2).is_ok());
    for (const TradeResult* r : {&sent, &unsent}) {
      ASSERT_TRUE(
          (*db)
              ->exec_params("INSERT INTO trade_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {r->result_id, r->uuid, r->instance, r->symbol, r->side,
                             std::string(result_status_name(r->status)), r->volume, r->filled_volume,
                             r->avg_price, r->reason, static_cast<int64_t>(r->ticket),
                             static_cast<int64_t>(r->retcode), r->ts_ms, r->ts_ms})
              .is_ok());
    }
    nlohmann::json first_columns = result_row(unsent);  // as the previous version wrote it
    for (const char* added : {"action", "deal", "position", "retcode_name"}) first_columns.erase(added);
    ASSERT_TRUE((*db)
                    ->exec_params("INSERT INTO sync_outbox(result_id, row_json, created_at) VALUES (?, ?, ?)",
                                  {unsent.result_id, HistoryWriter::row_text(first_columns), unsent.ts_ms})
                    .is_ok());
  }
  sent.action = unsent.action = "open";
  start_backend();
  add_results_to_rtrs(3);
  wait_acknowledged();
  ASSERT_TRUE(wait_clickhouse(1)) << sys_->log_tail(dir() + "/backend.log");  // the unsent one
  ASSERT_EQ(backend_->stop(), 0);
  const auto kept = duck_rows(std::string("SELECT ") + kResultFields + " FROM trade_history WHERE uuid IN (" +
                              uuid_list() + ") ORDER BY result_id");
  std::vector<TradeResult> old{sent, unsent};
  std::sort(old.begin(), old.end(), [](const auto& a, const auto& b) { return a.result_id < b.result_id; });
  ASSERT_EQ(kept.size(), 2u);
  for (size_t i = 0; i < old.size(); ++i) expect_result(kept[i], old[i]);
  EXPECT_EQ(duck_rows("SELECT count(*) FROM trade_history"), std::vector<Cells>{{"5"}});
  EXPECT_EQ(duck_rows("SELECT max(version) FROM schema_migrations"),
            std::vector<Cells>{{std::to_string(duckdb_schema_version())}});
  const auto in_clickhouse =
      clickhouse_rows(std::string("SELECT ") + kResultFields + " FROM " + clickhouse_->database() +
                      ".trade_results FINAL WHERE result_id = '" + unsent.result_id + "'");
  ASSERT_EQ(in_clickhouse.size(), 1u) << sys_->log_tail(dir() + "/backend.log");
  expect_result(in_clickhouse[0], unsent);
}

}  // namespace
}  // namespace mtg
