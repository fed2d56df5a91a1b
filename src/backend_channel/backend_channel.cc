#include "backend_channel/backend_channel.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "backend_channel/backend_liveness.h"
#include "crypto/token.h"
#include "util/check.h"
#include "util/progress.h"

namespace mtg {

namespace {

constexpr size_t kRequestIdBytes = 8;

std::string new_request_id() { return crypto::random_hex(kRequestIdBytes); }

std::optional<std::string> value_of(const RedisReply& get) {
  if (get.is_nil()) return std::nullopt;
  return get.str;
}

}  // namespace

nlohmann::json RefillCount::to_json() const {
  return {{"replayed", replayed}, {"to_replay", to_replay}, {"filled", filled}};
}

std::optional<RefillCount> RefillCount::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  RefillCount count;
  for (auto [name, field] : {std::pair{"replayed", &count.replayed}, std::pair{"to_replay", &count.to_replay},
                             std::pair{"filled", &count.filled}}) {
    const auto value = j.find(name);
    if (value == j.end() || !value->is_number_integer()) return std::nullopt;
    *field = value->get<int64_t>();
  }
  return count;
}

std::string RefillCount::describe(const RefillCount& since, int64_t elapsed_ms) const {
  std::string text = std::to_string(replayed);
  if (to_replay > 0) {
    text += " of about " + std::to_string(to_replay) + " stream entries replayed " +
            percent_and_time_left(replayed, to_replay, replayed - since.replayed, elapsed_ms);
  } else {
    text += " stream entries replayed";
  }
  return text + ", " + std::to_string(filled) + " rows from ClickHouse";
}

Result<bool> BackendChannel::backend_running() {
  auto seen = redis_.pipeline({{"EXISTS", keys_.heartbeat()}, {"GET", keys_.alive()}});
  if (!seen) return seen.status();
  for (const RedisReply& r : *seen) {
    if (r.is_error()) return Status::unavailable("redis " + redis_.endpoint() + ": " + r.str);
  }
  return (*seen)[0].integer > 0 && lease_vouches(value_of((*seen)[1]));
}

Result<BackendHeartbeat> BackendChannel::heartbeat() {
  auto beat = redis_.command({"GET", keys_.heartbeat()});
  if (!beat) return beat.status();
  if (beat->type != RedisReply::Type::kString) return Status::not_found("no backend heartbeat");
  const auto j = nlohmann::json::parse(beat->str, nullptr, false);
  if (!j.is_object() || !j.contains("duckdb_version") || !j["duckdb_version"].is_string()) {
    return Status::corruption("bad backend heartbeat");
  }
  BackendHeartbeat seen;
  seen.duckdb_version = j["duckdb_version"].get<std::string>();
  const auto refill = j.find("refill_pending");  // after a restore, until caught up
  seen.refill_pending = refill != j.end() && refill->is_boolean() && refill->get<bool>();
  if (const auto count = j.find("refill"); seen.refill_pending && count != j.end()) {
    seen.refill = RefillCount::from_json(*count);
  }
  return seen;
}

Status BackendChannel::send(BackendVerb verb) {
  MTG_CHECK(!runs_only_while_awaited(verb));  // those are leased: request()
  const BackendCommand command{verb, takes_request_id(verb) ? new_request_id() : "", ""};
  auto line = format_backend_command(command);
  MTG_CHECK(line.is_ok());  // no path to refuse
  auto pushed = redis_.command({"RPUSH", keys_.commands(), *line});
  return pushed.status();
}

Status BackendChannel::check_reply(BackendVerb verb, const std::string& json_text) {
  const std::string name = verb_name(verb);
  try {
    const nlohmann::json reply = nlohmann::json::parse(json_text);
    if (reply.at("ok").get<bool>()) return Status::ok();
    return Status::precondition("backend refused " + name + ": " +
                                reply.value("error", std::string("no reason")));
  } catch (const nlohmann::json::exception& e) {
    return Status::corruption("backend reply to " + name + " is not JSON {\"ok\":…}: " + e.what());
  }
}

Result<BackendChannel::Poll> BackendChannel::poll(const std::string& id, const std::string& command) {
  auto replies = redis_.pipeline({{"GET", keys_.reply(id)},
                                  {"PEXPIRE", keys_.lease(id), std::to_string(kRequestLeaseMs)},
                                  {"GET", keys_.lease(id)},
                                  {"LPOS", keys_.commands(), command},
                                  {"EXISTS", keys_.heartbeat()},
                                  {"GET", keys_.alive()}});
  if (!replies) return replies.status();
  for (const RedisReply& r : *replies) {
    if (r.is_error()) return Status::unavailable("redis " + redis_.endpoint() + ": " + r.str);
  }
  const std::vector<RedisReply>& r = *replies;
  Poll seen;
  if (!r[0].is_nil()) seen.reply = r[0].str;
  seen.lease_renewed = r[1].integer == 1;
  seen.taken = r[2].str == "taken";
  seen.queued = !r[3].is_nil();
  seen.heartbeat = r[4].integer > 0;
  seen.process_alive = lease_vouches(value_of(r[5]));
  return seen;
}

Status BackendChannel::request(BackendVerb verb, const std::string& path, int64_t timeout_ms, Wait wait,
                               const std::function<void(int64_t)>& waiting) {
  MTG_CHECK(takes_request_id(verb));  // the reply is keyed by it
  MTG_CHECK(timeout_ms > 0);
  const std::string name = verb_name(verb);
  const std::string id = new_request_id();
  auto line = format_backend_command({verb, id, path});
  if (!line) return line.status().with_context("ask the backend to " + name);
  const std::string& command = *line;
  auto sent = redis_.pipeline({{"SET", keys_.lease(id), "queued", "PX", std::to_string(kRequestLeaseMs)},
                               {"RPUSH", keys_.commands(), command}});
  Status pushed = sent.status();
  if (sent && (*sent)[1].is_error()) pushed = Status::unavailable("redis " + redis_.endpoint() + ": " + (*sent)[1].str);
  if (!pushed.is_ok()) return pushed.with_context("ask the backend to " + name);
  const int64_t start_ms = clock_.steady_ms();
  int64_t heard_ms = 0;  // when Redis last answered a poll (since start_ms)
  int lost_polls = 0;    // polls in a row that found the command neither queued nor taken
  for (;;) {
    auto seen = poll(id, command);
    const int64_t elapsed_ms = clock_.steady_ms() - start_ms;
    if (seen && seen->reply) {
      (void)redis_.command({"DEL", keys_.reply(id), keys_.lease(id)});  // best effort: both expire anyway
      return check_reply(verb, *seen->reply);
    }
    if (seen) heard_ms = elapsed_ms;
    // Two polls apart, so that a command the backend has just popped counts as taken.
    lost_polls = seen && seen->lease_renewed && !seen->queued && !seen->taken ? lost_polls + 1 : 0;
    Status gave_up = Status::ok();
    if (elapsed_ms >= timeout_ms) {
      gave_up = Status::timeout("the backend did not answer " + name + " within " +
                                std::to_string(timeout_ms / 1000) + " s (is `mtguard backend` running?)");
    } else if (!seen && elapsed_ms - heard_ms >= kRequestLeaseMs) {
      gave_up = seen.status().with_context("Redis unreachable for " + std::to_string(kRequestLeaseMs / 1000) +
                                           " s while waiting for the backend's " + name + " reply");
    } else if (seen && (!seen->lease_renewed || lost_polls >= 2)) {
      gave_up = Status::unavailable("Redis lost the " + name + " request (restarted?)");
    } else if (seen && !seen->process_alive) {
      gave_up = Status::unavailable("the backend's process is gone (no live lease) before it answered " + name);
    } else if (seen && wait == Wait::kReplyOrDeath && !seen->heartbeat) {
      gave_up = Status::unavailable("the backend stopped before it answered " + name);
    }
    if (!gave_up.is_ok()) {
      // Withdraw the request if the backend has not taken it yet; with Redis down, the
      // backend drops it once its lease lapses.
      (void)redis_.pipeline({{"LREM", keys_.commands(), "0", command}, {"DEL", keys_.lease(id)}});
      return gave_up;
    }
    if (waiting) waiting(elapsed_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(kBackendReplyPollMs));
  }
}

}  // namespace mtg
