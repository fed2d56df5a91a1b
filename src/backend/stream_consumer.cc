#include "backend/stream_consumer.h"

#include <algorithm>
#include <utility>

#include "util/check.h"

namespace mtg {
namespace {

using StreamId = std::pair<uint64_t, uint64_t>;

// "1700000000000-5" -> {1700000000000, 5}; a malformed id -> {0, 0}.
StreamId parse_id(const std::string& id) {
  try {
    const auto dash = id.find('-');
    if (dash == std::string::npos) return {std::stoull(id), 0};
    return {std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1))};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

std::string format_id(StreamId id) { return std::to_string(id.first) + "-" + std::to_string(id.second); }

}  // namespace

StreamConsumer::StreamConsumer(RedisClient& redis, std::string stream, std::string field)
    : redis_(redis), stream_(std::move(stream)), field_(std::move(field)) {
  MTG_CHECK(!stream_.empty());
  MTG_CHECK(!field_.empty());
}

Result<bool> StreamConsumer::stream_exists() {
  auto r = redis_.command({"EXISTS", stream_});
  if (!r) return r.status();
  return r->integer == 1;
}

Status StreamConsumer::ensure_group() {
  auto r = redis_.command({"XGROUP", "CREATE", stream_, RedisKeys::kBackendGroup, "0", "MKSTREAM"});
  if (!r && r.status().message().find("BUSYGROUP") == std::string::npos) return r.status();
  return Status::ok();
}

Result<std::vector<StreamEntry>> StreamConsumer::range_after(int max, const std::string& after_id,
                                                             const std::string& through_id) {
  MTG_CHECK(max > 0);
  MTG_CHECK(max <= kMaxEntriesPerRead);
  auto reply = redis_.command({"XRANGE", stream_, "(" + after_id, through_id, "COUNT", std::to_string(max)});
  if (!reply) return reply.status();
  std::vector<StreamEntry> entries;
  for (const RedisReply& e : reply->elements) entries.push_back(parse_stream_entry(e, field_));
  MTG_CHECK(entries.size() <= static_cast<size_t>(max));
  return entries;
}

Result<std::vector<StreamEntry>> StreamConsumer::read(int max, int block_ms, const std::string& from_id) {
  MTG_CHECK(max > 0);
  MTG_CHECK(max <= kMaxEntriesPerRead);
  MTG_CHECK(block_ms >= 0);
  std::vector<std::string> argv{"XREADGROUP",  "GROUP", RedisKeys::kBackendGroup,
                                kConsumerName, "COUNT", std::to_string(max)};
  if (block_ms > 0) argv.insert(argv.end(), {"BLOCK", std::to_string(block_ms)});
  argv.insert(argv.end(), {"STREAMS", stream_, from_id});
  auto reply = redis_.command(argv);
  if (!reply) {
    // The group vanishes when Redis lost the stream: recreate it, the caller retries.
    if (reply.status().message().find("NOGROUP") != std::string::npos) MTG_RETURN_IF_ERROR(ensure_group());
    return reply.status();
  }
  std::vector<StreamEntry> entries;
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) return entries;
  const RedisReply& stream = reply->elements[0];
  if (stream.elements.size() < 2) return entries;
  for (const RedisReply& e : stream.elements[1].elements) entries.push_back(parse_stream_entry(e, field_));
  MTG_CHECK(entries.size() <= static_cast<size_t>(max));
  return entries;
}

Result<std::vector<StreamEntry>> StreamConsumer::read_pending(int max, const std::string& after_id) {
  return read(max, 0, after_id);
}

Result<std::vector<StreamEntry>> StreamConsumer::read_new(int max, int block_ms) {
  return read(max, block_ms, ">");
}

Status StreamConsumer::ack(const std::vector<std::string>& ids) {
  MTG_CHECK(ids.size() <= static_cast<size_t>(kMaxEntriesPerRead));
  if (ids.empty()) return Status::ok();
  std::vector<std::string> argv{"XACK", stream_, RedisKeys::kBackendGroup};
  argv.insert(argv.end(), ids.begin(), ids.end());
  return redis_.command(argv).status();
}

Result<StreamGroupInfo> StreamConsumer::group_info() {
  return stream_group_info(redis_, stream_, RedisKeys::kBackendGroup);
}

Result<int64_t> StreamConsumer::delivered_held() {
  auto info = group_info();
  if (!info) return info.status();
  if (info->lag < 0) return Status::unavailable("redis cannot tell the lag of " + stream_);
  auto length = redis_.command({"XLEN", stream_});
  if (!length) return length.status();
  return std::max<int64_t>(0, length->integer - info->lag);
}

Result<int64_t> StreamConsumer::trim(int64_t retain_ms, int64_t now_ms,
                                     const std::optional<std::string>& keep_after) {
  MTG_CHECK(retain_ms >= 0);
  auto info = group_info();
  if (!info) return info.status();
  // Keep every entry not delivered yet, every pending one, and the retained tail.
  StreamId min_id = parse_id(info->last_delivered_id);
  min_id.second += 1;
  auto pending = redis_.command({"XPENDING", stream_, RedisKeys::kBackendGroup});
  if (!pending) return pending.status();
  if (pending->elements.size() >= 2 && pending->elements[1].type == RedisReply::Type::kString) {
    min_id = std::min(min_id, parse_id(pending->elements[1].str));
  }
  min_id = std::min(min_id, StreamId{static_cast<uint64_t>(std::max<int64_t>(0, now_ms - retain_ms)), 0});
  if (keep_after) {
    StreamId first_kept = parse_id(*keep_after);
    first_kept.second += 1;
    min_id = std::min(min_id, first_kept);
  }
  if (min_id == StreamId{0, 0}) return int64_t{0};
  auto trimmed = redis_.command({"XTRIM", stream_, "MINID", format_id(min_id)});
  if (!trimmed) return trimmed.status();
  return trimmed->integer;
}

}  // namespace mtg
