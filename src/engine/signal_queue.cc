#include "engine/signal_queue.h"

#include "util/check.h"

namespace mtg {
namespace {

// Parses one XREADGROUP reply: [[stream, [[id, [field, value, ...]], ...]]].
std::vector<RtssEntry> parse_entries(const RedisReply& reply) {
  std::vector<RtssEntry> entries;
  if (reply.type != RedisReply::Type::kArray || reply.elements.empty()) return entries;
  const RedisReply& stream = reply.elements[0];
  if (stream.elements.size() < 2) return entries;
  for (const RedisReply& e : stream.elements[1].elements) {
    if (e.elements.empty()) continue;
    RtssEntry entry;
    entry.stream_id = e.elements[0].str;
    entry.has_payload = false;
    // A pending entry trimmed from the stream comes back with nil fields.
    if (e.elements.size() > 1 && e.elements[1].type == RedisReply::Type::kArray) {
      const auto& f = e.elements[1].elements;
      for (size_t i = 0; i + 1 < f.size(); i += 2) {
        if (f[i].str == "signal") {
          entry.payload = f[i + 1].str;
          entry.has_payload = true;
        }
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// "1700000000000-5" -> {1700000000000, 5}
std::pair<uint64_t, uint64_t> parse_id(const std::string& id) {
  const auto dash = id.find('-');
  if (dash == std::string::npos) return {std::stoull(id), 0};
  return {std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1))};
}

}  // namespace

SignalQueue::SignalQueue(RedisClient& redis, std::string prefix, std::string consumer)
    : redis_(redis), keys_{std::move(prefix)}, consumer_(std::move(consumer)) {
  MTG_CHECK(!consumer_.empty());
}

Status SignalQueue::ensure_group() {
  auto r = redis_.command({"XGROUP", "CREATE", keys_.rtss(), RedisKeys::kEngineGroup, "0", "MKSTREAM"});
  if (!r && r.status().message().find("BUSYGROUP") == std::string::npos) return r.status();
  return Status::ok();
}

Result<std::vector<RtssEntry>> SignalQueue::read(int max, int block_ms, const std::string& from_id) {
  MTG_CHECK(max > 0);
  MTG_CHECK(max <= kMaxEntriesPerRead);

  std::vector<std::string> argv{"XREADGROUP", "GROUP", RedisKeys::kEngineGroup, consumer_,
                                "COUNT", std::to_string(max)};
  if (block_ms > 0) {
    argv.push_back("BLOCK");
    argv.push_back(std::to_string(block_ms));
  }
  argv.insert(argv.end(), {"STREAMS", keys_.rtss(), from_id});
  auto reply = redis_.command(argv);
  if (!reply) {
    // The group vanishes when Redis lost the stream (e.g. restored without it): recreate.
    if (reply.status().message().find("NOGROUP") != std::string::npos) {
      MTG_RETURN_IF_ERROR(ensure_group());
    }
    return reply.status();
  }
  return parse_entries(*reply);
}

Result<std::vector<RtssEntry>> SignalQueue::read_new(int max, int block_ms) {
  return read(max, block_ms, ">");
}

Result<std::vector<RtssEntry>> SignalQueue::read_pending(int max, const std::string& after_id) {
  return read(max, 0, after_id);
}

Result<int64_t> SignalQueue::trim_acknowledged() {
  auto groups = redis_.command({"XINFO", "GROUPS", keys_.rtss()});
  if (!groups) return groups.status();
  std::string last_delivered;
  for (const auto& g : groups->elements) {
    bool ours = false;
    std::string delivered;
    for (size_t i = 0; i + 1 < g.elements.size(); i += 2) {
      if (g.elements[i].str == "name") ours = g.elements[i + 1].str == RedisKeys::kEngineGroup;
      if (g.elements[i].str == "last-delivered-id") delivered = g.elements[i + 1].str;
    }
    if (ours) last_delivered = delivered;
  }
  if (last_delivered.empty() || last_delivered == "0-0") return int64_t{0};
  auto pending = redis_.command({"XPENDING", keys_.rtss(), RedisKeys::kEngineGroup});
  if (!pending) return pending.status();
  // Keep everything from the oldest pending entry on; else everything after last delivered.
  std::string min_id;
  if (pending->elements.size() >= 2 && pending->elements[1].type == RedisReply::Type::kString) {
    min_id = pending->elements[1].str;
  } else {
    auto [ms, seq] = parse_id(last_delivered);
    min_id = std::to_string(ms) + "-" + std::to_string(seq + 1);
  }
  auto trimmed = redis_.command({"XTRIM", keys_.rtss(), "MINID", min_id});
  if (!trimmed) return trimmed.status();
  return trimmed->integer;
}

}  // namespace mtg
