#include "backend_channel/backend_channel.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "crypto/token.h"

namespace mtg::backup {

namespace {
constexpr size_t kRequestIdBytes = 8;
}

Result<bool> BackendChannel::backend_running() {
  auto exists = redis_.command({"EXISTS", keys_.heartbeat()});
  if (!exists) return exists.status();
  return exists->integer > 0;
}

Status BackendChannel::send(const std::string& verb) {
  const std::string command = verb + " " + crypto::random_hex(kRequestIdBytes);
  auto pushed = redis_.command({"RPUSH", keys_.commands(), command});
  return pushed.status();
}

Status BackendChannel::check_reply(const std::string& verb, const std::string& json_text) {
  try {
    const nlohmann::json reply = nlohmann::json::parse(json_text);
    if (reply.at("ok").get<bool>()) return Status::ok();
    return Status::precondition("backend refused " + verb + ": " + reply.value("error", std::string("no reason")));
  } catch (const nlohmann::json::exception& e) {
    return Status::corruption("backend reply to " + verb + " is not JSON {\"ok\":…}: " + e.what());
  }
}

Result<BackendChannel::Poll> BackendChannel::poll(const std::string& id, const std::string& command) {
  auto replies = redis_.pipeline({{"GET", keys_.reply(id)},
                                  {"PEXPIRE", keys_.lease(id), std::to_string(kRequestLeaseMs)},
                                  {"GET", keys_.lease(id)},
                                  {"LPOS", keys_.commands(), command},
                                  {"EXISTS", keys_.heartbeat()}});
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
  seen.backend_alive = r[4].integer > 0;
  return seen;
}

Status BackendChannel::request(const std::string& verb, const std::string& arg, int64_t timeout_ms, Wait wait,
                               const std::function<void(int64_t)>& waiting) {
  const std::string id = crypto::random_hex(kRequestIdBytes);
  const std::string command = verb + " " + id + (arg.empty() ? "" : " " + arg);
  auto sent = redis_.pipeline({{"SET", keys_.lease(id), "queued", "PX", std::to_string(kRequestLeaseMs)},
                               {"RPUSH", keys_.commands(), command}});
  Status pushed = sent.status();
  if (sent && (*sent)[1].is_error()) pushed = Status::unavailable("redis " + redis_.endpoint() + ": " + (*sent)[1].str);
  if (!pushed.is_ok()) return pushed.with_context("ask the backend to " + verb);
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
      gave_up = Status::timeout("the backend did not answer " + verb + " within " + std::to_string(timeout_ms / 1000) +
                                " s (is `mtguard backend` running?)");
    } else if (!seen && elapsed_ms - heard_ms >= kRequestLeaseMs) {
      gave_up = seen.status().with_context("Redis unreachable for " + std::to_string(kRequestLeaseMs / 1000) +
                                           " s while waiting for the backend's " + verb + " reply");
    } else if (seen && (!seen->lease_renewed || lost_polls >= 2)) {
      gave_up = Status::unavailable("Redis lost the " + verb + " request (restarted?)");
    } else if (seen && wait == Wait::kReplyOrDeath && !seen->backend_alive) {
      gave_up = Status::unavailable("the backend stopped before it answered " + verb);
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

}  // namespace mtg::backup
