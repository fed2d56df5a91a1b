// ClickHouseClient and the ClickHouse migrations against the real server of scripts/stack.
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "backend/synced_table.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/clickhouse/clickhouse_migrations.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

class StoreClickHouse : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    auto client = ClickHouseClient::create(testkit::stack_config().clickhouse);
    ASSERT_TRUE(client.is_ok()) << client.status().to_string();
    ch_ = std::move(client).value();
  }
  std::string query(const std::string& sql) {
    auto body = ch_->query(sql);
    EXPECT_TRUE(body.is_ok()) << body.status().to_string();
    return body.is_ok() ? *body : "";
  }
  std::unique_ptr<ClickHouseClient> ch_;
};

TEST_F(StoreClickHouse, MigrationsRunTwiceOnAFreshDatabase) {
  const std::string db = "mtgtest_" + std::to_string(getpid());
  ASSERT_TRUE(migrate_clickhouse(*ch_, db).is_ok());
  Status again = migrate_clickhouse(*ch_, db);
  EXPECT_TRUE(again.is_ok()) << again.to_string();
  EXPECT_EQ(query("SELECT count() FROM " + db + ".schema_migrations FINAL"),
            std::to_string(clickhouse_schema_version()) + "\n");
  EXPECT_EQ(query("EXISTS TABLE " + db + ".trade_results"), "1\n");
  query("DROP DATABASE " + db);
  EXPECT_EQ(migrate_clickhouse(*ch_, "bad-name;").code(), Code::kInvalidArgument);
}

// A trade_results table of the first columns (migration 1) keeps its rows: they read as
// `open` actions without deal, position or retcode name. A run cut off after it added
// some of the columns, before it recorded the migration, is finished by the next one.
TEST_F(StoreClickHouse, ATableOfTheFirstResultColumnsMigratesAndKeepsItsRows) {
  const std::string db = "mtgtest_v1_" + std::to_string(getpid());
  ASSERT_TRUE(migrate_clickhouse(*ch_, db, 1).is_ok());
  query("INSERT INTO " + db + ".trade_results VALUES ('u1:final', 'u1', 'demo-1', 'EURUSD', 'buy', 'filled', 0.1, "
        "0.1, 1.1, '', 7, 10009, 1763900000000, 1)");
  query("ALTER TABLE " + db + ".trade_results ADD COLUMN action String DEFAULT 'open'");  // then cut off
  Status migrated = migrate_clickhouse(*ch_, db);
  ASSERT_TRUE(migrated.is_ok()) << migrated.to_string();
  EXPECT_EQ(query("SELECT result_id, ticket, action, deal, position, retcode_name FROM " + db +
                  ".trade_results FINAL"),
            "u1:final\t7\topen\t0\t0\t\n");
  EXPECT_EQ(query("EXISTS TABLE " + db + ".trade_events"), "1\n");
  EXPECT_EQ(query("SELECT count() FROM " + db + ".schema_migrations FINAL"),
            std::to_string(clickhouse_schema_version()) + "\n");
  query("DROP DATABASE " + db);
}

// The migrations spell the columns again (a migration never changes once shipped): the
// tables they build hold exactly the columns the backend syncs, and synced_at.
TEST_F(StoreClickHouse, TheTablesHoldTheColumnsTheBackendSyncs) {
  ASSERT_TRUE(migrate_clickhouse(*ch_, ch_->database()).is_ok());
  for (const SyncedTable* table : {&kResultsTable, &kEventsTable}) {
    std::set<std::string> expected{"synced_at"};
    for (const Column& c : table->columns) expected.insert(c.name);
    std::istringstream names(query("SELECT name FROM system.columns WHERE database = '" + ch_->database() +
                                   "' AND table = '" + table->clickhouse + "'"));
    std::set<std::string> columns;
    for (std::string name; std::getline(names, name);) columns.insert(name);
    EXPECT_EQ(columns, expected) << table->clickhouse;
  }
}

TEST_F(StoreClickHouse, SameResultInsertedTwiceIsCountedOnceWithFinal) {
  ASSERT_TRUE(migrate_clickhouse(*ch_, ch_->database()).is_ok());
  const std::string id = "test-" + std::to_string(getpid()) + "-dup";
  const std::string row =
      R"({"result_id":")" + id + R"(","uuid":"u1","instance":"demo-1","symbol":"EURUSD",)"
      R"("side":"buy","status":"filled","volume":0.1,"filled_volume":0.1,"avg_price":1.1,)"
      R"("reason":"","ticket":18446744073709551615,"retcode":10009,"ts":1763900000000,)";
  Status first = ch_->insert_json_each_row("trade_results", row + R"("synced_at":1})" + "\n");
  ASSERT_TRUE(first.is_ok()) << first.to_string();
  ASSERT_TRUE(ch_->insert_json_each_row("trade_results", row + R"("synced_at":2})").is_ok());
  const std::string where = " FROM " + ch_->database() + ".trade_results FINAL WHERE result_id = '" +
                            id + "'";
  EXPECT_EQ(query("SELECT count()" + where), "1\n");
  EXPECT_EQ(query("SELECT ticket, synced_at" + where), "18446744073709551615\t2\n");
  // UInt64 comes back quoted in JSON (kept in mind by readers of FORMAT JSON).
  EXPECT_NE(query("SELECT ticket" + where + " FORMAT JSONEachRow").find("\"18446744073709551615\""),
            std::string::npos);
}

TEST_F(StoreClickHouse, ErrorsKeepClickHouseText) {
  auto missing = ch_->query("SELECT * FROM mtguard_no_such_db.nothing");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), Code::kIoError);
  EXPECT_NE(missing.status().message().find("HTTP "), std::string::npos);
  EXPECT_NE(missing.status().message().find("DB::Exception"), std::string::npos)
      << missing.status().message();
  auto bad_rows = ch_->insert_json_each_row("trade_results", "{not json}\n");
  EXPECT_FALSE(bad_rows.is_ok());
  EXPECT_EQ(ch_->insert_json_each_row("x; DROP", "{}").code(), Code::kInvalidArgument);
}

TEST_F(StoreClickHouse, SettingsTravelAsUrlParameters) {
  auto limited = ch_->query("SELECT number FROM system.numbers LIMIT 5",
                            {{"max_result_rows", "1"}, {"result_overflow_mode", "throw"}});
  ASSERT_FALSE(limited.is_ok());
  EXPECT_NE(limited.status().message().find("Limit for result"), std::string::npos)
      << limited.status().message();
  EXPECT_EQ(query("SELECT number FROM system.numbers LIMIT 2"), "0\n1\n");
}

TEST_F(StoreClickHouse, KeepAliveReusesOneConnection) {
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(ch_->ping().is_ok());
  EXPECT_EQ(query("SELECT 1"), "1\n");
  EXPECT_EQ(ch_->connections_opened(), 1);
  auto version = ch_->server_version();
  ASSERT_TRUE(version.is_ok());
  EXPECT_FALSE(version->empty());
}

TEST(StoreClickHouseOffline, UnreachableServerIsUnavailable) {
  ClickHouseConfig config;
  config.http_port = 1;
  auto ch = ClickHouseClient::create(config);
  ASSERT_TRUE(ch.is_ok());
  EXPECT_EQ((*ch)->ping().code(), Code::kUnavailable);
  EXPECT_EQ((*ch)->query("SELECT 1").status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace mtg
