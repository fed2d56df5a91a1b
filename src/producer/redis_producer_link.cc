#include "producer/redis_producer_link.h"

#include "keys/redis_keys.h"
#include "store/redis/redis_server_info.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr const char* kMaxResultsPerRead = "1000";

}  // namespace

Result<std::string> RedisProducerLink::server_id() { return server_run_id(redis_); }

Result<std::string> RedisProducerLink::results_tail() {
  auto last = redis_.command({"XREVRANGE", RedisKeys{prefix_}.rtrs(), "+", "-", "COUNT", "1"});
  if (!last) return last.status();
  if (last->elements.empty()) return std::string("0-0");
  return last->elements[0].elements[0].str;
}

Status RedisProducerLink::send(const std::vector<std::string>& payloads) {
  MTG_CHECK(payloads.size() <= RedisClient::kMaxPipelineCommands);
  std::vector<std::vector<std::string>> xadds;
  xadds.reserve(payloads.size());
  const std::string rtss = RedisKeys{prefix_}.rtss();
  for (const std::string& p : payloads) xadds.push_back({"XADD", rtss, "*", "signal", p});
  auto replies = redis_.pipeline(xadds);
  if (!replies) return replies.status();
  for (const RedisReply& r : *replies) {
    if (r.is_error()) return Status::unavailable("redis " + redis_.endpoint() + ": " + r.str);
  }
  return Status::ok();
}

Result<std::vector<StreamResult>> RedisProducerLink::results_after(const std::string& after, int block_ms) {
  auto reply = redis_.command({"XREAD", "COUNT", kMaxResultsPerRead, "BLOCK", std::to_string(block_ms), "STREAMS",
                               RedisKeys{prefix_}.rtrs(), after});
  if (!reply) return reply.status();
  std::vector<StreamResult> results;
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) return results;  // nothing new
  for (const RedisReply& e : reply->elements[0].elements[1].elements) {
    StreamResult r{e.elements[0].str, ""};
    const auto& fields = e.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "result") r.json = fields[i + 1].str;
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace mtg
