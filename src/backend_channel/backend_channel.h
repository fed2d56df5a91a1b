// BackendChannel: asks the backend (the one process that may open the DuckDB file)
// to snapshot or swap its database, and reads whether it runs, through Redis:
//   lease:   SET <prefix>backend:waiting:<request_id> queued PX kRequestLeaseMs,
//            renewed on every poll while the requester waits
//   request: RPUSH <prefix>backend:commands "snapshot <request_id> <dest_path>"
//            (or "restore-duckdb <request_id> <src_path>", "reconcile-redis <request_id>",
//            "resume": backend_command.h)
//   reply:   SET <prefix>backend:reply:<request_id> {"ok":true} | {"ok":false,"error":"…"}
// request_id is random hex. The backend takes a snapshot or restore-duckdb only while
// its lease lives (SET … taken XX), so a request its requester stopped waiting for
// (and could not withdraw, Redis being down) never runs late: at most kRequestLeaseMs
// after the requester's last word. A requester waits only while the backend's process
// lives (backend_liveness.h): a backend killed meanwhile ends the wait at once on its
// machine, within kAliveTtlMs elsewhere. See docs/backup-format.md "Backend commands".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "backend_channel/backend_command.h"
#include "keys/redis_keys.h"
#include "store/redis/redis_client.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg {

inline constexpr int64_t kBackendReplyPollMs = 100;
// How long a request's lease lives without renewal; also how long a requester keeps
// waiting through a Redis it cannot reach.
inline constexpr int64_t kRequestLeaseMs = 10'000;

// How far a refill of the DuckDB file got in the backend's current process (the
// heartbeat's "refill"): stream entries replayed of about how many (the entries the
// streams held, up to the group's last delivery, when this process began the refill;
// -1 when Redis could not tell), and rows filled from ClickHouse's gaps.
struct RefillCount {
  int64_t replayed = 0;
  int64_t to_replay = -1;
  int64_t filled = 0;

  nlohmann::json to_json() const;
  // A count that is not to_json()'s reads as nullopt.
  static std::optional<RefillCount> from_json(const nlohmann::json& j);
  // For a terminal: "12000 of about 48000 stream entries replayed (25%, about 9 s left),
  // 300 rows from ClickHouse"; the time left from `elapsed_ms` since `since` was seen.
  std::string describe(const RefillCount& since, int64_t elapsed_ms) const;
};

// The fields of the backend's heartbeat (BackendKeys::heartbeat) its readers use.
struct BackendHeartbeat {
  std::string duckdb_version;   // the DuckDB library the backend holds the file with
  bool refill_pending = false;  // a restored DuckDB file is still being refilled
  std::optional<RefillCount> refill;  // while refill_pending, from a backend that counts
};

class BackendChannel {
 public:
  // `redis` and `clock` (which times a request's waits) must outlive the channel.
  BackendChannel(RedisClient& redis, std::string prefix, const Clock& clock = SystemClock::instance())
      : redis_(redis), keys_{std::move(prefix)}, clock_(clock) {}

  // True when a backend runs: its heartbeat key exists (its loop holds the DuckDB
  // file) and its liveness lease vouches for its process (lease_vouches).
  Result<bool> backend_running();

  // What the backend's heartbeat says: kNotFound when no backend runs, kCorruption
  // when the heartbeat is not the backend's JSON.
  Result<BackendHeartbeat> heartbeat();

  // What a request waits for.
  enum class Wait {
    kReply,         // the reply, however long the backend's loop is busy (restore-duckdb)
    kReplyOrDeath,  // the reply while the backend's heartbeat lives (snapshot: the loop
                    // keeps publishing while a worker snapshots); kUnavailable once it is gone
  };

  // Leases and sends "<verb> <request_id> [<path>]" and waits (polling every
  // kBackendReplyPollMs, at most timeout_ms) for the reply. `waiting` is called with
  // the elapsed ms on each poll (progress). kTimeout when no reply came; kUnavailable
  // when the backend's process is gone (its liveness lease no longer vouches for it),
  // when its heartbeat is (Wait::kReplyOrDeath), when Redis lost the request (its
  // lease, or the queued command, is gone: a restart from a truncated AOF) or stayed
  // unreachable for kRequestLeaseMs. Whenever it gives up, a request the backend has
  // not taken yet is withdrawn, or, with Redis down, dropped by the backend once its
  // lease lapses. kFailedPrecondition with the backend's error when it answered ok=false;
  // kInvalidArgument, before anything is sent, for a path the backend would refuse.
  // `verb` takes a request id (not resume); `path` is empty unless the verb takes one.
  Status request(BackendVerb verb, const std::string& path, int64_t timeout_ms, Wait wait,
                 const std::function<void(int64_t elapsed_ms)>& waiting = {});

  // Sends the command (with a new request id when the verb takes one) without waiting
  // for a reply; for the verbs that need no lease (resume, reconcile-redis).
  Status send(BackendVerb verb);

  const BackendKeys& keys() const { return keys_; }

 private:
  // What one poll saw: the reply when there is one, else whether the request still
  // stands. Fails when Redis could not be asked.
  struct Poll {
    std::optional<std::string> reply;
    bool lease_renewed = false;  // false: Redis lost the lease (it lapsed or the data went)
    bool queued = false;         // the command is still in the list
    bool taken = false;          // the backend has taken the command
    bool heartbeat = false;      // the backend's heartbeat key exists
    bool process_alive = false;  // its liveness lease vouches for its process
  };
  Result<Poll> poll(const std::string& id, const std::string& command);
  Status check_reply(BackendVerb verb, const std::string& json_text);

  RedisClient& redis_;
  BackendKeys keys_;
  const Clock& clock_;
};

}  // namespace mtg
