#include "backend/history_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "util/check.h"

namespace mtg {
namespace {

// Final order states: a mirrored `partial` (or an open order polled from RTS) never
// replaces one of these.
constexpr const char* kFinalStatesSql = "('filled','failed','rejected','expired','dropped','closed')";

}  // namespace

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

constexpr size_t kRowsPerStatement = 100;  // rows of one multi-row INSERT

// "(?,?,?),(?,?,?)" for `rows` rows of `columns` placeholders.
std::string placeholders(size_t rows, size_t columns) {
  std::string one = "(";
  for (size_t c = 0; c < columns; ++c) one += c == 0 ? "?" : ",?";
  one += ")";
  std::string all;
  for (size_t r = 0; r < rows; ++r) all += (r == 0 ? "" : ",") + one;
  return all;
}

// Runs `head VALUES (...),(...) tail` over `rows` in chunks; each row is one params group.
// Collects the first column of any RETURNING result into `returned`.
Status insert_chunked(DuckDatabase& db, const std::string& head, const std::string& tail,
                      const std::vector<std::vector<DuckParam>>& rows, std::set<std::string>* returned) {
  for (size_t at = 0; at < rows.size(); at += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows.size() - at);
    std::vector<DuckParam> params;
    for (size_t i = 0; i < n; ++i) params.insert(params.end(), rows[at + i].begin(), rows[at + i].end());
    auto result = db.query_params(head + " VALUES " + placeholders(n, rows[at].size()) + " " + tail, params);
    if (!result) return result.status();
    if (returned != nullptr) {
      for (const auto& row : result->rows) returned->insert(row.at(0).value_or(""));
    }
  }
  return Status::ok();
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
  MTG_CHECK(*inserted >= 0 && *inserted <= static_cast<int64_t>(results.size()));
  return inserted;
}

Result<int64_t> HistoryWriter::write_batch(const std::vector<TradeResult>& results, int64_t now_ms) {
  std::vector<std::vector<DuckParam>> history;
  for (const TradeResult& r : results) {
    MTG_CHECK(!r.result_id.empty());
    history.push_back({r.result_id, r.uuid, r.instance, r.symbol, r.side, std::string(result_status_name(r.status)),
                       r.volume, r.filled_volume, r.avg_price, r.reason, std::to_string(r.ticket),
                       static_cast<int64_t>(r.retcode), r.ts_ms, now_ms});
  }
  // A result logged already (a replay after a crash) is dropped (seed §3.5).
  std::set<std::string> fresh;
  MTG_RETURN_IF_ERROR(insert_chunked(
      db_, "INSERT INTO trade_history(result_id, uuid, instance, symbol, side, status, volume, filled_volume, "
           "avg_price, reason, ticket, retcode, ts, recorded_at)",
      "ON CONFLICT DO NOTHING RETURNING result_id", history, &fresh));
  std::vector<std::vector<DuckParam>> outbox;
  std::map<std::string, const TradeResult*> finals, partials;  // by uuid: one row per uuid per statement
  for (const TradeResult& r : results) {
    if (fresh.erase(r.result_id) == 0) continue;  // not new (or a repeat within this batch)
    outbox.push_back({r.result_id, clickhouse_row(r), now_ms});
    if (r.uuid.empty() || r.status == ResultStatus::kDuplicate) continue;
    (is_final(r.status) ? finals : partials)[r.uuid] = &r;
  }
  MTG_RETURN_IF_ERROR(insert_chunked(db_, "INSERT INTO sync_outbox(result_id, row_json, created_at)", "", outbox, nullptr));
  MTG_RETURN_IF_ERROR(mirror_states(finals, partials, now_ms));
  return static_cast<int64_t>(outbox.size());
}

Status HistoryWriter::mirror_states(const std::map<std::string, const TradeResult*>& finals,
                                    const std::map<std::string, const TradeResult*>& partials, int64_t now_ms) {
  static const std::string kHead =
      "INSERT INTO trade_state(uuid, instance, symbol, side, volume, filled_volume, state, stream_id, updated_at)";
  static const std::string kUpdate =
      "ON CONFLICT (uuid) DO UPDATE SET instance = excluded.instance, symbol = excluded.symbol, "
      "side = excluded.side, volume = excluded.volume, filled_volume = excluded.filled_volume, "
      "state = excluded.state, updated_at = excluded.updated_at";
  std::vector<std::vector<DuckParam>> final_rows, partial_rows;
  for (const auto& [uuid, r] : finals) final_rows.push_back(state_row(*r, now_ms));
  for (const auto& [uuid, r] : partials) {
    if (finals.count(uuid) == 0) partial_rows.push_back(state_row(*r, now_ms));
  }
  // A final always wins; a partial never reopens a final state.
  MTG_RETURN_IF_ERROR(insert_chunked(db_, kHead, kUpdate, final_rows, nullptr));
  return insert_chunked(db_, kHead, kUpdate + " WHERE trade_state.state NOT IN " + kFinalStatesSql, partial_rows,
                        nullptr);
}

}  // namespace mtg
