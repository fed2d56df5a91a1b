#include "backend/order_mirror.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "order/order.h"
#include "util/check.h"

namespace mtg {

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
      MTG_RETURN_IF_ERROR(mirror_chunk(chunk, written));
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

Status OrderMirror::mirror_chunk(const std::vector<std::string>& uuids, int64_t& written) {
  MTG_CHECK(!uuids.empty() && uuids.size() <= kChunk);
  std::vector<std::string> argv{"MGET"};
  for (const auto& u : uuids) argv.push_back(keys_.order(u));
  auto values = redis_.command(argv);
  if (!values) return values.status();
  MTG_CHECK(values->elements.size() == uuids.size());
  for (const auto& value : values->elements) {
    if (value.is_nil()) continue;
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
        "WHERE trade_state.state NOT IN ('filled','failed','rejected','expired','dropped','closed')",
        {s.uuid, s.instance, s.symbol, std::string(side_name(s.side)), s.volume, order->filled_volume,
         std::string(state_name(order->state)), static_cast<int64_t>(order->leg), order->stream_id,
         s.created_at_ms, s.ttl_ms, order->updated_at_ms, value.str}));
    mirrored_at_[s.uuid] = order->updated_at_ms;
    ++written;
  }
  return Status::ok();
}

Result<int64_t> OrderMirror::rebuild_rts() {
  auto rows = db_.query_params(
      "SELECT uuid, stream_id, signal_json FROM trade_state WHERE signal_json IS NOT NULL AND state NOT IN "
      "('filled','failed','rejected','expired','dropped','closed') ORDER BY uuid LIMIT ?",
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
