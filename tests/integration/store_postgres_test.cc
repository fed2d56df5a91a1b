// PgClient and the PostgreSQL migrations against the real server of scripts/stack.
#include <gtest/gtest.h>
#include <unistd.h>

#include "store/postgres/pg_client.h"
#include "store/postgres/pg_migrations.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

class StorePostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    auto client = PgClient::connect(testkit::stack_config().postgres);
    ASSERT_TRUE(client.is_ok()) << client.status().to_string();
    pg_ = std::move(client).value();
  }
  std::unique_ptr<PgClient> pg_;
};

TEST_F(StorePostgres, MigrationsRunTwiceOnAFreshDatabase) {
  const std::string name = "mtgtest_" + std::to_string(getpid());
  ASSERT_TRUE(pg_->exec("CREATE DATABASE " + name).is_ok());
  PostgresConfig config = testkit::stack_config().postgres;
  config.database = name;
  {
    auto fresh = PgClient::connect(config);
    ASSERT_TRUE(fresh.is_ok()) << fresh.status().to_string();
    ASSERT_TRUE(migrate_postgres(**fresh).is_ok());
    Status again = migrate_postgres(**fresh);
    EXPECT_TRUE(again.is_ok()) << again.to_string();
    auto versions = (*fresh)->query("SELECT count(*) FROM schema_migrations");
    ASSERT_TRUE(versions.is_ok());
    EXPECT_EQ(versions->rows[0][0], std::to_string(postgres_schema_version()));
  }
  EXPECT_TRUE(pg_->exec("DROP DATABASE " + name).is_ok());
}

TEST_F(StorePostgres, ParametersNullsAndByteaRoundTrip) {
  ASSERT_TRUE(migrate_postgres(*pg_).is_ok());
  const std::string instance = "test-" + std::to_string(getpid());
  auto inserted = pg_->query(
      "INSERT INTO broker_credentials(instance, login, server, password_ciphertext, key_id) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING login, updated_at IS NOT NULL",
      {instance, "12345", "Broker-Demo", "\\x00ff10", "k1"});
  ASSERT_TRUE(inserted.is_ok()) << inserted.status().to_string();
  EXPECT_EQ(inserted->rows[0][0], "12345");
  EXPECT_EQ(inserted->rows[0][1], "t");
  auto read = pg_->query(
      "SELECT password_ciphertext, $2::text AS missing FROM broker_credentials WHERE instance = $1",
      {instance, std::nullopt});
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  ASSERT_EQ(read->rows.size(), 1u);
  EXPECT_EQ(read->columns[0], "password_ciphertext");
  EXPECT_EQ(read->rows[0][0], "\\x00ff10");
  EXPECT_FALSE(read->rows[0][1].has_value());
  auto duplicate = pg_->query(
      "INSERT INTO broker_credentials(instance, login, server, password_ciphertext, key_id) "
      "VALUES ($1, 1, 's', '\\x00', 'k')",
      {instance});
  EXPECT_EQ(duplicate.status().code(), Code::kInvalidArgument);
  EXPECT_NE(duplicate.status().message().find("duplicate key"), std::string::npos);
  EXPECT_TRUE(pg_->query("DELETE FROM broker_credentials WHERE instance = $1", {instance}).is_ok());
}

TEST_F(StorePostgres, ErrorsKeepTheServerMessage) {
  Status missing = pg_->exec("SELECT * FROM mtg_no_such_table");
  EXPECT_EQ(missing.code(), Code::kInvalidArgument);
  EXPECT_NE(missing.message().find("relation \"mtg_no_such_table\" does not exist"),
            std::string::npos)
      << missing.message();
  EXPECT_TRUE(pg_->ping().is_ok());  // the connection survives a statement error
}

TEST_F(StorePostgres, RollbackDiscardsAndCommitKeeps) {
  ASSERT_TRUE(pg_->exec("CREATE TEMP TABLE t(k int)").is_ok());
  ASSERT_TRUE(pg_->begin().is_ok());
  ASSERT_TRUE(pg_->exec("INSERT INTO t VALUES (1)").is_ok());
  ASSERT_TRUE(pg_->rollback().is_ok());
  ASSERT_TRUE(pg_->begin().is_ok());
  ASSERT_TRUE(pg_->exec("INSERT INTO t VALUES (2)").is_ok());
  ASSERT_TRUE(pg_->commit().is_ok());
  auto rows = pg_->query("SELECT k FROM t");
  ASSERT_TRUE(rows.is_ok());
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0], "2");
}

TEST_F(StorePostgres, ATransactionCutByAConnectionLossIsNeverReportedCommitted) {
  auto killer = PgClient::connect(testkit::stack_config().postgres);
  ASSERT_TRUE(killer.is_ok());
  auto pid = pg_->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.is_ok());
  ASSERT_TRUE(pg_->begin().is_ok());
  ASSERT_TRUE((*killer)->query("SELECT pg_terminate_backend($1::int)", {pid->rows[0][0]}).is_ok());
  EXPECT_EQ(pg_->exec("SELECT 1").code(), Code::kUnavailable);
  EXPECT_EQ(pg_->exec("SELECT 1").code(), Code::kUnavailable);  // still inside the lost one
  EXPECT_EQ(pg_->commit().code(), Code::kUnavailable);
  EXPECT_TRUE(pg_->ping().is_ok());  // reconnected once the transaction is over
  auto new_pid = pg_->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(new_pid.is_ok());
  ASSERT_TRUE(pg_->begin().is_ok());
  ASSERT_TRUE(
      (*killer)->query("SELECT pg_terminate_backend($1::int)", {new_pid->rows[0][0]}).is_ok());
  EXPECT_FALSE(pg_->exec("SELECT 1").is_ok());
  EXPECT_TRUE(pg_->rollback().is_ok());
  EXPECT_TRUE(pg_->ping().is_ok());
}

TEST_F(StorePostgres, StatementTimeoutIsTimeout) {
  ASSERT_TRUE(pg_->exec("SET statement_timeout = 50").is_ok());
  EXPECT_EQ(pg_->exec("SELECT pg_sleep(5)").code(), Code::kTimeout);
  ASSERT_TRUE(pg_->exec("RESET statement_timeout").is_ok());
}

TEST_F(StorePostgres, VersionAndPing) {
  auto version = pg_->server_version();
  ASSERT_TRUE(version.is_ok());
  EXPECT_EQ(version->rfind("15.", 0), 0u) << *version;
  EXPECT_TRUE(pg_->ping().is_ok());
}

TEST_F(StorePostgres, ReconnectsAfterTheServerIsKilledAndRestarted) {
  if (!testkit::stack_controllable()) GTEST_SKIP() << "servers not run by scripts/stack";
  testkit::stack_run("kill postgres");
  EXPECT_EQ(pg_->ping().code(), Code::kUnavailable);
  testkit::stack_run("start postgres");
  Status up = pg_->ping();
  EXPECT_TRUE(up.is_ok()) << up.to_string();
  EXPECT_TRUE(pg_->connected());
}

TEST(StorePostgresOffline, ConnectToAClosedPortIsUnavailable) {
  PostgresConfig config;
  config.port = 1;
  auto client = PgClient::connect(config);
  ASSERT_FALSE(client.is_ok());
  EXPECT_EQ(client.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace mtg
