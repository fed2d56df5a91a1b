#include "backend/duckdb_recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <variant>
#include <vector>

#include "backend/history_writer.h"
#include "store/duckdb/refill_mark.h"
#include "store/duckdb/duckdb_migrations.h"
#include "util/check.h"
#include "util/file_system.h"

namespace mtg {
namespace {

namespace fs = std::filesystem;

// A ClickHouse string literal: 'text' with quotes and backslashes escaped.
std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// ClickHouse writes 64-bit integers in JSON as strings.
int64_t as_i64(const nlohmann::json& v) {
  return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>();
}

// A UInt64 (ticket) as decimal text: DuckDB casts it to UBIGINT, the whole range fits.
std::string as_u64_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : std::to_string(v.get<uint64_t>());
}

constexpr size_t kRowsPerStatement = 100;  // one prepared multi-row INSERT per this many rows
constexpr size_t kHistoryColumns = 14;

// Inserts rows of trade_history values (kHistoryColumns each) with multi-row
// statements; rows already present are skipped. Returns the rows inserted.
Result<int64_t> insert_history_rows(DuckDatabase& db, const std::vector<std::vector<DuckParam>>& rows) {
  int64_t inserted = 0;
  for (size_t at = 0; at < rows.size(); at += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows.size() - at);
    std::string sql =
        "INSERT INTO trade_history(result_id, uuid, instance, symbol, side, status, volume, filled_volume, "
        "avg_price, reason, ticket, retcode, ts, recorded_at) VALUES ";
    std::vector<DuckParam> params;
    for (size_t i = 0; i < n; ++i) {
      MTG_CHECK(rows[at + i].size() == kHistoryColumns);
      sql += i == 0 ? "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
      params.insert(params.end(), rows[at + i].begin(), rows[at + i].end());
    }
    auto changed = db.exec_params_changed(sql + " ON CONFLICT DO NOTHING", params);
    if (!changed) return changed.status();
    inserted += *changed;
  }
  return inserted;
}

// trade_history values (kHistoryColumns each) of ClickHouse rows in JSONEachRow,
// recorded at `now_ms`.
Result<std::vector<std::vector<DuckParam>>> parse_page(const std::string& ndjson, int64_t now_ms) {
  std::istringstream lines(ndjson);
  std::vector<std::vector<DuckParam>> rows;
  try {
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line);
      rows.push_back({j.at("result_id").get<std::string>(), j.at("uuid").get<std::string>(),
                      j.at("instance").get<std::string>(), j.at("symbol").get<std::string>(),
                      j.at("side").get<std::string>(), j.at("status").get<std::string>(),
                      j.at("volume").get<double>(), j.at("filled_volume").get<double>(),
                      j.at("avg_price").get<double>(), j.at("reason").get<std::string>(),
                      as_u64_text(j.at("ticket")), as_i64(j.at("retcode")), as_i64(j.at("ts")), now_ms});
    }
  } catch (const std::exception& e) {
    return Status::corruption(std::string("clickhouse trade_results row: ") + e.what());
  }
  return rows;
}

Result<int64_t> insert_in_one_transaction(DuckDatabase& db, const std::vector<std::vector<DuckParam>>& rows) {
  MTG_RETURN_IF_ERROR(db.begin());
  auto inserted = insert_history_rows(db, rows);
  if (!inserted) {
    (void)db.rollback();
    return inserted.status();
  }
  MTG_RETURN_IF_ERROR(db.commit());
  return inserted;
}

// Builds the file that replaces a missing one at `staged`: the newest sound snapshot
// (restore_snapshot), else an empty database; migrated and marked refill-pending there,
// checkpointed, then renamed to `path`. A kill at any point leaves either no file at
// `path` (the next start builds it again) or a whole one that knows what it lacks,
// never a part of a snapshot or a file without its mark. Returns whether a snapshot
// was restored.
Result<bool> build_missing_file(const std::string& path, const SnapshotRestorer& restore_snapshot) {
  const std::string staged = path + ".restoring";
  remove_duckdb_files(staged);  // left by a start that was killed while building it
  bool restored = false;
  if (restore_snapshot) {
    auto outcome = restore_snapshot(staged);
    if (!outcome) return outcome.status().with_context("restore DuckDB snapshot");
    restored = *outcome;
  }
  MTG_RETURN_IF_ERROR(mark_file_refill_pending(staged));
  if (fs::exists(staged + ".wal")) return Status::internal(staged + " kept a WAL after its checkpoint");
  MTG_RETURN_IF_ERROR(sync_file(staged));
  MTG_RETURN_IF_ERROR(rename_durably(staged, path));
  return restored;
}

}  // namespace

Result<GapPage> fill_history_page_from_clickhouse(DuckDatabase& db, ClickHouseClient& clickhouse,
                                                  const Config& config, int64_t synced_since_ms,
                                                  const std::string& after_result_id, int64_t max_rows,
                                                  const Clock& clock) {
  MTG_CHECK(max_rows > 0);
  GapPage page;
  if (config.instances.empty()) {
    page.reached_end = true;
    return page;
  }
  std::string instances;
  for (const auto& inst : config.instances) instances += (instances.empty() ? "" : ",") + quote(inst.id);
  const int64_t limit = std::min(max_rows, kFillPageRows);
  auto rows = clickhouse.query(
      "SELECT result_id, uuid, instance, symbol, side, status, volume, filled_volume, avg_price, reason, "
      "ticket, retcode, ts FROM " + clickhouse.database() + ".trade_results FINAL WHERE instance IN (" +
      instances + ") AND synced_at >= " + std::to_string(synced_since_ms) + " AND result_id > " +
      quote(after_result_id) + " ORDER BY result_id LIMIT " + std::to_string(limit) + " FORMAT JSONEachRow");
  if (!rows) return rows.status();
  auto parsed = parse_page(*rows, clock.now_ms());
  if (!parsed) return parsed.status();
  page.reached_end = static_cast<int64_t>(parsed->size()) < limit;
  if (parsed->empty()) return page;
  auto inserted = insert_in_one_transaction(db, *parsed);
  if (!inserted) return inserted.status();
  page.inserted = *inserted;
  page.through = std::get<std::string>(parsed->back().front());
  MTG_CHECK_MSG(page.through > after_result_id, "the gap fill must advance");
  return page;
}

Result<DuckOpenOutcome> open_backend_duckdb(const Config& config,
                                            const SnapshotRestorer& restore_snapshot, const Clock& clock) {
  const std::string& path = config.duckdb.path;
  DuckOpenOutcome out;
  out.was_missing = !fs::exists(path);
  // Opening creates a missing file, so a missing one is left to the restorer first.
  Result<std::unique_ptr<DuckDatabase>> db = Status::not_found(path);
  if (!out.was_missing) db = DuckDatabase::open(path);
  if (!db && db.status().code() == Code::kCorruption) {
    out.moved_aside = path + ".corrupt-" + std::to_string(clock.now_ms());
    spdlog::error("backend: DuckDB file {} is corrupt ({}); moving it to {}", path, db.status().message(),
                  out.moved_aside);
    MTG_RETURN_IF_ERROR(rename_durably(path, out.moved_aside));
    if (fs::exists(path + ".wal")) {
      MTG_RETURN_IF_ERROR(rename_durably(path + ".wal", out.moved_aside + ".wal"));
    }
    out.was_missing = true;
  }
  if (out.was_missing) {
    auto restored = build_missing_file(path, restore_snapshot);
    if (!restored) return restored.status();
    out.snapshot_restored = *restored;
    spdlog::warn("backend: DuckDB file {} was missing; snapshot restored: {}", path, out.snapshot_restored);
    db = DuckDatabase::open(path);
  }
  if (!db) return db.status();
  out.db = std::move(*db);
  MTG_RETURN_IF_ERROR(migrate_duckdb(*out.db));
  auto pending = pending_refill_since(*out.db);
  if (!pending) return pending.status();
  out.refill_pending = pending->has_value();
  return out;
}

}  // namespace mtg
