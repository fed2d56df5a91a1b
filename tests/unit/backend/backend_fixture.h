// Shared fixture of the backend unit tests: an in-memory migrated DuckDB, a
// ManualClock, and results to write.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "order/trade_result.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/duckdb_migrations.h"
#include "util/clock.h"

namespace mtg {

class BackendDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = DuckDatabase::open(":memory:");
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(*db);
    ASSERT_TRUE(migrate_duckdb(*db_).is_ok());
  }

  static TradeResult result(const std::string& uuid, ResultStatus status, double filled = 1.0) {
    TradeResult r;
    r.uuid = uuid;
    r.result_id = status == ResultStatus::kPartial ? partial_result_id(uuid, 0) : final_result_id(uuid);
    r.instance = "demo-1";
    r.symbol = "EURUSD";
    r.side = "buy";
    r.status = status;
    r.volume = 1.0;
    r.filled_volume = filled;
    r.avg_price = 1.1;
    r.ts_ms = 1'700'000'000'000;
    r.stream_id = "1-0";
    return r;
  }

  int64_t count(const std::string& sql) {
    auto rows = db_->query(sql);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? std::stoll(rows->rows.at(0).at(0).value_or("0")) : -1;
  }

  std::string scalar(const std::string& sql) {
    auto rows = db_->query(sql);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() && !rows->rows.empty() ? rows->rows[0][0].value_or("NULL") : "";
  }

  ManualClock clock_;
  std::unique_ptr<DuckDatabase> db_;
};

}  // namespace mtg
