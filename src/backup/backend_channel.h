// BackendChannel: asks the backend (the one process that may open the DuckDB file)
// to snapshot or swap its database, through Redis:
//   request: RPUSH <prefix>backend:commands "snapshot <request_id> <dest_path>"
//            (or "restore-duckdb <request_id> <src_path>", "reconcile-redis <request_id>")
//   reply:   SET <prefix>backend:reply:<request_id> {"ok":true} | {"ok":false,"error":"…"}
// request_id is random hex. See docs/backup-format.md "Backend commands".
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg::backup {

inline constexpr int64_t kDefaultBackendReplyTimeoutMs = 300'000;
inline constexpr int64_t kBackendReplyPollMs = 100;

class BackendChannel {
 public:
  // `redis` must outlive the channel.
  BackendChannel(RedisClient& redis, std::string prefix) : redis_(redis), prefix_(std::move(prefix)) {}

  // True when the backend's heartbeat key exists (it is running).
  Result<bool> backend_running();

  // What a request waits for.
  enum class Wait {
    kReply,         // the reply, however long the backend's loop is busy (restore-duckdb)
    kReplyOrDeath,  // the reply while the backend's heartbeat lives (snapshot: the loop
                    // keeps publishing while a worker snapshots); kUnavailable once it is gone
  };

  // Sends "<verb> <request_id> [<arg>]" and waits (polling every kBackendReplyPollMs,
  // at most timeout_ms) for the reply. `waiting` is called with the elapsed ms on each
  // poll (progress). kTimeout when no reply came, kUnavailable when the backend died
  // (Wait::kReplyOrDeath); either way a request the backend has not taken yet is
  // withdrawn. kFailedPrecondition with the backend's error when it answered ok=false.
  Status request(const std::string& verb, const std::string& arg, int64_t timeout_ms, Wait wait,
                 const std::function<void(int64_t elapsed_ms)>& waiting = {});

  // Sends "<verb> <request_id>" without waiting for a reply.
  Status send(const std::string& verb);

  std::string commands_key() const { return prefix_ + "backend:commands"; }
  std::string reply_key(const std::string& request_id) const { return prefix_ + "backend:reply:" + request_id; }
  std::string heartbeat_key() const { return prefix_ + "backend:heartbeat"; }

 private:
  Status check_reply(const std::string& verb, const std::string& json_text);

  RedisClient& redis_;
  std::string prefix_;
};

}  // namespace mtg::backup
