// RedisCluster: commands sent to the master that serves their hash slot on a Redis
// Cluster (Debian's hiredis 0.14 has no cluster client; docs/scale-out.md).
//
// A key's slot is CRC16 (XMODEM) of the text inside its first `{…}` (when that is not
// empty), else of the whole key, modulo 16384 — so the keys of one partition, tagged
// `mtg:{p7}…`, share a slot, and a script or a pipeline may touch them together.
// The slot map comes from CLUSTER SHARDS (Redis 7.0+) of any seed that answers. A reply
// `MOVED <slot> <host:port>` (the slot has a new master) updates the map and the command
// goes there; `ASK <slot> <host:port>` (the slot is being migrated and the key is
// already on the importing node) sends ASKING and the command there, once, leaving the
// map as it is; `TRYAGAIN` (a multi-key command while its keys are split by a
// migration) is tried again after kTryAgainMs. At most kMaxRedirects of those per call.
// A command that ran where it was sent is never sent again: of a pipeline, only the
// commands that came back redirected follow the redirect, in their order.
//
// Errors: like RedisClient's (kInvalidArgument for an error reply, kUnavailable when the
// node cannot be reached: a master that is down fails the calls on its slots, and the
// map is read again at the next call so a failover is found); kInvalidArgument before
// sending anything for keys of more than one slot. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "store/redis/redis_client.h"
#include "store/redis/redis_eval.h"
#include "store/redis/redis_reply.h"
#include "store/redis/redis_script.h"
#include "util/status.h"

namespace mtg {

class RedisCluster final : public RedisEval {
 public:
  static constexpr int kSlots = 16'384;
  static constexpr int kMaxRedirects = 5;
  static constexpr int kTryAgainMs = 50;

  // The hash slot of `key`.
  static int key_slot(std::string_view key);

  // The masters serving each range of slots, read from a CLUSTER SHARDS reply: slot ->
  // "host:port" (empty for a slot no master serves). kCorruption for a reply of another shape.
  using SlotMap = std::array<std::string, kSlots>;
  static Result<SlotMap> parse_shards(const RedisReply& shards);

  // Reads the slot map from the first of `seeds` ("host:port") that answers; `config`
  // gives the timeouts (its host and port are not used). kUnavailable when none answers.
  static Result<std::unique_ptr<RedisCluster>> connect(std::vector<std::string> seeds, const RedisConfig& config);

  // `argv` on the slot of `key` (one of its keys).
  Result<RedisReply> command(std::string_view key, const std::vector<std::string>& argv);
  // The commands, all on the slot of `key`, in one round trip per node they go to; a
  // reply per command, an error reply as a kError element (as RedisClient::pipeline).
  Result<std::vector<RedisReply>> pipeline(std::string_view key, const std::vector<std::vector<std::string>>& commands);
  // A Lua script whose `keys` all lie in one slot (at least one key).
  Result<RedisReply> eval(const RedisScript& script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args) override;

  // The master serving `slot` in the current map, "" when none does.
  const std::string& master_of(int slot) const;
  // Reads the slot map again from any node that answers.
  Status refresh();

 private:
  RedisCluster(std::vector<std::string> seeds, const RedisConfig& config);
  // The connection to `endpoint`, opened on first use.
  Result<RedisClient*> node(const std::string& endpoint);
  // The replies of `commands` (indexes into `all`) sent to the slot's master, following
  // redirects; fills `replies` at those indexes.
  Status route(int slot, const std::vector<std::vector<std::string>>& all, std::vector<RedisReply>& replies);

  std::vector<std::string> seeds_;
  RedisConfig config_;
  SlotMap slots_;
  bool stale_ = false;  // a node failed: read the map again before the next call
  std::map<std::string, std::unique_ptr<RedisClient>> nodes_;
};

}  // namespace mtg
