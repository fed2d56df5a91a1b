// The backend's liveness lease: proof that the backend's *process* is alive, apart
// from its loop, which may be held up for many seconds by a restore or a refill while
// its heartbeat (BackendKeys::heartbeat) ages. The backend renews
// BackendKeys::alive() every kAliveRenewMs with PX kAliveTtlMs from a thread of its
// own (LivenessLease); the value names the process (ProcessIdentity). A requester on
// the same machine learns at once that a killed backend is gone (its pid is no longer
// that process); elsewhere, once the lease has lapsed. So a command that waits for the
// backend (backend_channel.h) waits only while there is one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "config/config.h"
#include "keys/redis_keys.h"
#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg {

inline constexpr int64_t kAliveRenewMs = 300;
// A backend that could not renew for this long counts as gone, wherever it runs.
inline constexpr int64_t kAliveTtlMs = 2'000;

// One process on one machine: the boot id and pid namespace say whether a pid can be
// looked up here; the start time (in clock ticks after boot) tells a reused pid apart.
struct ProcessIdentity {
  std::string boot_id;
  std::string pid_namespace;
  int64_t pid = 0;
  int64_t start_ticks = 0;

  // The calling process.
  static Result<ProcessIdentity> self();
  std::string to_json() const;
  // kCorruption when `text` is not what to_json() writes.
  static Result<ProcessIdentity> from_json(const std::string& text);
};

// Whether the process `id` names still runs (and is not a zombie), when this process
// can tell: nullopt when it runs on another machine or in another pid namespace.
std::optional<bool> local_process_alive(const ProcessIdentity& id);

// Whether the lease `value` (the GET of BackendKeys::alive(), nullopt when the key is
// absent) vouches for a live backend: present, and naming a process that still runs
// when that can be seen from here. A value that does not parse vouches for nothing.
bool lease_vouches(const std::optional<std::string>& value);

// The backend side: renews the lease from a thread of its own (own Redis connection)
// from construction until destruction, which deletes it (a clean stop is seen at once).
// Redis being away is waited out quietly: the lease lapses, as it should.
class LivenessLease {
 public:
  LivenessLease(const RedisConfig& config, BackendKeys keys);
  ~LivenessLease();
  LivenessLease(const LivenessLease&) = delete;
  LivenessLease& operator=(const LivenessLease&) = delete;

 private:
  void run(RedisConfig config, std::string value);

  BackendKeys keys_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mtg
