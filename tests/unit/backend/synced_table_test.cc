#include "backend/synced_table.h"

#include <nlohmann/json.hpp>
#include <set>

#include "unit/backend/backend_fixture.h"

namespace mtg {
namespace {

using SyncedTableTest = BackendDbTest;

std::set<std::string> names(const SyncedTable& table) {
  std::set<std::string> out;
  for (const Column& c : table.columns) out.insert(c.name);
  return out;
}

std::set<std::string> keys(const nlohmann::json& row) {
  std::set<std::string> out;
  for (const auto& [key, value] : row.items()) out.insert(key);
  return out;
}

TradeEvent an_event() {
  TradeEvent e;
  e.id = "demo-1:deal:4711";
  e.instance = "demo-1";
  e.kind = EventKind::kStopOut;
  e.symbol = "XAUUSD";
  e.order = 1;
  e.deal = 4711;
  e.position = 2;
  e.ts_ms = 1'700'000'000'000;
  return e;
}

TEST_F(SyncedTableTest, EachRowHoldsExactlyTheColumnsOfItsTable) {
  EXPECT_EQ(keys(result_row(result("u1", ResultStatus::kFilled))), names(kResultsTable));
  EXPECT_EQ(keys(event_row(an_event())), names(kEventsTable));
  EXPECT_STREQ(kResultsTable.key(), "result_id");
  EXPECT_STREQ(kEventsTable.key(), "id");
  EXPECT_EQ(&synced_table(Feed::kResults), &kResultsTable);
  EXPECT_EQ(&synced_table(Feed::kEvents), &kEventsTable);
}

// The migrations spell the columns again (a migration never changes once shipped): the
// DuckDB tables they build hold exactly the columns defined here, and recorded_at.
TEST_F(SyncedTableTest, TheMigratedDuckDbTablesHoldTheColumnsAndRecordedAt) {
  for (const SyncedTable* table : {&kResultsTable, &kEventsTable}) {
    auto rows = db_->query_params("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                  {std::string(table->duckdb)});
    ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
    std::set<std::string> columns;
    for (const auto& row : rows->rows) columns.insert(row.at(0).value_or(""));
    std::set<std::string> expected = names(*table);
    expected.insert("recorded_at");
    EXPECT_EQ(columns, expected) << table->duckdb;
  }
}

// What ClickHouse gives back to a refill (JSONEachRow with synced_at, 64-bit integers
// unquoted) becomes the same DuckDB values the writer stores.
TEST_F(SyncedTableTest, ARowFromClickHouseGivesTheValuesOfTheRecordItCameFrom) {
  TradeResult r = result("u1", ResultStatus::kCancelled, 0);
  r.ticket = 18'446'744'073'709'551'615ULL;
  r.action = "cancel";
  nlohmann::json from_clickhouse = result_row(r);
  from_clickhouse["synced_at"] = 1'700'000'000'999;
  auto values = duck_values(kResultsTable, from_clickhouse, 5);
  ASSERT_TRUE(values.is_ok()) << values.status().to_string();
  auto direct = duck_values(kResultsTable, result_row(r), 5);
  ASSERT_TRUE(direct.is_ok());
  EXPECT_EQ(*values, *direct);
  ASSERT_EQ(values->size(), kResultsTable.columns.size() + 1);
  EXPECT_EQ(values->at(10), DuckParam(std::string("18446744073709551615")));  // ticket, as UBIGINT text
  EXPECT_EQ(values->back(), DuckParam(int64_t{5}));                           // recorded_at
}

TEST_F(SyncedTableTest, AMissingOrMistypedColumnIsCorruptionNamingIt) {
  nlohmann::json row = event_row(an_event());
  row.erase("kind");
  auto missing = duck_values(kEventsTable, row, 1);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), Code::kCorruption);
  EXPECT_NE(missing.status().message().find("kind"), std::string::npos) << missing.status().to_string();
  row = event_row(an_event());
  row["deal"] = "4711";  // quoted, as ClickHouse writes it unless asked not to
  auto quoted = duck_values(kEventsTable, row, 1);
  ASSERT_FALSE(quoted.is_ok());
  EXPECT_NE(quoted.status().message().find("deal"), std::string::npos) << quoted.status().to_string();
  EXPECT_FALSE(duck_values(kEventsTable, nlohmann::json::array(), 1).is_ok());
}

}  // namespace
}  // namespace mtg
