#include "backend/synced_table.h"

#include <nlohmann/json.hpp>

#include "util/check.h"
#include "util/json_fields.h"

namespace mtg {
namespace {

using T = ColumnType;

constexpr Column kResultColumns[] = {
    {"result_id", T::kText},   {"uuid", T::kText},   {"instance", T::kText}, {"symbol", T::kText},
    {"side", T::kText},        {"status", T::kText}, {"volume", T::kDouble}, {"filled_volume", T::kDouble},
    {"avg_price", T::kDouble}, {"reason", T::kText}, {"ticket", T::kUInt64}, {"retcode", T::kInt64},
    {"ts", T::kInt64},         {"action", T::kText}, {"deal", T::kUInt64},   {"position", T::kUInt64},
    {"retcode_name", T::kText}};

constexpr Column kEventColumns[] = {
    {"id", T::kText},    {"instance", T::kText},  {"kind", T::kText},    {"symbol", T::kText},
    {"side", T::kText},  {"volume", T::kDouble},  {"price", T::kDouble}, {"order_ticket", T::kInt64},
    {"deal", T::kInt64}, {"position", T::kInt64}, {"ref", T::kText},     {"reason", T::kText},
    {"ts", T::kInt64}};

// One column's value of `row` as DuckDB takes it: a UBIGINT as decimal text (DuckDB
// casts it; a DuckParam has no unsigned 64-bit integer).
Result<DuckParam> duck_value(const JsonFields& row, const Column& column) {
  switch (column.type) {
    case T::kText: {
      auto v = row.text(column.name);
      if (!v) return v.status();
      return DuckParam(std::move(*v));
    }
    case T::kDouble: {
      auto v = row.number(column.name);
      if (!v) return v.status();
      return DuckParam(*v);
    }
    case T::kInt64: {
      auto v = row.integer(column.name);
      if (!v) return v.status();
      return DuckParam(*v);
    }
    case T::kUInt64: {
      auto v = row.unsigned_integer(column.name);
      if (!v) return v.status();
      return DuckParam(std::to_string(*v));
    }
  }
  MTG_CHECK_MSG(false, "bad ColumnType");
}

}  // namespace

const SyncedTable kResultsTable{Feed::kResults, "trade_history", "trade_results", kResultColumns};
const SyncedTable kEventsTable{Feed::kEvents, "trade_events", "trade_events", kEventColumns};

const SyncedTable& synced_table(Feed feed) { return feed == Feed::kResults ? kResultsTable : kEventsTable; }

std::string SyncedTable::column_list() const {
  std::string list;
  for (const Column& c : columns) list += (list.empty() ? "" : ", ") + std::string(c.name);
  return list;
}

StagedTable SyncedTable::staging() const {
  return {std::string(duckdb) + "_batch", duckdb, column_list() + ", recorded_at"};
}

nlohmann::json result_row(const TradeResult& r) {
  nlohmann::json row = {{"result_id", r.result_id},
                        {"uuid", r.uuid},
                        {"instance", r.instance},
                        {"symbol", r.symbol},
                        {"side", r.side},
                        {"status", result_status_name(r.status)},
                        {"volume", r.volume},
                        {"filled_volume", r.filled_volume},
                        {"avg_price", r.avg_price},
                        {"reason", r.reason},
                        {"ticket", r.ticket},
                        {"retcode", r.retcode},
                        {"ts", r.ts_ms},
                        {"action", r.action},
                        {"deal", r.deal},
                        {"position", r.position},
                        {"retcode_name", r.retcode_name}};
  MTG_CHECK(row.size() == kResultsTable.columns.size());
  return row;
}

nlohmann::json event_row(const TradeEvent& e) {
  nlohmann::json row = {{"id", e.id},
                        {"instance", e.instance},
                        {"kind", event_kind_name(e.kind)},
                        {"symbol", e.symbol},
                        {"side", side_name(e.side)},
                        {"volume", e.volume},
                        {"price", e.price},
                        {"order_ticket", e.order},
                        {"deal", e.deal},
                        {"position", e.position},
                        {"ref", e.ref},
                        {"reason", e.reason},
                        {"ts", e.ts_ms}};
  MTG_CHECK(row.size() == kEventsTable.columns.size());
  return row;
}

Result<std::vector<DuckParam>> duck_values(const SyncedTable& table, const nlohmann::json& row,
                                           int64_t recorded_at_ms) {
  if (!row.is_object()) return Status::corruption(std::string(table.clickhouse) + " row: not a JSON object");
  const JsonFields fields(row);
  std::vector<DuckParam> values;
  values.reserve(table.columns.size() + 1);
  for (const Column& column : table.columns) {
    auto value = duck_value(fields, column);
    if (!value)
      return Status::corruption(std::string(table.clickhouse) + " row: " + value.status().message());
    values.push_back(std::move(*value));
  }
  values.emplace_back(recorded_at_ms);
  MTG_CHECK(values.size() == table.columns.size() + 1);
  return values;
}

}  // namespace mtg
