#include "backend/duckdb_recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <variant>
#include <vector>

#include "backend/synced_table.h"
#include "store/duckdb/duck_staging.h"
#include "store/duckdb/duckdb_migrations.h"
#include "store/duckdb/refill_mark.h"
#include "util/check.h"
#include "util/file_system.h"
#include "util/json_fields.h"

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

// The rows of a ClickHouse page (JSONEachRow, 64-bit integers unquoted) as DuckDB
// values of `table`, recorded at `now_ms`.
Result<std::vector<std::vector<DuckParam>>> parse_page(const SyncedTable& table, const std::string& ndjson,
                                                       int64_t now_ms) {
  std::istringstream lines(ndjson);
  std::vector<std::vector<DuckParam>> rows;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto row = parse_json_object(line, ClickHouseClient::kMaxResponseBytes);
    if (!row) return Status::corruption(std::string("clickhouse ") + table.clickhouse + " row: " + row.status().message());
    auto values = duck_values(table, *row, now_ms);
    if (!values) return values.status();
    rows.push_back(std::move(*values));
  }
  return rows;
}

// Inserts `rows` of `table` in one transaction, skipping those DuckDB has. Returns the
// rows inserted.
Result<int64_t> insert_missing(DuckDatabase& db, const SyncedTable& table,
                               const std::vector<std::vector<DuckParam>>& rows) {
  MTG_RETURN_IF_ERROR(create_staging(db, table.staging()));
  MTG_RETURN_IF_ERROR(db.begin());
  auto inserted = insert_staged(db, table.staging(), rows, std::string("ON CONFLICT DO NOTHING RETURNING ") + table.key());
  if (!inserted) {
    (void)db.rollback();
    return inserted.status();
  }
  MTG_RETURN_IF_ERROR(db.commit());
  return static_cast<int64_t>(inserted->rows.size());
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

Result<GapPage> fill_page_from_clickhouse(DuckDatabase& db, ClickHouseClient& clickhouse, const Config& config,
                                          const SyncedTable& table, int64_t synced_since_ms,
                                          const std::string& after_key, int64_t max_rows, const Clock& clock) {
  MTG_CHECK(max_rows > 0);
  GapPage page;
  if (config.instances.empty()) {
    page.reached_end = true;
    return page;
  }
  std::string instances;
  for (const auto& inst : config.instances) instances += (instances.empty() ? "" : ",") + quote(inst.id);
  const int64_t limit = std::min(max_rows, kFillPageRows);
  auto rows = clickhouse.query("SELECT " + table.column_list() + " FROM " + clickhouse.database() + "." +
                                   table.clickhouse + " FINAL WHERE instance IN (" + instances +
                                   ") AND synced_at >= " + std::to_string(synced_since_ms) + " AND " + table.key() +
                                   " > " + quote(after_key) + " ORDER BY " + table.key() + " LIMIT " +
                                   std::to_string(limit) + " FORMAT JSONEachRow",
                               {{kUnquoted64BitIntegers, "0"}});
  if (!rows) return rows.status();
  auto parsed = parse_page(table, *rows, clock.now_ms());
  if (!parsed) return parsed.status();
  page.reached_end = static_cast<int64_t>(parsed->size()) < limit;
  if (parsed->empty()) return page;
  auto inserted = insert_missing(db, table, *parsed);
  if (!inserted) return inserted.status();
  page.inserted = *inserted;
  page.through = std::get<std::string>(parsed->back().front());
  MTG_CHECK_MSG(page.through > after_key, "the gap fill must advance");
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
