#include "backend_channel/backend_command.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace mtg {
namespace {

constexpr size_t kMaxCommandBytes = 64 + kMaxRequestIdBytes + kMaxCommandPathBytes;

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxRequestIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

Status check_path(const std::string& path) {
  if (path.empty() || path.front() != '/') return Status::invalid("path must be absolute: '" + path + "'");
  if (path.size() > kMaxCommandPathBytes) return Status::invalid("path longer than 4096 bytes");
  const bool control = std::any_of(path.begin(), path.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
  if (control) return Status::invalid("path holds control characters");
  return Status::ok();
}

// Splits off the first space-separated word of `rest`.
std::string next_word(std::string& rest) {
  const size_t space = rest.find(' ');
  std::string word = rest.substr(0, space);
  rest = space == std::string::npos ? "" : rest.substr(space + 1);
  return word;
}

}  // namespace

Result<BackendCommand> parse_backend_command(const std::string& line) {
  if (line.size() > kMaxCommandBytes) return Status::invalid("command longer than " + std::to_string(kMaxCommandBytes));
  std::string rest = line;
  const std::string verb = next_word(rest);
  BackendCommand c;
  if (verb == "resume") {
    if (!rest.empty()) return Status::invalid("resume takes no arguments");
    return c;
  }
  if (verb == "snapshot") c.kind = BackendCommand::Kind::kSnapshot;
  else if (verb == "restore-duckdb") c.kind = BackendCommand::Kind::kRestoreDuckdb;
  else if (verb == "reconcile-redis") c.kind = BackendCommand::Kind::kReconcileRedis;
  else return Status::invalid("unknown command '" + verb.substr(0, 32) + "'");
  c.request_id = next_word(rest);
  if (!valid_id(c.request_id)) return Status::invalid(verb + ": request id must be 1..64 hex digits");
  if (c.kind == BackendCommand::Kind::kReconcileRedis) {
    if (!rest.empty()) return Status::invalid("reconcile-redis takes only a request id");
    return c;
  }
  c.path = rest;
  MTG_RETURN_IF_ERROR(check_path(c.path).with_context(verb));
  return c;
}

bool runs_only_while_awaited(BackendCommand::Kind kind) {
  return kind == BackendCommand::Kind::kSnapshot || kind == BackendCommand::Kind::kRestoreDuckdb;
}

std::optional<std::string> command_request_id(const std::string& line) {
  std::string rest = line.substr(0, kMaxCommandBytes);
  next_word(rest);
  std::string id = next_word(rest);
  if (!valid_id(id)) return std::nullopt;
  return id;
}

std::string error_reply(const std::string& error) {
  return nlohmann::json{{"ok", false}, {"error", error}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mtg
