#include "backend/history_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "order/order_state.h"
#include "util/check.h"

namespace mtg {

std::string HistoryWriter::clickhouse_row(const TradeResult& r) {
  nlohmann::json j = {{"result_id", r.result_id}, {"uuid", r.uuid},
                      {"instance", r.instance},   {"symbol", r.symbol},
                      {"side", r.side},           {"status", result_status_name(r.status)},
                      {"volume", r.volume},       {"filled_volume", r.filled_volume},
                      {"avg_price", r.avg_price}, {"reason", r.reason},
                      {"ticket", r.ticket},       {"retcode", r.retcode},
                      {"ts", r.ts_ms}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// The connection's temp tables a batch is staged in: the appender fills one, then a
// single INSERT … SELECT moves it into its table (one statement per table per batch,
// about 25 ms for 500 rows, where multi-row VALUES statements took about 800 ms).
// Temp tables live in memory, outside the file and its snapshots; their rows are
// part of the batch's transaction.
constexpr const char* kHistoryColumns =
    "result_id, uuid, instance, symbol, side, status, volume, filled_volume, avg_price, reason, ticket, retcode, "
    "ts, recorded_at";
constexpr const char* kOutboxColumns = "result_id, row_json, created_at";
constexpr const char* kStateColumns =
    "uuid, instance, symbol, side, volume, filled_volume, state, stream_id, updated_at";

struct Staging {
  const char* batch;   // the temp table
  const char* table;   // the table it feeds
  const char* columns; // the columns it stages, in append order
};
constexpr Staging kHistoryStaging{"history_batch", "trade_history", kHistoryColumns};
constexpr Staging kOutboxStaging{"outbox_batch", "sync_outbox", kOutboxColumns};
constexpr Staging kStateStaging{"state_batch", "trade_state", kStateColumns};

// Creates the temp table of `staging` unless this connection has it. Outside a
// transaction, so that a rolled-back batch cannot take it away.
Status create_staging(DuckDatabase& db, const Staging& staging) {
  return db.exec(std::string("CREATE TEMP TABLE IF NOT EXISTS ") + staging.batch + " AS SELECT " + staging.columns +
                 " FROM " + staging.table + " LIMIT 0");
}

// Replaces the rows of `staging`'s temp table with `rows` (one value per column).
Status stage(DuckDatabase& db, const Staging& staging, const std::vector<std::vector<DuckParam>>& rows) {
  MTG_RETURN_IF_ERROR(db.exec(std::string("DELETE FROM ") + staging.batch));
  auto appender = db.appender(staging.batch);
  if (!appender) return appender.status();
  for (const auto& row : rows) MTG_RETURN_IF_ERROR((*appender)->append_row(row));
  return (*appender)->flush();
}

// Stages `rows`, then moves them into the table: `INSERT INTO table(columns) SELECT
// columns FROM batch <tail>`. Returns the statement's rows (its RETURNING clause).
Result<QueryRows> insert_staged(DuckDatabase& db, const Staging& staging,
                                const std::vector<std::vector<DuckParam>>& rows, const std::string& tail) {
  if (rows.empty()) return QueryRows{};
  MTG_RETURN_IF_ERROR(stage(db, staging, rows));
  return db.query(std::string("INSERT INTO ") + staging.table + "(" + staging.columns + ") SELECT " +
                  staging.columns + " FROM " + staging.batch + " " + tail);
}

std::vector<DuckParam> state_row(const TradeResult& r, int64_t now_ms) {
  return {r.uuid, r.instance, r.symbol, r.side, r.volume, r.filled_volume,
          std::string(result_status_name(r.status)), r.stream_id, now_ms};
}

}  // namespace

Result<int64_t> HistoryWriter::write(const std::vector<TradeResult>& results, const std::string& rtrs_through) {
  MTG_CHECK(results.size() <= kMaxHistoryBatch);
  if (results.empty()) return int64_t{0};
  const int64_t now = clock_.now_ms();
  for (const Staging* staging : {&kHistoryStaging, &kOutboxStaging, &kStateStaging}) {
    MTG_RETURN_IF_ERROR(create_staging(db_, *staging));
  }
  MTG_RETURN_IF_ERROR(db_.begin());
  auto inserted = write_batch(results, now);
  if (inserted && !rtrs_through.empty()) {
    const Status recorded = db_.exec_params("INSERT OR REPLACE INTO sync_state(key, value) VALUES (?, ?)",
                                            {std::string(kRtrsRecordedThroughKey), rtrs_through});
    if (!recorded.is_ok()) inserted = recorded;
  }
  if (!inserted) {
    (void)db_.rollback();  // the write error is the one worth reporting
    return inserted.status();
  }
  MTG_RETURN_IF_ERROR(db_.commit());
  MTG_CHECK(*inserted >= 0);
  MTG_CHECK(*inserted <= static_cast<int64_t>(results.size()));
  return inserted;
}

Result<int64_t> HistoryWriter::write_batch(const std::vector<TradeResult>& results, int64_t now_ms) {
  std::vector<std::vector<DuckParam>> history;
  std::set<std::string> staged;  // a repeat within the batch is staged once
  for (const TradeResult& r : results) {
    MTG_CHECK(!r.result_id.empty());
    if (!staged.insert(r.result_id).second) continue;
    history.push_back({r.result_id, r.uuid, r.instance, r.symbol, r.side, std::string(result_status_name(r.status)),
                       r.volume, r.filled_volume, r.avg_price, r.reason, std::to_string(r.ticket),
                       static_cast<int64_t>(r.retcode), r.ts_ms, now_ms});
  }
  // A result logged already (a replay after a crash) is dropped (docs/requirements.md §3.5).
  auto inserted = insert_staged(db_, kHistoryStaging, history, "ON CONFLICT DO NOTHING RETURNING result_id");
  if (!inserted) return inserted.status();
  std::set<std::string> fresh;
  for (const auto& row : inserted->rows) fresh.insert(row.at(0).value_or(""));
  std::vector<std::vector<DuckParam>> outbox;
  std::map<std::string, const TradeResult*> finals, partials;  // by uuid: one row per uuid per statement
  for (const TradeResult& r : results) {
    if (fresh.erase(r.result_id) == 0) continue;  // not new (or a repeat within this batch)
    outbox.push_back({r.result_id, clickhouse_row(r), now_ms});
    if (r.uuid.empty() || r.status == ResultStatus::kDuplicate) continue;
    (is_final(r.status) ? finals : partials)[r.uuid] = &r;
  }
  MTG_RETURN_IF_ERROR(insert_staged(db_, kOutboxStaging, outbox, "").status());
  MTG_RETURN_IF_ERROR(mirror_states(finals, partials, now_ms));
  return static_cast<int64_t>(outbox.size());
}

Status HistoryWriter::mirror_states(const std::map<std::string, const TradeResult*>& finals,
                                    const std::map<std::string, const TradeResult*>& partials, int64_t now_ms) {
  static const std::string kUpdate =
      "ON CONFLICT (uuid) DO UPDATE SET instance = excluded.instance, symbol = excluded.symbol, "
      "side = excluded.side, volume = excluded.volume, filled_volume = excluded.filled_volume, "
      "state = excluded.state, updated_at = excluded.updated_at";
  std::vector<std::vector<DuckParam>> final_rows, partial_rows;
  for (const auto& [uuid, r] : finals) final_rows.push_back(state_row(*r, now_ms));
  for (const auto& [uuid, r] : partials) {
    if (finals.count(uuid) == 0) partial_rows.push_back(state_row(*r, now_ms));
  }
  // A final always wins; a partial never reopens a final (or closed) state.
  MTG_RETURN_IF_ERROR(insert_staged(db_, kStateStaging, final_rows, kUpdate).status());
  return insert_staged(db_, kStateStaging, partial_rows,
                       kUpdate + " WHERE trade_state.state NOT IN " + settled_states_sql_list())
      .status();
}

}  // namespace mtg
