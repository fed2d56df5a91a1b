#include "store/redis/redis_stream.h"

#include <charconv>

#include "util/check.h"

namespace mtg {

std::optional<int64_t> stream_id_ms(std::string_view id) {
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  int64_t ms = 0;
  const char* end = id.data() + dash;
  auto [at, ec] = std::from_chars(id.data(), end, ms);
  if (ec != std::errc() || at != end || ms < 0) return std::nullopt;
  uint64_t seq = 0;
  const char* tail = id.data() + id.size();
  auto [seq_at, seq_ec] = std::from_chars(end + 1, tail, seq);
  if (seq_ec != std::errc() || seq_at != tail) return std::nullopt;
  return ms;
}

StreamEntry parse_stream_entry(const RedisReply& e, const std::string& field) {
  StreamEntry entry;
  entry.stream_id = e.elements.empty() ? "" : e.elements[0].str;
  // A pending entry trimmed from the stream comes back with nil fields.
  if (e.elements.size() < 2 || e.elements[1].type != RedisReply::Type::kArray) return entry;
  const auto& fields = e.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].str == field) entry.payload = fields[i + 1].str;
  }
  return entry;
}

Result<std::vector<StreamEntry>> latest_stream_entries(RedisClient& redis, const std::string& stream,
                                                       const std::string& field, int count) {
  MTG_CHECK(count > 0);
  MTG_CHECK(count <= kMaxLatestEntries);
  auto reply = redis.command({"XREVRANGE", stream, "+", "-", "COUNT", std::to_string(count)});
  if (!reply) return reply.status();
  std::vector<StreamEntry> entries;
  for (const RedisReply& e : reply->elements) entries.push_back(parse_stream_entry(e, field));
  MTG_CHECK(entries.size() <= static_cast<size_t>(count));
  return entries;
}

Result<StreamGroupInfo> stream_group_info(RedisClient& redis, const std::string& stream,
                                          const std::string& group) {
  MTG_CHECK(!stream.empty());
  MTG_CHECK(!group.empty());
  auto groups = redis.command({"XINFO", "GROUPS", stream});
  if (!groups) return groups.status();
  for (const auto& g : groups->elements) {
    bool ours = false;
    StreamGroupInfo info;
    for (size_t i = 0; i + 1 < g.elements.size(); i += 2) {
      const std::string& key = g.elements[i].str;
      const RedisReply& value = g.elements[i + 1];
      if (key == "name") ours = value.str == group;
      if (key == "last-delivered-id") info.last_delivered_id = value.str;
      if (key == "pending") info.pending = value.integer;
      if (key == "lag" && value.type == RedisReply::Type::kInteger) info.lag = value.integer;
    }
    if (ours && !info.last_delivered_id.empty()) return info;
  }
  return Status::not_found(stream + ": no consumer group " + group);
}

}  // namespace mtg
