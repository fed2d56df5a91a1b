// bench/sync: the backend's ClickHouse sync throughput (rows/s: DuckDB outbox -> HTTP
// JSONEachRow batches as SyncPolicy sizes them for a backlog -> ClickHouse, rows deleted
// from the outbox after each)
// beside `clickhouse-client` inserting the same rows (JSONEachRow, one statement over
// the native TCP port) in the same run. Also HistoryWriter's DuckDB rates: ingest of
// new results and replay of results logged already (a refill).
// Prints figures, never passes or fails on time. Needs $MTG_CONFIG and
// $MTG_CLICKHOUSE_TCP_PORT (scripts/stack env).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backend/clickhouse_sync.h"
#include "backend/history_writer.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_migrations.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

using Steady = std::chrono::steady_clock;

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

int fail(const std::string& what) {
  std::cerr << "bench/sync: " << what << '\n';
  return 1;
}

std::vector<TradeResult> make_results(int n, const std::string& run) {
  std::vector<TradeResult> out;
  for (int i = 0; i < n; ++i) {
    TradeResult r;
    r.uuid = "bench-" + run + "-" + std::to_string(i);
    r.result_id = final_result_id(r.uuid);
    r.instance = "bench";
    r.symbol = "EURUSD";
    r.side = "buy";
    r.status = ResultStatus::kFilled;
    r.volume = r.filled_volume = 0.1;
    r.avg_price = 1.1;
    r.ts_ms = SystemClock::instance().now_ms();
    out.push_back(r);
  }
  return out;
}

int run(int rows) {
  const char* config_path = std::getenv("MTG_CONFIG");
  const char* tcp_port = std::getenv("MTG_CLICKHOUSE_TCP_PORT");
  if (config_path == nullptr || tcp_port == nullptr) {
    std::cerr << "bench/sync: needs MTG_CONFIG and MTG_CLICKHOUSE_TCP_PORT (scripts/stack env)\n";
    return 2;
  }
  auto config = load_config(config_path);
  if (!config) return fail(config.status().to_string());
  testkit::TempDir dir;
  auto db = DuckDatabase::open(dir.file("bench.duckdb"));
  if (!db || !migrate_duckdb(**db).is_ok()) return fail("duckdb open failed");
  const std::string run_id = std::to_string(SystemClock::instance().now_ms());
  const auto results = make_results(rows, run_id);

  HistoryWriter writer(**db, SystemClock::instance());
  auto start = Steady::now();
  for (size_t at = 0; at < results.size(); at += kMaxHistoryBatch) {
    std::vector<TradeResult> batch(results.begin() + static_cast<long>(at),
                                   results.begin() + static_cast<long>(std::min(results.size(), at + kMaxHistoryBatch)));
    if (!writer.write(batch, "").is_ok()) return fail("history write failed");
  }
  const double ingest_s = seconds_since(start);
  start = Steady::now();  // the same results again, all logged already: what a refill replays
  for (size_t at = 0; at < results.size(); at += kMaxHistoryBatch) {
    std::vector<TradeResult> batch(results.begin() + static_cast<long>(at),
                                   results.begin() + static_cast<long>(std::min(results.size(), at + kMaxHistoryBatch)));
    if (!writer.write(batch, "").is_ok()) return fail("history replay failed");
  }
  const double replay_s = seconds_since(start);

  auto sink = make_clickhouse_sync_sink(config->clickhouse);
  if (!sink) return fail(sink.status().to_string());
  ClickHouseSync sync(**db, **sink, SystemClock::instance(), SyncOptions{}, nullptr);
  if (!sync.load().is_ok()) return fail("sync load failed");
  start = Steady::now();
  int64_t synced = 0;
  while (synced < rows) {
    auto n = sync.tick();
    if (!n) return fail(n.status().to_string());
    synced += *n;
    if (sync.suspended()) return fail("sync suspended");
  }
  const double sync_s = seconds_since(start);

  const std::string file = dir.file("rows.ndjson");
  {
    std::ofstream out(file);
    for (const auto& r : results) {
      std::string row = HistoryWriter::row_text(result_row(r));
      out << row.substr(0, row.size() - 1) << ",\"synced_at\":1}\n";
    }
  }
  const std::string command = "clickhouse-client --host " + config->clickhouse.host + " --port " + tcp_port +
                              " --query 'INSERT INTO " + config->clickhouse.database +
                              ".trade_results FORMAT JSONEachRow' < " + file;
  start = Steady::now();
  if (std::system(command.c_str()) != 0) return fail("clickhouse-client failed");
  const double client_s = seconds_since(start);

  std::printf("rows                                   %d\n", rows);
  std::printf("DuckDB ingest (HistoryWriter, 500/txn) %10.0f rows/s\n", rows / ingest_s);
  std::printf("DuckDB replay (HistoryWriter, known)   %10.0f rows/s\n", rows / replay_s);
  std::printf("ClickHouse sync (HTTP, backlog batches)  %10.0f rows/s (up to %d rows a request, gzip from %zu KiB)\n",
              rows / sync_s, SyncOptions{}.backlog_batch_rows, ClickHouseClient::kCompressMinBytes >> 10);
  std::printf("clickhouse-client (TCP, one INSERT)    %10.0f rows/s (incl. process start)\n", rows / client_s);
  return 0;
}

}  // namespace
}  // namespace mtg

int main(int argc, char** argv) { return mtg::run(argc > 1 ? std::atoi(argv[1]) : 5'000); }
