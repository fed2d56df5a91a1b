#include "backend/order_mirror.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "order/order.h"
#include "order/order_state.h"
#include "util/check.h"

namespace mtg {
namespace {

// KEYS: order, open set   ARGV: uuid, order_json. Restores the entry only while the
// order is open and its entry missing; returns 1 when it did.
const RedisScript kRestoreMissing(R"lua(
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
)lua");

}  // namespace

OrderMirror::OrderMirror(RedisClient& redis, DuckDatabase& db, const Clock& clock, std::string prefix,
                         int64_t dedup_window_s)
    : redis_(redis), db_(db), clock_(clock), keys_{std::move(prefix)}, dedup_window_s_(dedup_window_s) {
  MTG_CHECK(dedup_window_s_ > 0);
}

Result<int64_t> OrderMirror::poll() {
  auto members = redis_.command({"SMEMBERS", keys_.open_orders()});
  if (!members) return members.status();
  std::vector<std::string> chunk;
  int64_t written = 0;
  const size_t total = std::min(members->elements.size(), kMaxOrders);
  for (size_t i = 0; i < total; ++i) {
    chunk.push_back(members->elements[i].str);
    if (chunk.size() == kChunk || i + 1 == total) {
      std::vector<std::string> missing;
      MTG_RETURN_IF_ERROR(mirror_chunk(chunk, written, missing));
      if (!missing.empty()) MTG_RETURN_IF_ERROR(restore_missing(missing));
      chunk.clear();
    }
  }
  // Forget orders that left the open set, so the map stays bounded by it.
  std::unordered_map<std::string, int64_t> still_open;
  for (size_t i = 0; i < total; ++i) {
    auto it = mirrored_at_.find(members->elements[i].str);
    if (it != mirrored_at_.end()) still_open.insert(*it);
  }
  mirrored_at_ = std::move(still_open);
  return written;
}

Status OrderMirror::mirror_chunk(const std::vector<std::string>& uuids, int64_t& written,
                                 std::vector<std::string>& missing) {
  MTG_CHECK(!uuids.empty());
  MTG_CHECK(uuids.size() <= kChunk);
  std::vector<std::string> argv{"MGET"};
  for (const auto& u : uuids) argv.push_back(keys_.order(u));
  auto values = redis_.command(argv);
  if (!values) return values.status();
  MTG_CHECK(values->elements.size() == uuids.size());
  for (size_t i = 0; i < uuids.size(); ++i) {
    const RedisReply& value = values->elements[i];
    if (value.is_nil()) {
      missing.push_back(uuids[i]);
      continue;
    }
    auto order = Order::from_json(value.str);
    if (!order) {
      spdlog::error("backend: undecodable order in RTS: {}", order.status().to_string());
      continue;
    }
    const Signal& s = order->signal;
    auto seen = mirrored_at_.find(s.uuid);
    if (seen != mirrored_at_.end() && seen->second == order->updated_at_ms) continue;
    MTG_RETURN_IF_ERROR(db_.exec_params(
        "INSERT INTO trade_state(uuid, instance, symbol, side, volume, filled_volume, state, leg, stream_id, "
        "created_at, ttl_ms, updated_at, signal_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (uuid) DO UPDATE SET filled_volume = excluded.filled_volume, state = excluded.state, "
        "leg = excluded.leg, stream_id = excluded.stream_id, created_at = excluded.created_at, "
        "ttl_ms = excluded.ttl_ms, updated_at = excluded.updated_at, signal_json = excluded.signal_json "
        "WHERE trade_state.state NOT IN " + settled_states_sql_list(),
        {s.uuid, s.instance, s.symbol, std::string(side_name(s.side)), s.volume, order->filled_volume,
         std::string(state_name(order->state)), static_cast<int64_t>(order->leg), order->stream_id,
         s.created_at_ms, s.ttl_ms, order->updated_at_ms, value.str}));
    mirrored_at_[s.uuid] = order->updated_at_ms;
    ++written;
  }
  return Status::ok();
}

Status OrderMirror::restore_missing(const std::vector<std::string>& uuids) {
  MTG_CHECK(!uuids.empty());
  MTG_CHECK(uuids.size() <= kChunk);
  std::string placeholders;
  std::vector<DuckParam> params;
  for (const auto& u : uuids) {
    placeholders += placeholders.empty() ? "?" : ",?";
    params.emplace_back(u);
  }
  auto rows = db_.query_params("SELECT uuid, signal_json FROM trade_state WHERE signal_json IS NOT NULL AND state "
                               "NOT IN " + settled_states_sql_list() + " AND uuid IN (" + placeholders + ")",
                               params);
  if (!rows) return rows.status();
  for (const auto& row : rows->rows) {
    const std::string uuid = row[0].value_or("");
    auto restored = redis_.eval(kRestoreMissing, {keys_.order(uuid), keys_.open_orders()}, {uuid, row[1].value_or("")});
    if (!restored) return restored.status();
    if (restored->integer == 1) {
      ++restored_missing_;
      spdlog::warn("backend: open order {} had no RTS entry (evicted?); restored it from DuckDB trade_state", uuid);
    }
  }
  if (rows->rows.size() < uuids.size()) {
    spdlog::warn("backend: {} open orders have no RTS entry and no open state in DuckDB to restore it from",
                  uuids.size() - rows->rows.size());
  }
  return Status::ok();
}

Result<int64_t> OrderMirror::rebuild_rts() {
  auto rows = db_.query_params(
      "SELECT uuid, stream_id, signal_json FROM trade_state WHERE signal_json IS NOT NULL AND state NOT IN " +
          settled_states_sql_list() + " ORDER BY uuid LIMIT ?",
      {static_cast<int64_t>(kMaxOrders)});
  if (!rows) return rows.status();
  std::vector<std::vector<std::string>> commands;
  int64_t restored = 0;
  for (const auto& row : rows->rows) {
    const std::string uuid = row[0].value_or("");
    const std::string json = row[2].value_or("");
    if (!Order::from_json(json)) {
      spdlog::error("backend: trade_state {} holds an undecodable order; not restored", uuid);
      continue;
    }
    commands.push_back({"SET", keys_.order(uuid), json, "NX"});
    commands.push_back({"SADD", keys_.open_orders(), uuid});
    commands.push_back({"SET", keys_.dedup(uuid), row[1].value_or(""), "NX", "EX", std::to_string(dedup_window_s_)});
    ++restored;
    if (commands.size() + 3 > RedisClient::kMaxPipelineCommands) {
      auto replies = redis_.pipeline(commands);
      if (!replies) return replies.status();
      commands.clear();
    }
  }
  if (!commands.empty()) {
    auto replies = redis_.pipeline(commands);
    if (!replies) return replies.status();
  }
  MTG_CHECK(restored <= static_cast<int64_t>(kMaxOrders));
  return restored;
}

}  // namespace mtg
