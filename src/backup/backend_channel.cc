#include "backup/backend_channel.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "crypto/token.h"

namespace mtg::backup {

namespace {
constexpr size_t kRequestIdBytes = 8;
}

Result<bool> BackendChannel::backend_running() {
  auto exists = redis_.command({"EXISTS", heartbeat_key()});
  if (!exists) return exists.status();
  return exists->integer > 0;
}

Status BackendChannel::send(const std::string& verb) {
  const std::string command = verb + " " + crypto::random_hex(kRequestIdBytes);
  auto pushed = redis_.command({"RPUSH", commands_key(), command});
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

Status BackendChannel::request(const std::string& verb, const std::string& arg, int64_t timeout_ms, Wait wait,
                               const std::function<void(int64_t)>& waiting) {
  const std::string id = crypto::random_hex(kRequestIdBytes);
  const std::string command = verb + " " + id + (arg.empty() ? "" : " " + arg);
  auto pushed = redis_.command({"RPUSH", commands_key(), command});
  if (!pushed) return pushed.status().with_context("ask the backend to " + verb);
  for (int64_t elapsed_ms = 0;; elapsed_ms += kBackendReplyPollMs) {
    auto reply = redis_.command({"GET", reply_key(id)});
    if (!reply) return reply.status().with_context("wait for the backend's " + verb + " reply");
    if (!reply->is_nil()) {
      (void)redis_.command({"DEL", reply_key(id)});  // best effort: it expires anyway
      return check_reply(verb, reply->str);
    }
    Status gave_up = Status::ok();
    if (elapsed_ms >= timeout_ms) {
      gave_up = Status::timeout("the backend did not answer " + verb + " within " + std::to_string(timeout_ms / 1000) +
                                " s (is `mtguard backend` running?)");
    } else if (wait == Wait::kReplyOrDeath) {
      auto alive = backend_running();
      if (alive && !*alive) gave_up = Status::unavailable("the backend stopped before it answered " + verb);
    }
    if (!gave_up.is_ok()) {
      // Withdraw the request if the backend has not taken it yet, so it never runs late.
      (void)redis_.command({"LREM", commands_key(), "0", command});
      return gave_up;
    }
    if (waiting) waiting(elapsed_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(kBackendReplyPollMs));
  }
}

}  // namespace mtg::backup
