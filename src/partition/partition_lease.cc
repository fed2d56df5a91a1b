#include "partition/partition_lease.h"

#include <utility>

#include "util/check.h"

namespace mtg {
namespace {

// KEYS: lease, epoch. ARGV: owner, ttl_ms. The epoch held, 0 when another owner holds it.
const RedisScript kAcquire(R"lua(
local held = redis.call('GET', KEYS[1])
if held then
  local owner, epoch = string.match(held, '^(.*) (%d+)$')
  if owner == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(epoch)
  end
  return 0
end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. epoch, 'PX', ARGV[2])
return epoch
)lua");

// KEYS: lease. ARGV: token, ttl_ms. 1 when extended, 0 when the lease is not the token's.
const RedisScript kRenew(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
)lua");

// KEYS: lease. ARGV: token. 1 when deleted, 0 when the lease is not the token's.
const RedisScript kRelease(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
)lua");

}  // namespace

PartitionLease::PartitionLease(RedisEval& redis, const Clock& clock, PartitionKeys keys, std::string owner,
                               int64_t ttl_ms)
    : redis_(redis), clock_(clock), keys_(std::move(keys)), owner_(std::move(owner)), ttl_ms_(ttl_ms) {
  MTG_CHECK(ttl_ms_ > 0);
  MTG_CHECK(!owner_.empty() && owner_.find(' ') == std::string::npos);
}

std::string PartitionLease::token(int64_t epoch) const { return owner_ + " " + std::to_string(epoch); }

LeaseGrant PartitionLease::grant(int64_t epoch, int64_t sent_steady_ms) const {
  MTG_CHECK(epoch > 0);
  return {epoch, sent_steady_ms + ttl_ms_ - ttl_ms_ / kMarginDivisor};
}

Result<std::optional<LeaseGrant>> PartitionLease::acquire() {
  const int64_t sent = clock_.steady_ms();
  auto held = redis_.eval(kAcquire, {keys_.lease(), keys_.epoch()}, {owner_, std::to_string(ttl_ms_)});
  if (!held) return held.status();
  if (held->type != RedisReply::Type::kInteger || held->integer < 0) {
    return Status::corruption("partition " + std::to_string(keys_.partition()) + " lease: " + held->debug_string());
  }
  if (held->integer == 0) return std::optional<LeaseGrant>();
  return std::optional<LeaseGrant>(grant(held->integer, sent));
}

Result<LeaseGrant> PartitionLease::renew(int64_t epoch) {
  const int64_t sent = clock_.steady_ms();
  auto renewed = redis_.eval(kRenew, {keys_.lease()}, {token(epoch), std::to_string(ttl_ms_)});
  if (!renewed) return renewed.status();
  if (renewed->integer != 1) {
    return Status::precondition("partition " + std::to_string(keys_.partition()) + ": lease of epoch " +
                                       std::to_string(epoch) + " lost");
  }
  return grant(epoch, sent);
}

Status PartitionLease::release(int64_t epoch) {
  auto released = redis_.eval(kRelease, {keys_.lease()}, {token(epoch)});
  if (!released) return released.status();
  if (released->integer != 1) {
    return Status::precondition("partition " + std::to_string(keys_.partition()) + ": lease of epoch " +
                                       std::to_string(epoch) + " was not held");
  }
  return Status::ok();
}

}  // namespace mtg
