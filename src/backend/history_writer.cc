#include "backend/history_writer.h"

#include <nlohmann/json.hpp>

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

Result<int64_t> HistoryWriter::write(const std::vector<TradeResult>& results) {
  MTG_CHECK(results.size() <= kMaxHistoryBatch);
  if (results.empty()) return int64_t{0};
  const int64_t now = clock_.now_ms();
  MTG_RETURN_IF_ERROR(db_.begin());
  int64_t inserted = 0;
  for (const TradeResult& r : results) {
    auto is_new = write_one(r, now);
    if (!is_new) {
      (void)db_.rollback();  // the write error is the one worth reporting
      return is_new.status().with_context("result " + r.result_id);
    }
    inserted += *is_new ? 1 : 0;
  }
  MTG_RETURN_IF_ERROR(db_.commit());
  MTG_CHECK(inserted >= 0 && inserted <= static_cast<int64_t>(results.size()));
  return inserted;
}

Result<bool> HistoryWriter::write_one(const TradeResult& r, int64_t now_ms) {
  MTG_CHECK(!r.result_id.empty());
  auto changed = db_.exec_params_changed(
      "INSERT INTO trade_history(result_id, uuid, instance, symbol, side, status, volume, filled_volume, "
      "avg_price, reason, ticket, retcode, ts, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT DO NOTHING",
      {r.result_id, r.uuid, r.instance, r.symbol, r.side, std::string(result_status_name(r.status)), r.volume,
       r.filled_volume, r.avg_price, r.reason, std::to_string(r.ticket), static_cast<int64_t>(r.retcode),
       r.ts_ms, now_ms});
  if (!changed) return changed.status();
  if (*changed == 0) return false;  // logged already: dropped (seed §3.5)
  MTG_RETURN_IF_ERROR(db_.exec_params("INSERT INTO sync_outbox(result_id, row_json, created_at) VALUES (?, ?, ?)",
                                      {r.result_id, clickhouse_row(r), now_ms}));
  MTG_RETURN_IF_ERROR(mirror_state(r, now_ms));
  return true;
}

Status HistoryWriter::mirror_state(const TradeResult& r, int64_t now_ms) {
  if (r.uuid.empty() || r.status == ResultStatus::kDuplicate) return Status::ok();
  const std::string guard =
      is_final(r.status) ? "" : std::string(" WHERE trade_state.state NOT IN ") + kFinalStatesSql;
  return db_.exec_params(
      "INSERT INTO trade_state(uuid, instance, symbol, side, volume, filled_volume, state, stream_id, "
      "updated_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (uuid) DO UPDATE SET "
      "instance = excluded.instance, symbol = excluded.symbol, side = excluded.side, "
      "volume = excluded.volume, filled_volume = excluded.filled_volume, state = excluded.state, "
      "updated_at = excluded.updated_at" + guard,
      {r.uuid, r.instance, r.symbol, r.side, r.volume, r.filled_volume, std::string(result_status_name(r.status)),
       r.stream_id, now_ms});
}

}  // namespace mtg
