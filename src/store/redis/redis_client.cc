#include "store/redis/redis_client.h"

#include <algorithm>

#include <hiredis/hiredis.h>

#include <sys/time.h>

#include <utility>

#include "util/check.h"

namespace mtg {
namespace {

// hiredis nests at most 7 levels deep; anything deeper is a broken reply.
constexpr int kMaxReplyDepth = 16;

timeval to_timeval(int timeout_ms) {
  MTG_CHECK(timeout_ms > 0);
  timeval tv{};
  tv.tv_sec = timeout_ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>((timeout_ms % 1000) * 1000);
  MTG_CHECK(tv.tv_usec < 1'000'000);
  return tv;
}

RedisReply copy_reply(const redisReply* raw, int depth) {
  MTG_CHECK(raw != nullptr);
  MTG_CHECK_MSG(depth < kMaxReplyDepth, "redis reply nested too deep");
  RedisReply out;
  switch (raw->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(raw->str, raw->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(raw->str, raw->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(raw->str, raw->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = raw->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(raw->elements);
      for (size_t i = 0; i < raw->elements; ++i) {
        out.elements.push_back(copy_reply(raw->element[i], depth + 1));
      }
      MTG_CHECK(out.elements.size() == raw->elements);
      break;
    default:
      out.type = RedisReply::Type::kNil;
      break;
  }
  return out;
}

// Takes ownership of a hiredis reply and returns its deep copy.
RedisReply adopt_reply(void* raw) {
  RedisReply out = copy_reply(static_cast<redisReply*>(raw), 0);
  freeReplyObject(raw);
  return out;
}

// argv/argvlen arrays for hiredis, pointing into `argv` (which must outlive them).
struct ArgvView {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  explicit ArgvView(const std::vector<std::string>& argv) {
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (const auto& arg : argv) {
      ptrs.push_back(arg.data());
      lens.push_back(arg.size());
    }
  }
  int argc() const { return static_cast<int>(ptrs.size()); }
};

Status check_argv(const std::vector<std::string>& argv) {
  if (argv.empty()) return Status::invalid("redis: empty command");
  if (argv.size() > RedisClient::kMaxCommandArgs) {
    return Status::invalid("redis: command " + argv[0] + " has too many arguments (" +
                           std::to_string(argv.size()) + ")");
  }
  return Status::ok();
}

}  // namespace

RedisClient::RedisClient(const RedisConfig& config)
    : config_(config), endpoint_(config.host + ":" + std::to_string(config.port)) {}

RedisClient::~RedisClient() {
  if (context_ != nullptr) redisFree(context_);
}

Result<std::unique_ptr<RedisClient>> RedisClient::create(const RedisConfig& config) {
  if (config.connect_timeout_ms <= 0 || config.command_timeout_ms <= 0) {
    return Status::invalid("redis: timeouts must be positive");
  }
  return std::unique_ptr<RedisClient>(new RedisClient(config));
}

Result<std::unique_ptr<RedisClient>> RedisClient::connect(const RedisConfig& config) {
  auto client = create(config);
  if (!client) return client.status();
  MTG_RETURN_IF_ERROR((*client)->ensure_connected());
  return client;
}

Status RedisClient::ensure_connected() {
  if (context_ != nullptr) return Status::ok();
  redisContext* ctx = redisConnectWithTimeout(config_.host.c_str(), config_.port,
                                              to_timeval(config_.connect_timeout_ms));
  if (ctx == nullptr) return Status::unavailable("redis " + endpoint_ + ": out of memory");
  if (ctx->err != 0) {
    std::string reason = ctx->errstr;
    redisFree(ctx);
    return Status::unavailable("redis " + endpoint_ + ": connect: " + reason);
  }
  if (redisSetTimeout(ctx, to_timeval(config_.command_timeout_ms)) != REDIS_OK) {
    std::string reason = ctx->errstr;
    redisFree(ctx);
    return Status::unavailable("redis " + endpoint_ + ": set timeout: " + reason);
  }
  context_ = ctx;
  return Status::ok();
}

Status RedisClient::drop_connection(const std::string& what) {
  MTG_CHECK(context_ != nullptr);
  std::string reason = context_->err != 0 ? context_->errstr : "no reply";
  if (reason.empty()) reason = "connection lost";
  redisFree(context_);
  context_ = nullptr;
  return Status::unavailable("redis " + endpoint_ + ": " + what + ": " + reason);
}

Result<RedisReply> RedisClient::raw_command(const std::vector<std::string>& argv) {
  MTG_RETURN_IF_ERROR(check_argv(argv));
  MTG_RETURN_IF_ERROR(ensure_connected());
  MTG_CHECK(context_ != nullptr);
  ArgvView view(argv);
  void* raw = redisCommandArgv(context_, view.argc(), view.ptrs.data(), view.lens.data());
  if (raw == nullptr) return drop_connection(argv[0]);
  return adopt_reply(raw);
}

Result<RedisReply> RedisClient::command(const std::vector<std::string>& argv) {
  Result<RedisReply> reply = raw_command(argv);
  if (reply.is_ok() && reply->is_error()) return reply_error_status(*reply, endpoint_);
  return reply;
}

Result<std::vector<RedisReply>> RedisClient::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (commands.size() > kMaxPipelineCommands) {
    return Status::invalid("redis: pipeline of " + std::to_string(commands.size()) +
                           " commands exceeds " + std::to_string(kMaxPipelineCommands));
  }
  for (const auto& argv : commands) MTG_RETURN_IF_ERROR(check_argv(argv));
  MTG_RETURN_IF_ERROR(ensure_connected());
  MTG_CHECK(context_ != nullptr);
  for (const auto& argv : commands) {
    ArgvView view(argv);
    if (redisAppendCommandArgv(context_, view.argc(), view.ptrs.data(), view.lens.data()) !=
        REDIS_OK) {
      return drop_connection("pipeline append");
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      return drop_connection("pipeline reply " + std::to_string(i));
    }
    replies.push_back(adopt_reply(raw));
  }
  MTG_CHECK(replies.size() == commands.size());
  return replies;
}

Result<RedisReply> RedisClient::eval(const RedisScript& script,
                                     const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  Result<RedisReply> reply = raw_command(script.evalsha_argv(keys, args));
  if (reply.is_ok() && script.unknown_to_server(*reply)) reply = raw_command(script.eval_argv(keys, args));
  if (reply.is_ok() && reply->is_error()) return reply_error_status(*reply, endpoint_);
  return reply;
}

Result<std::vector<Result<RedisReply>>> RedisClient::eval_all(const std::vector<ScriptCall>& calls) {
  std::vector<const RedisScript*> scripts;
  for (const auto& c : calls) {
    MTG_CHECK(c.script != nullptr);
    if (std::find(scripts.begin(), scripts.end(), c.script) == scripts.end()) scripts.push_back(c.script);
  }
  std::vector<std::vector<std::string>> commands;
  commands.reserve(scripts.size() + calls.size());
  for (const RedisScript* s : scripts) commands.push_back({"SCRIPT", "LOAD", s->source()});
  for (const auto& c : calls) {
    commands.push_back(c.script->evalsha_argv(c.keys, c.args));
  }
  auto replies = pipeline(commands);
  if (!replies) return replies.status();
  std::vector<Result<RedisReply>> out;
  out.reserve(calls.size());
  for (size_t i = scripts.size(); i < replies->size(); ++i) {
    RedisReply& r = (*replies)[i];
    if (r.is_error()) {
      out.emplace_back(reply_error_status(r, endpoint_));
    } else {
      out.emplace_back(std::move(r));
    }
  }
  MTG_CHECK(out.size() == calls.size());
  return out;
}

Result<std::string> RedisClient::server_version() {
  Result<RedisReply> info = command({"INFO", "server"});
  if (!info.is_ok()) return info.status();
  static const std::string kKey = "redis_version:";
  size_t at = info->str.find(kKey);
  if (at == std::string::npos) {
    return Status::internal("redis " + endpoint_ + ": INFO has no redis_version");
  }
  size_t begin = at + kKey.size();
  size_t end = info->str.find_first_of("\r\n", begin);
  return info->str.substr(begin, end == std::string::npos ? end : end - begin);
}

Status RedisClient::ping() {
  Result<RedisReply> reply = command({"PING"});
  if (!reply.is_ok()) return reply.status();
  if (reply->str != "PONG") {
    return Status::internal("redis " + endpoint_ + ": PING answered " + reply->debug_string());
  }
  return Status::ok();
}

}  // namespace mtg
