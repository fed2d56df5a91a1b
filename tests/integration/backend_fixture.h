// The backend on the real stack, for its integration tests (backend_system_test.cc,
// trade_events_test.cc): a System of its own (instances under a fresh prefix, so that a
// refill reads only the test's rows) with short sync retries, the real `mtguard backend`,
// and what a test reads of it: its heartbeat and sync status in Redis, its DuckDB file
// (once it stopped) and ClickHouse.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend/sync_status.h"
#include "integration/system.h"
#include "keys/redis_keys.h"
#include "order/trade_result.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_database.h"
#include "testkit/stack.h"

namespace mtg {

using testkit::Process;
using testkit::System;

class BackendFixture : public ::testing::Test {
 protected:
  static constexpr int kWaitMs = 90'000;
  static void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

  // `tag` names the test's instances (testkit::fresh_instance_prefix).
  explicit BackendFixture(std::string tag = "bst") : tag_(std::move(tag)) {}

  void SetUp() override {
    if (!testkit::stack_available() || !testkit::stack_controllable()) GTEST_SKIP() << "needs scripts/stack (MTG_CONFIG)";
    testkit::SystemOptions options;
    options.instance_prefix = testkit::fresh_instance_prefix(tag_);  // a refill reads only ours
    sys_ = std::make_unique<System>(options);
    // Short retries so an outage "longer than max_attempts retries" stays short.
    std::ofstream(sys_->config_path(), std::ios::app)
        << "[backend]\nretry_interval_ms = 300\nmax_attempts = 5\nrtrs_retain_ms = 3600000\n"
        << "refill_step_entries = 200\n"  // a refill of a few thousand entries takes many steps
        << "auto_resume_after_ms = 60000\n";
    auto ch = ClickHouseClient::create(sys_->config().clickhouse);
    ASSERT_TRUE(ch.is_ok());
    clickhouse_ = std::move(*ch);
  }
  void TearDown() override {
    if (clickhouse_killed_) testkit::stack_run("start clickhouse");
    if (backend_) backend_->stop(10'000);
  }

  std::string dir() const { return sys_->config_path().substr(0, sys_->config_path().rfind('/')); }
  // Rewrites one [backend] option of the config (read when the backend starts).
  void set_backend_option(const std::string& option, int64_t value) {
    std::ifstream in(sys_->config_path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string key = option + " = ";
    const size_t at = text.find(key);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, text.find('\n', at) - at, key + std::to_string(value));
    std::ofstream(sys_->config_path(), std::ios::trunc) << text;
  }
  void start_backend() {
    backend_ = std::make_unique<Process>(
        std::vector<std::string>{MTG_BINARY, "backend", "--config", sys_->config_path()}, dir() + "/backend.log");
  }
  // The sync status the backend publishes, once it is there.
  SyncStatus wait_status(bool want_suspended) {
    for (int waited = 0; waited < kWaitMs; waited += 100) {
      auto v = sys_->redis().command({"GET", BackendKeys{sys_->config().redis.prefix}.sync()});
      if (v && !v->is_nil()) {
        auto s = SyncStatus::from_json(v->str);
        if (s && s->suspended == want_suspended) return *s;
      }
      sleep_ms(100);
    }
    ADD_FAILURE() << "no sync status with suspended=" << want_suspended << "\n" << sys_->log_tail(dir() + "/backend.log");
    return {};
  }
  std::vector<std::string> submit(int n, int64_t ttl_ms = 60'000) {
    std::vector<std::string> uuids, payloads;
    const int64_t now = now_ms();
    for (int i = 0; i < n; ++i) {
      uuids.push_back(System::new_uuid());
      payloads.push_back(sys_->signal(uuids.back(), i % 3, 0.1, now, ttl_ms));
    }
    sys_->submit(payloads);
    all_.insert(uuids.begin(), uuids.end());
    return uuids;
  }
  std::string uuid_list() const {
    std::string list;
    for (const auto& u : all_) list += (list.empty() ? "'" : ",'") + u + "'";
    return list;
  }
  // Results of our uuids in RTRS (the backend keeps them: rtrs_retain_ms is an hour).
  std::set<std::string> rtrs_result_ids() {
    std::set<std::string> ids;
    for (const auto& r : sys_->results()) {
      if (all_.count(r.uuid) != 0) ids.insert(r.result_id);
    }
    return ids;
  }
  // {rows FINAL, distinct result ids} in ClickHouse for our uuids.
  std::pair<int64_t, int64_t> clickhouse_counts() {
    auto r = clickhouse_->query("SELECT count(), uniqExact(result_id) FROM " + clickhouse_->database() +
                                ".trade_results FINAL WHERE uuid IN (" + uuid_list() + ")");
    if (!r) return {-1, -1};
    const auto tab = r->find('\t');
    return {std::stoll(r->substr(0, tab)), std::stoll(r->substr(tab + 1))};
  }
  bool wait_clickhouse(int64_t rows) {
    for (int waited = 0; waited < kWaitMs; waited += 200) {
      if (clickhouse_counts().second == rows) return true;
      sleep_ms(200);
    }
    return false;
  }
  // A scalar from the backend's DuckDB file (the backend must be stopped).
  int64_t duck_count(const std::string& sql) {
    auto db = DuckDatabase::open(sys_->config().duckdb.path);
    EXPECT_TRUE(db.is_ok()) << db.status().to_string();
    if (!db) return -1;
    auto rows = (*db)->query(sql);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows ? std::stoll(rows->rows.at(0).at(0).value_or("0")) : -1;
  }
  // Waits for the heartbeat of a backend that finished start() (the key expires with
  // its TTL; delete it first to wait for a restarted backend) and returns it.
  nlohmann::json wait_heartbeat() {
    for (int waited = 0; waited < kWaitMs; waited += 100) {
      auto v = sys_->redis().command({"GET", BackendKeys{sys_->config().redis.prefix}.heartbeat()});
      if (v && !v->is_nil()) return nlohmann::json::parse(v->str);
      sleep_ms(100);
    }
    ADD_FAILURE() << "no backend heartbeat\n" << sys_->log_tail(dir() + "/backend.log");
    return {};
  }
  // Waits for a heartbeat whose refill_pending is `pending` (the backend publishes it
  // every second); false on timeout.
  bool wait_refill_pending(bool pending, int timeout_ms) {
    for (int waited = 0;; waited += 200) {
      auto v = sys_->redis().command({"GET", BackendKeys{sys_->config().redis.prefix}.heartbeat()});
      if (v && !v->is_nil() && nlohmann::json::parse(v->str).value("refill_pending", !pending) == pending) return true;
      if (waited >= timeout_ms) return false;
      sleep_ms(200);
    }
  }
  // `n` final results the engine never produced, XADDed to RTRS as it would (pipelined).
  void add_results_to_rtrs(int n) {
    std::vector<std::string> payloads;
    for (int i = 0; i < n; ++i) {
      TradeResult r;
      r.uuid = System::new_uuid();
      r.result_id = final_result_id(r.uuid);
      r.instance = sys_->instance_id(i % 3);
      r.symbol = "EURUSD";
      r.side = "buy";
      r.status = ResultStatus::kFilled;
      r.volume = r.filled_volume = 0.1;
      r.avg_price = 1.1;
      r.ts_ms = now_ms();
      r.stream_id = "1-" + std::to_string(i);
      payloads.push_back(r.to_json());
    }
    xadd(RedisKeys{sys_->config().redis.prefix}.rtrs(), "result", payloads);
  }
  // XADDs each payload to `stream` as its `field`, pipelined 500 at a time.
  void xadd(const std::string& stream, const std::string& field, const std::vector<std::string>& payloads) {
    std::vector<std::vector<std::string>> batch;
    for (size_t i = 0; i < payloads.size(); ++i) {
      batch.push_back({"XADD", stream, "*", field, payloads[i]});
      if (batch.size() == 500 || i + 1 == payloads.size()) {
        auto added = sys_->redis().pipeline(batch);
        ASSERT_TRUE(added.is_ok()) << added.status().to_string();
        batch.clear();
      }
    }
  }
  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // Waits until the backend acknowledged every RTRS and events entry.
  void wait_acknowledged() {
    // A heartbeat published from now on counts entries added before.
    ASSERT_TRUE(sys_->redis().command({"DEL", BackendKeys{sys_->config().redis.prefix}.heartbeat()}).is_ok());
    for (int waited = 0; waited < kWaitMs; waited += 100) {
      const auto hb = wait_heartbeat();
      if (hb.value("lag", -1) == 0 && hb.value("pending", -1) == 0 && hb.value("events_lag", -1) == 0 &&
          hb.value("events_pending", -1) == 0) {
        return;
      }
      sleep_ms(100);
    }
    ADD_FAILURE() << "RTRS or events not acknowledged\n" << sys_->log_tail(dir() + "/backend.log");
  }
  // Kills the backend with kill -9 and deletes its DuckDB file (and heartbeat): the next
  // start restores the latest snapshot, or begins a new file, and refills it.
  void kill_backend_and_lose_its_file() {
    backend_->kill9();
    std::filesystem::remove(sys_->config().duckdb.path);
    std::filesystem::remove(sys_->config().duckdb.path + ".wal");
    ASSERT_TRUE(sys_->redis().command({"DEL", BackendKeys{sys_->config().redis.prefix}.heartbeat()}).is_ok());
  }
  // What each refill step the backend logged took: ClickHouse rows filled, RTRS entries read.
  struct LoggedStep {
    int64_t clickhouse_rows = 0;
    int64_t rtrs_read = 0;
  };
  std::vector<LoggedStep> logged_refill_steps() const {
    std::ifstream log(dir() + "/backend.log");
    const std::regex step(R"(DuckDB refill(?:ed| under way): (\d+) rows from ClickHouse, .* \((\d+) entries read\))");
    std::vector<LoggedStep> steps;
    std::smatch m;
    for (std::string line; std::getline(log, line);) {
      if (std::regex_search(line, m, step)) steps.push_back({std::stoll(m[1].str()), std::stoll(m[2].str())});
    }
    return steps;
  }
  int64_t refill_entries_read() const {
    int64_t read = 0;
    for (const LoggedStep& s : logged_refill_steps()) read += s.rtrs_read;
    return read;
  }
  std::string run_cli(const std::string& args) {
    return std::string(MTG_BINARY) + " --config " + sys_->config_path() + " " + args + " >> " + dir() +
           "/cli.log 2>&1";
  }

  const std::string tag_;
  std::unique_ptr<System> sys_;
  std::unique_ptr<ClickHouseClient> clickhouse_;
  std::unique_ptr<Process> backend_;
  std::set<std::string> all_;
  bool clickhouse_killed_ = false;
};

}  // namespace mtg
