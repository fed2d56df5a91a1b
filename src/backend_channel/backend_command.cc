#include "backend_channel/backend_command.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "util/check.h"

namespace mtg {
namespace {

constexpr size_t kMaxCommandBytes = 64 + kMaxRequestIdBytes + kMaxCommandPathBytes;

bool takes_path(BackendVerb verb) {
  return verb == BackendVerb::kSnapshot || verb == BackendVerb::kRestoreDuckdb;
}

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

const char* verb_name(BackendVerb verb) {
  switch (verb) {
    case BackendVerb::kResume: return "resume";
    case BackendVerb::kSnapshot: return "snapshot";
    case BackendVerb::kRestoreDuckdb: return "restore-duckdb";
    case BackendVerb::kReconcileRedis: return "reconcile-redis";
  }
  MTG_CHECK_MSG(false, "bad BackendVerb");
}

Result<BackendVerb> parse_verb(std::string_view word) {
  for (BackendVerb verb : kBackendVerbs) {
    if (word == verb_name(verb)) return verb;
  }
  return Status::invalid("unknown command '" + std::string(word.substr(0, 32)) + "'");
}

Result<BackendCommand> parse_backend_command(const std::string& line) {
  if (line.size() > kMaxCommandBytes) return Status::invalid("command longer than " + std::to_string(kMaxCommandBytes));
  std::string rest = line;
  const std::string word = next_word(rest);
  auto verb = parse_verb(word);
  if (!verb) return verb.status();
  BackendCommand c;
  c.verb = *verb;
  if (!takes_request_id(c.verb)) {
    if (!rest.empty()) return Status::invalid(word + " takes no arguments");
    return c;
  }
  c.request_id = next_word(rest);
  if (!valid_id(c.request_id)) return Status::invalid(word + ": request id must be 1..64 hex digits");
  if (!takes_path(c.verb)) {
    if (!rest.empty()) return Status::invalid(word + " takes only a request id");
    return c;
  }
  c.path = rest;
  MTG_RETURN_IF_ERROR(check_path(c.path).with_context(word));
  return c;
}

Result<std::string> format_backend_command(const BackendCommand& command) {
  const std::string verb = verb_name(command.verb);
  if (takes_request_id(command.verb)) {
    MTG_CHECK_MSG(valid_id(command.request_id), "a request id is 1..64 hex digits");
  } else {
    MTG_CHECK(command.request_id.empty());
  }
  if (takes_path(command.verb)) {
    MTG_RETURN_IF_ERROR(check_path(command.path).with_context(verb));
  } else {
    MTG_CHECK(command.path.empty());
  }
  std::string line = verb;
  if (!command.request_id.empty()) line += " " + command.request_id;
  if (!command.path.empty()) line += " " + command.path;
  const Result<BackendCommand> read_back = parse_backend_command(line);
  MTG_CHECK(read_back.is_ok());
  MTG_CHECK(*read_back == command);
  return line;
}

bool takes_request_id(BackendVerb verb) { return verb != BackendVerb::kResume; }

bool runs_only_while_awaited(BackendVerb verb) {
  return takes_path(verb);  // the commands that touch the database file, named by their path
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
