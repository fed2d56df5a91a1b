// PartitionLease: one engine owns a partition at a time (docs/scale-out.md), through a
// lease in Redis with a fencing token (Kleppmann, "How to do distributed locking"):
//   lease:  PartitionKeys::lease()  = "<owner> <epoch>", SET with PX ttl_ms
//   epoch:  PartitionKeys::epoch()  INCR for every new owner, never lowered
// Acquiring takes a free partition and hands out the next epoch; renewing extends the
// lease only while it still names this owner and epoch; releasing deletes it only then.
// Every state-changing script of the partition starts with kFenceGuardLua and so refuses
// the writes of an owner whose lease lapsed or passed to another (Redis checks, not the
// owner's belief). Redis's TTLs are not on a monotonic clock, so the owner does not trust
// them either: it counts its grant valid until `sent + ttl - margin` on its own steady
// clock (`sent` taken before the request left) and stops dispatching after that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keys/redis_keys.h"
#include "store/redis/redis_eval.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg {

// What an owner holds: the epoch it writes with, and until when (steady clock) it may
// act on it.
struct LeaseGrant {
  int64_t epoch = 0;
  int64_t valid_until_steady_ms = 0;
};

// The Lua prologue of a fenced script: KEYS[1] is the partition's lease and ARGV[1] the
// owner's "<owner> <epoch>" (PartitionLease::token); anything else answers the error
// reply "FENCED …" before the script has written a thing.
inline constexpr const char* kFenceGuardLua =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then "
    "return redis.error_reply('FENCED the partition lease is not ' .. ARGV[1]) end\n";

class PartitionLease {
 public:
  // The owner's share of the TTL it keeps for the clocks' drift and the request's flight.
  static constexpr int64_t kMarginDivisor = 5;

  // `redis` and `clock` must outlive the lease. `owner` names one process of one engine
  // (no spaces); `ttl_ms` > 0.
  PartitionLease(RedisEval& redis, const Clock& clock, PartitionKeys keys, std::string owner, int64_t ttl_ms);

  // Takes the partition when nobody holds it (or this owner does already: its epoch
  // again). nullopt while another owner holds it.
  Result<std::optional<LeaseGrant>> acquire();
  // Extends the lease of `epoch`. kFailedPrecondition when it is no longer this owner's
  // (it lapsed, or another owner took it): stop acting on the partition at once.
  Result<LeaseGrant> renew(int64_t epoch);
  // Gives the partition up (a drain): deletes the lease only while it is this owner's.
  Status release(int64_t epoch);

  // "<owner> <epoch>": the token a fenced script takes as ARGV[1].
  std::string token(int64_t epoch) const;
  const PartitionKeys& keys() const { return keys_; }

 private:
  LeaseGrant grant(int64_t epoch, int64_t sent_steady_ms) const;

  RedisEval& redis_;
  const Clock& clock_;
  PartitionKeys keys_;
  std::string owner_;
  int64_t ttl_ms_;
};

}  // namespace mtg
