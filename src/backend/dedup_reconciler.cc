#include "backend/dedup_reconciler.h"

#include "keys/redis_keys.h"
#include "util/check.h"

namespace mtg {

Result<int64_t> reassert_dedup_keys(RedisClient& redis, DuckDatabase& db, const std::string& prefix,
                                    int64_t dedup_window_s, int64_t now_ms) {
  MTG_CHECK(dedup_window_s > 0);
  const RedisKeys keys{prefix};
  const int64_t since_ms = now_ms - dedup_window_s * 1'000;
  const std::string ttl_s = std::to_string(dedup_window_s);
  std::string after;
  int64_t total = 0;
  while (total < kMaxReassertedUuids) {
    auto rows = db.query_params(
        "SELECT uuid, max(stream_id) FROM ("
        "  SELECT uuid, NULL AS stream_id FROM trade_history WHERE ts >= ?"
        "  UNION ALL SELECT uuid, nullif(stream_id, '') FROM trade_state WHERE coalesce(created_at, updated_at) >= ?"
        ") WHERE uuid <> '' AND uuid > ? GROUP BY uuid ORDER BY uuid LIMIT ?",
        {since_ms, since_ms, after, kDedupPageRows});
    if (!rows) return rows.status();
    if (rows->rows.empty()) break;
    std::vector<std::vector<std::string>> commands;
    for (const auto& row : rows->rows) {
      after = row[0].value_or("");
      commands.push_back({"SET", keys.dedup(after), row[1].value_or("reconciled"), "NX", "EX", ttl_s});
    }
    auto replies = redis.pipeline(commands);
    if (!replies) return replies.status();
    for (const auto& reply : *replies) {
      if (reply.is_error()) return Status::invalid("SET dedup key: " + reply.str);
    }
    total += static_cast<int64_t>(rows->rows.size());
  }
  return total;
}

}  // namespace mtg
