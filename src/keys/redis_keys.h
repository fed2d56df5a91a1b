// The Redis key names of mtguard, every one under the configured prefix (default
// "mtg:") and spelled here only. A public contract for producers and operators:
// docs/architecture.md lists them. Header-only, below every module that uses Redis.
#pragma once

#include <string>

#include "util/check.h"

namespace mtg {

// The prefix of every key unless [redis] prefix says otherwise.
inline constexpr const char* kDefaultKeyPrefix = "mtg:";

// The keys of the trade engine's state (RTSS, RTS, RIS, RTRS), of its operators'
// commands, of the user preferences and of the notification record.
class RedisKeys {
 public:
  // `prefix` must not be empty (the config refuses an empty redis.prefix).
  explicit RedisKeys(std::string prefix) : prefix_(std::move(prefix)) { MTG_CHECK(!prefix_.empty()); }

  std::string rtss() const { return prefix_ + "rtss"; }            // signals in (stream)
  std::string rtrs() const { return prefix_ + "rtrs"; }            // results out (stream)
  std::string dead_letters() const { return prefix_ + "dlq"; }     // rejected raw payloads (stream)
  std::string order(const std::string& uuid) const { return prefix_ + "rts:" + uuid; }  // order JSON
  std::string open_orders() const { return prefix_ + "rts:open"; }  // set of open uuids
  std::string dedup(const std::string& uuid) const { return prefix_ + "dedup:" + uuid; }
  std::string instance(const std::string& id) const { return prefix_ + "ris:" + id; }   // hash
  std::string instances() const { return prefix_ + "ris"; }          // set of instance ids
  // Trade events (stream, field `event`, trade/trade_event.h), appended by the engine.
  std::string events() const { return prefix_ + "events"; }
  // An event id the engine has appended (dedup of a terminal's resends), with a TTL.
  std::string event_seen(const std::string& id) const { return prefix_ + "event:" + id; }
  // An instance's positions and pending orders as its terminal last reported them
  // (trade/position.h holdings JSON).
  std::string holdings(const std::string& id) const { return prefix_ + "holdings:" + id; }
  // The engine's liveness and counters (JSON), SET every second with PX kHeartbeatTtlMs.
  std::string engine_heartbeat() const { return prefix_ + "engine:heartbeat"; }
  static constexpr int kHeartbeatTtlMs = 5'000;
  // A list of operator commands (engine/operator_command.h) the engine LPOPs.
  std::string engine_commands() const { return prefix_ + "engine:commands"; }
  // The user preferences (hash: field = key, value = JSON text).
  std::string prefs() const { return prefix_ + "prefs"; }
  // The record of every notification (stream, field `notification`, capped).
  std::string notifications() const { return prefix_ + "notifications"; }

  static constexpr const char* kEngineGroup = "engine";    // RTSS consumer group
  static constexpr const char* kBackendGroup = "backend";  // RTRS and events consumer group

 private:
  std::string prefix_;
};

// The keys through which the backend (sole owner of the DuckDB file) talks to
// operators' commands (`mtguard status`, `mtguard sync status|resume`) and to the
// backup module's requests (backend_channel/backend_command.h, backend_channel/backend_channel.h).
class BackendKeys {
 public:
  // `prefix` must not be empty (the config refuses an empty redis.prefix).
  explicit BackendKeys(std::string prefix) : prefix_(std::move(prefix)) { MTG_CHECK(!prefix_.empty()); }

  // JSON {ts, duckdb_version, lag, pending, events_lag, events_pending, suspended,
  // refill_pending}, SET every second with PX kPublishTtlMs.
  std::string heartbeat() const { return prefix_ + "backend:heartbeat"; }
  // SyncStatus JSON, SET every second with PX kPublishTtlMs (gone when the backend is down).
  std::string sync() const { return prefix_ + "backend:sync"; }
  // The backend process's liveness lease: who it is (ProcessIdentity JSON), SET every
  // kAliveRenewMs with PX kAliveTtlMs by a thread of its own
  // (backend_channel/backend_liveness.h), gone soon after the process is.
  std::string alive() const { return prefix_ + "backend:alive"; }
  // A list of command lines the backend LPOPs every second (backend_channel/backend_command.h).
  std::string commands() const { return prefix_ + "backend:commands"; }
  // The JSON answer to the command with this request id, SET with PX kReplyTtlMs.
  std::string reply(const std::string& request_id) const {
    MTG_CHECK(!request_id.empty());
    return prefix_ + "backend:reply:" + request_id;
  }
  // A request's lease: "queued" while its requester waits (renewed on every poll),
  // "taken" once the backend runs it (backend_channel/backend_channel.h).
  std::string lease(const std::string& request_id) const {
    MTG_CHECK(!request_id.empty());
    return prefix_ + "backend:waiting:" + request_id;
  }

  // How long the published keys live without a refresh.
  static constexpr int kPublishTtlMs = 5'000;
  // How long a reply waits to be read.
  static constexpr int kReplyTtlMs = 600'000;

 private:
  std::string prefix_;
};

// The keys of one partition (docs/scale-out.md): each carries the hash tag {p<N>}, so
// that on a Redis Cluster the partition lives in one slot and a script may touch all of
// them; the same names work on a single Redis.
class PartitionKeys {
 public:
  // `prefix` must not be empty; `partition` >= 0.
  PartitionKeys(std::string prefix, int partition)
      : tagged_(std::move(prefix) + "{p" + std::to_string(partition) + "}"), partition_(partition) {
    MTG_CHECK(partition >= 0);
  }

  int partition() const { return partition_; }
  // Its owner's lease: "<owner> <epoch>", SET NX PX by partition/partition_lease.h.
  std::string lease() const { return tagged_ + "lease"; }
  // The last epoch handed out (INCR on every new owner, never lowered, no TTL): the
  // fencing token every state-changing script of the partition checks.
  std::string epoch() const { return tagged_ + "epoch"; }

 private:
  std::string tagged_;  // "<prefix>{p<N>}"
  int partition_;
};

}  // namespace mtg
