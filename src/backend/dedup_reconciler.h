// After a Redis restore rolled Redis back, the dedup keys of signals executed since
// the backup are gone: a re-submitted uuid would run again. reassert_dedup_keys puts
// them back from what DuckDB knows (docs/requirements.md R3.2-3).
#pragma once

#include <cstdint>
#include <string>

#include "store/duckdb/duckdb_database.h"
#include "store/redis/redis_client.h"

namespace mtg {

// Most uuids one reassert_dedup_keys call handles (pages of kDedupPageRows).
inline constexpr int64_t kMaxReassertedUuids = 10'000'000;
inline constexpr int64_t kDedupPageRows = 5'000;

// For every uuid of trade_history (result ts) or trade_state (created_at or updated_at)
// newer than now_ms - dedup_window_s, SET `<prefix>dedup:<uuid>` NX EX dedup_window_s,
// valued with the signal's RTSS stream id when trade_state knows it (so the engine
// recognises a replay of its own entry) else "reconciled". Returns the uuids visited
// (keys that already existed are kept and counted).
Result<int64_t> reassert_dedup_keys(RedisClient& redis, DuckDatabase& db, const std::string& prefix,
                                    int64_t dedup_window_s, int64_t now_ms);

}  // namespace mtg
