// OrderMirror: keeps a copy of every open order (RTS) in DuckDB trade_state, so that
// the backend can rebuild RTS when Redis lost it (docs/requirements.md §4.4).
//
// Choice: the backend polls `<prefix>rts:open` (every second, by the caller) and
// upserts each open order's JSON into trade_state.signal_json together with its state,
// leg, stream id, created_at and ttl. Only orders whose updated_at changed since the
// last poll are written. A polled state never overwrites a final state written from a
// result (HistoryWriter), so a slow poll cannot reopen a finished order.
// rebuild_rts() is the way back: non-final trade_state rows with an order JSON become
// `<prefix>rts:<uuid>`, members of `<prefix>rts:open`, and `<prefix>dedup:<uuid>` keys.
// A missing RTS entry (an open-set member whose `rts:<uuid>` is gone: evicted, or
// deleted by hand) is noticed by poll() and re-written from trade_state, atomically
// only while the uuid is still in the open set and its key still missing (Lua), so a
// restored entry never resurrects an order the engine finished meanwhile (docs/architecture.md
// "Redis memory policy"). Single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "config/config.h"
#include "keys/redis_keys.h"
#include "store/duckdb/duckdb_database.h"
#include "store/redis/redis_client.h"
#include "util/clock.h"

namespace mtg {

class OrderMirror {
 public:
  // Most open orders one poll mirrors, and one rebuild restores.
  static constexpr size_t kMaxOrders = 100'000;
  // Orders read per MGET.
  static constexpr size_t kChunk = 500;

  OrderMirror(RedisClient& redis, DuckDatabase& db, const Clock& clock, std::string prefix,
              int64_t dedup_window_s);

  // Mirrors changed open orders into trade_state and restores missing RTS entries
  // from it. Returns the rows written.
  Result<int64_t> poll();

  // RTS entries poll() restored from trade_state since this object was made.
  int64_t restored_missing() const { return restored_missing_; }

  // Restores RTS and dedup keys from trade_state's non-final orders (SET NX: a key
  // present in Redis wins). Returns the orders restored.
  Result<int64_t> rebuild_rts();

 private:
  // Mirrors one MGET's worth of orders; appends uuids without an RTS entry to `missing`.
  Status mirror_chunk(const std::vector<std::string>& uuids, int64_t& written, std::vector<std::string>& missing);
  // Re-writes missing RTS entries from trade_state (at most kChunk uuids).
  Status restore_missing(const std::vector<std::string>& uuids);

  RedisClient& redis_;
  DuckDatabase& db_;
  const Clock& clock_;
  RedisKeys keys_;
  int64_t dedup_window_s_;
  std::unordered_map<std::string, int64_t> mirrored_at_;  // uuid -> updated_at_ms written
  int64_t restored_missing_ = 0;
};

}  // namespace mtg
