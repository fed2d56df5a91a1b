#include "backend/history_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "order/order_state.h"
#include "store/duckdb/duck_staging.h"
#include "util/check.h"

namespace mtg {
namespace {

const StagedTable kOutboxStaging{"outbox_batch", "sync_outbox", "row_id, target, row_json, created_at"};
const StagedTable kStateStaging{"state_batch", "trade_state",
                                "uuid, instance, symbol, side, volume, filled_volume, state, stream_id, updated_at"};

std::vector<DuckParam> state_row(const TradeResult& r, int64_t now_ms) {
  return {r.uuid, r.instance, r.symbol, r.side, r.volume, r.filled_volume,
          std::string(result_status_name(r.status)), r.stream_id, now_ms};
}

}  // namespace

std::string HistoryWriter::row_text(const nlohmann::json& row) {
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<int64_t> HistoryWriter::write(const std::vector<TradeResult>& results, const std::string& through) {
  if (results.empty()) return int64_t{0};
  std::vector<nlohmann::json> rows;
  for (const TradeResult& r : results) rows.push_back(result_row(r));
  MTG_RETURN_IF_ERROR(create_staging(db_, kStateStaging));
  return write_rows(kResultsTable, rows, through, [&](const std::vector<size_t>& fresh, int64_t now_ms) {
    std::map<std::string, const TradeResult*> finals, partials;  // by uuid: one row per uuid per statement
    for (size_t index : fresh) {
      const TradeResult& r = results.at(index);
      if (r.uuid.empty() || r.status == ResultStatus::kDuplicate) continue;
      (is_final(r.status) ? finals : partials)[r.uuid] = &r;
    }
    return mirror_states(finals, partials, now_ms);
  });
}

Result<int64_t> HistoryWriter::write(const std::vector<TradeEvent>& events, const std::string& through) {
  std::vector<nlohmann::json> rows;
  for (const TradeEvent& e : events) rows.push_back(event_row(e));
  return write_rows(kEventsTable, rows, through, [](const std::vector<size_t>&, int64_t) { return Status::ok(); });
}

Result<int64_t> HistoryWriter::write_rows(const SyncedTable& table, const std::vector<nlohmann::json>& rows,
                                          const std::string& through, const AfterRecord& after) {
  MTG_CHECK(rows.size() <= kMaxHistoryBatch);
  if (rows.empty()) return int64_t{0};
  const int64_t now = clock_.now_ms();
  for (const StagedTable& staging : {table.staging(), kOutboxStaging}) MTG_RETURN_IF_ERROR(create_staging(db_, staging));
  MTG_RETURN_IF_ERROR(db_.begin());
  auto fresh = record_rows(table, rows, now);
  Status s = fresh.status();
  if (s.is_ok()) s = after(*fresh, now);
  if (s.is_ok() && !through.empty()) {
    s = db_.exec_params("INSERT OR REPLACE INTO sync_state(key, value) VALUES (?, ?)",
                        {std::string(recorded_through_key(table.feed)), through});
  }
  if (!s.is_ok()) {
    (void)db_.rollback();  // the write error is the one worth reporting
    return s;
  }
  MTG_RETURN_IF_ERROR(db_.commit());
  MTG_CHECK(fresh->size() <= rows.size());
  return static_cast<int64_t>(fresh->size());
}

Result<std::vector<size_t>> HistoryWriter::record_rows(const SyncedTable& table, const std::vector<nlohmann::json>& rows,
                                                      int64_t now_ms) {
  std::map<std::string, size_t> first;  // a repeat within the batch is staged once
  std::vector<std::vector<DuckParam>> values;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string key = rows[i].at(table.key()).get<std::string>();
    MTG_CHECK(!key.empty());
    if (!first.emplace(key, i).second) continue;
    auto v = duck_values(table, rows[i], now_ms);
    if (!v) return v.status();
    values.push_back(std::move(*v));
  }
  // A row recorded already (a replay after a crash, an event delivered again) is dropped.
  auto inserted =
      insert_staged(db_, table.staging(), values, std::string("ON CONFLICT DO NOTHING RETURNING ") + table.key());
  if (!inserted) return inserted.status();
  std::vector<size_t> fresh;
  for (const auto& row : inserted->rows) fresh.push_back(first.at(row.at(0).value_or("")));
  std::sort(fresh.begin(), fresh.end());  // the outbox keeps the batch's order
  std::vector<std::vector<DuckParam>> outbox;
  for (size_t index : fresh) {
    outbox.push_back({rows[index].at(table.key()).get<std::string>(), std::string(table.clickhouse),
                      row_text(rows[index]), now_ms});
  }
  MTG_RETURN_IF_ERROR(insert_staged(db_, kOutboxStaging, outbox, "").status());
  MTG_CHECK(fresh.size() <= values.size());
  return fresh;
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
