#include "store/redis/redis_cluster.h"

#include <charconv>
#include <chrono>
#include <thread>
#include <utility>

#include "util/check.h"

namespace mtg {
namespace {

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as the Redis Cluster
// specification names it.
uint16_t crc16(std::string_view bytes) {
  uint16_t crc = 0;
  for (unsigned char byte : bytes) {
    crc = static_cast<uint16_t>(crc ^ (byte << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

// What hashes of `key`: the text inside its first `{…}` when that is not empty.
std::string_view hashed_part(std::string_view key) {
  const size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  const size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

// A reply that sends the command elsewhere.
struct Redirect {
  enum class Kind { kNone, kMoved, kAsk, kTryAgain };
  Kind kind = Kind::kNone;
  int slot = -1;
  std::string endpoint;  // "host:port" (kMoved, kAsk)
};

// "MOVED 3999 127.0.0.1:6381", "ASK 3999 127.0.0.1:6381", "TRYAGAIN …".
Redirect redirect_of(const RedisReply& reply) {
  Redirect r;
  if (!reply.is_error()) return r;
  const std::string kind = reply.error_kind();
  if (kind == "TRYAGAIN") {
    r.kind = Redirect::Kind::kTryAgain;
    return r;
  }
  if (kind != "MOVED" && kind != "ASK") return r;
  const size_t slot_at = kind.size() + 1;
  const size_t endpoint_at = reply.str.find(' ', slot_at);
  int slot = -1;
  const char* first = reply.str.data() + slot_at;
  const char* last = reply.str.data() + (endpoint_at == std::string::npos ? slot_at : endpoint_at);
  const auto [end, ec] = std::from_chars(first, last, slot);
  if (endpoint_at == std::string::npos || ec != std::errc() || end != last || slot < 0 ||
      slot >= RedisCluster::kSlots) {
    return r;  // not a redirect Redis sends: left as the error it is
  }
  r.kind = kind == "MOVED" ? Redirect::Kind::kMoved : Redirect::Kind::kAsk;
  r.slot = slot;
  r.endpoint = reply.str.substr(endpoint_at + 1);
  return r;
}

// The value of `name` in a map sent as a flat array (RESP2: name, value, name, value…).
const RedisReply* field(const RedisReply& map, std::string_view name) {
  if (map.type != RedisReply::Type::kArray) return nullptr;
  for (size_t i = 0; i + 1 < map.elements.size(); i += 2) {
    if (map.elements[i].str == name) return &map.elements[i + 1];
  }
  return nullptr;
}

Result<std::pair<std::string, int>> split_endpoint(const std::string& endpoint) {
  const size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::invalid("redis cluster: bad node address " + endpoint);
  int port = 0;
  const char* last = endpoint.data() + endpoint.size();
  const auto [end, ec] = std::from_chars(endpoint.data() + colon + 1, last, port);
  if (ec != std::errc() || end != last || port <= 0 || port > 65'535) {
    return Status::invalid("redis cluster: bad node address " + endpoint);
  }
  return std::pair{endpoint.substr(0, colon), port};
}

// The master of one CLUSTER SHARDS shard as "host:port", "" when it has none.
Result<std::string> shard_master(const RedisReply& nodes) {
  if (nodes.type != RedisReply::Type::kArray) return Status::corruption("CLUSTER SHARDS: nodes is not an array");
  for (const RedisReply& node : nodes.elements) {
    const RedisReply* role = field(node, "role");
    const RedisReply* ip = field(node, "ip");
    const RedisReply* port = field(node, "port");
    if (role == nullptr || ip == nullptr || port == nullptr || port->type != RedisReply::Type::kInteger) {
      return Status::corruption("CLUSTER SHARDS: a node without role, ip or port: " + node.debug_string());
    }
    if (role->str == "master") return ip->str + ":" + std::to_string(port->integer);
  }
  return std::string();
}

}  // namespace

int RedisCluster::key_slot(std::string_view key) { return crc16(hashed_part(key)) % kSlots; }

Result<RedisCluster::SlotMap> RedisCluster::parse_shards(const RedisReply& shards) {
  if (shards.type != RedisReply::Type::kArray) return Status::corruption("CLUSTER SHARDS: not an array");
  SlotMap map;
  for (const RedisReply& shard : shards.elements) {
    const RedisReply* slots = field(shard, "slots");
    const RedisReply* nodes = field(shard, "nodes");
    if (slots == nullptr || nodes == nullptr || slots->type != RedisReply::Type::kArray ||
        slots->elements.size() % 2 != 0) {
      return Status::corruption("CLUSTER SHARDS: a shard without slots or nodes: " + shard.debug_string());
    }
    auto master = shard_master(*nodes);
    if (!master) return master.status();
    for (size_t i = 0; i < slots->elements.size(); i += 2) {
      const int64_t first = slots->elements[i].integer;
      const int64_t last = slots->elements[i + 1].integer;
      if (first < 0 || last < first || last >= kSlots) {
        return Status::corruption("CLUSTER SHARDS: slots " + std::to_string(first) + "-" + std::to_string(last));
      }
      for (int64_t slot = first; slot <= last; ++slot) map[static_cast<size_t>(slot)] = *master;
    }
  }
  return map;
}

RedisCluster::RedisCluster(std::vector<std::string> seeds, const RedisConfig& config)
    : seeds_(std::move(seeds)), config_(config) {}

Result<std::unique_ptr<RedisCluster>> RedisCluster::connect(std::vector<std::string> seeds, const RedisConfig& config) {
  if (seeds.empty()) return Status::invalid("redis cluster: no seed nodes");
  for (const std::string& seed : seeds) MTG_RETURN_IF_ERROR(split_endpoint(seed).status());
  std::unique_ptr<RedisCluster> cluster(new RedisCluster(std::move(seeds), config));
  MTG_RETURN_IF_ERROR(cluster->refresh());
  return cluster;
}

Result<RedisClient*> RedisCluster::node(const std::string& endpoint) {
  auto known = nodes_.find(endpoint);
  if (known != nodes_.end()) return known->second.get();
  auto where = split_endpoint(endpoint);
  if (!where) return where.status();
  RedisConfig config = config_;
  config.host = where->first;
  config.port = where->second;
  auto client = RedisClient::create(config);  // connects on its first call
  if (!client) return client.status();
  RedisClient* raw = client->get();
  nodes_.emplace(endpoint, std::move(client).value());
  return raw;
}

Status RedisCluster::refresh() {
  // The masters of the map first (they know the newest), then the seeds.
  std::vector<std::string> asked;
  for (const std::string& endpoint : slots_) {
    if (!endpoint.empty() && (asked.empty() || asked.back() != endpoint)) asked.push_back(endpoint);
  }
  asked.insert(asked.end(), seeds_.begin(), seeds_.end());
  std::string errors;
  for (const std::string& endpoint : asked) {
    auto client = node(endpoint);
    auto shards = client ? (*client)->command({"CLUSTER", "SHARDS"}) : Result<RedisReply>(client.status());
    auto map = shards ? parse_shards(*shards) : Result<SlotMap>(shards.status());
    if (map) {
      slots_ = std::move(map).value();
      stale_ = false;
      return Status::ok();
    }
    errors += (errors.empty() ? "" : "; ") + map.status().to_string();
  }
  return Status::unavailable("redis cluster: no node gave the slot map: " + errors);
}

const std::string& RedisCluster::master_of(int slot) const {
  MTG_CHECK(slot >= 0 && slot < kSlots);
  return slots_[static_cast<size_t>(slot)];
}

Status RedisCluster::route(int slot, const std::vector<std::vector<std::string>>& all, std::vector<RedisReply>& replies) {
  MTG_CHECK(replies.size() == all.size());
  if (stale_) (void)refresh();  // a node failed last time: a failover may have moved its slots
  std::vector<size_t> todo(all.size());
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::string target = master_of(slot);
  bool asking = false;
  for (int hop = 0;; ++hop) {
    if (target.empty()) return Status::unavailable("redis cluster: no master serves slot " + std::to_string(slot));
    auto client = node(target);
    if (!client) return client.status();
    std::vector<std::vector<std::string>> batch;
    if (asking) batch.push_back({"ASKING"});
    for (size_t i : todo) batch.push_back(all[i]);
    auto got = (*client)->pipeline(batch);
    if (!got) {
      stale_ = true;
      return got.status();
    }
    MTG_CHECK(got->size() == batch.size());
    const size_t offset = asking ? 1 : 0;
    std::vector<size_t> redirected;
    Redirect next;
    for (size_t k = 0; k < todo.size(); ++k) {
      RedisReply& reply = (*got)[offset + k];
      const Redirect r = redirect_of(reply);
      if (r.kind == Redirect::Kind::kNone) {
        replies[todo[k]] = std::move(reply);
        continue;
      }
      redirected.push_back(todo[k]);
      if (next.kind == Redirect::Kind::kNone) next = r;
    }
    if (redirected.empty()) return Status::ok();
    if (hop >= kMaxRedirects) {
      return Status::unavailable("redis cluster: slot " + std::to_string(slot) + " still redirected after " +
                                 std::to_string(kMaxRedirects) + " hops (last to " + target + ")");
    }
    todo = std::move(redirected);
    asking = next.kind == Redirect::Kind::kAsk;
    switch (next.kind) {
      case Redirect::Kind::kMoved:
        slots_[static_cast<size_t>(next.slot)] = next.endpoint;
        stale_ = true;  // other slots have likely moved too: the whole map at the next call
        target = next.endpoint;
        break;
      case Redirect::Kind::kAsk:
        target = next.endpoint;
        break;
      case Redirect::Kind::kTryAgain:
        std::this_thread::sleep_for(std::chrono::milliseconds(kTryAgainMs));
        target = master_of(slot);
        break;
      case Redirect::Kind::kNone:
        MTG_CHECK_MSG(false, "a redirected command without a redirect");
    }
  }
}

Result<std::vector<RedisReply>> RedisCluster::pipeline(std::string_view key,
                                                       const std::vector<std::vector<std::string>>& commands) {
  if (commands.empty()) return std::vector<RedisReply>{};
  std::vector<RedisReply> replies(commands.size());
  MTG_RETURN_IF_ERROR(route(key_slot(key), commands, replies));
  return replies;
}

Result<RedisReply> RedisCluster::command(std::string_view key, const std::vector<std::string>& argv) {
  const int slot = key_slot(key);
  auto replies = pipeline(key, {argv});
  if (!replies) return replies.status();
  RedisReply reply = std::move(replies->front());
  if (reply.is_error()) return reply_error_status(reply, master_of(slot));
  return reply;
}

Result<RedisReply> RedisCluster::eval(const RedisScript& script, const std::vector<std::string>& keys,
                                      const std::vector<std::string>& args) {
  if (keys.empty()) return Status::invalid("redis cluster: a script needs a key to route it by");
  const int slot = key_slot(keys.front());
  for (const std::string& key : keys) {
    if (key_slot(key) != slot) {
      return Status::invalid("redis cluster: script keys " + keys.front() + " and " + key +
                             " lie in different slots (tag them alike: mtg:{p7}...)");
    }
  }
  std::vector<RedisReply> replies(1);
  MTG_RETURN_IF_ERROR(route(slot, {script.evalsha_argv(keys, args)}, replies));
  if (RedisScript::unknown_to_server(replies.front())) {
    MTG_RETURN_IF_ERROR(route(slot, {script.eval_argv(keys, args)}, replies));
  }
  if (replies.front().is_error()) return reply_error_status(replies.front(), master_of(slot));
  return std::move(replies.front());
}

}  // namespace mtg
