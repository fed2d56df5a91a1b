// `mtguard instance list|enable ID|disable ID`: the instance state (RIS) the engine keeps
// in Redis. `mtguard instance rotate-token ID [--grace-s N]`: a new link token in the
// instance's JSON file; the engine accepts the old one for the grace period (it keeps
// only the old token's SHA-256), so terminals can be switched one by one.
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/command.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "util/clock.h"
#include "util/file_system.h"
#include "engine/operator_command.h"
#include "engine/redis_order_store.h"
#include "keys/redis_keys.h"
#include "overview/operator_tables.h"

namespace mtg {
namespace {

int run_list(const CliContext& ctx) {
  auto config = ctx.load("instance");
  if (!config) return kExitFailed;
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail("instance list", redis.status());
  auto table = instance_table(*config, **redis);
  if (!table) return fail("instance list", table.status());
  table->print(std::cout, ctx.json);
  return kExitOk;
}

// Asks the engine (the owner of RIS) to enable or disable an instance, and waits until
// RIS shows it done.
int run_toggle(const CliContext& ctx, const std::string& id, bool enable) {
  auto config = ctx.load("instance");
  if (!config) return kExitFailed;
  if (config->find_instance(id) == nullptr) {
    return fail("instance", Status::not_found("unknown instance " + id));
  }
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail("instance", redis.status());
  const std::string line = format_operator_command({enable, id});
  auto pushed = (*redis)->command({"RPUSH", RedisKeys{config->redis.prefix}.engine_commands(), line});
  if (!pushed) return fail("instance " + line, pushed.status());
  RedisOrderStore store(**redis, config->redis.prefix, {});
  for (int waited_ms = 0; waited_ms < 10'000; waited_ms += 100) {
    auto states = store.load_instances();
    if (states) {
      for (const auto& s : *states) {
        if (s.id == id && s.enabled == enable) {
          std::cout << "instance " << id << ": " << (enable ? "enabled" : "disabled") << '\n';
          return kExitOk;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return fail("instance " + line, Status::timeout("the engine did not confirm within 10 s (is it running?)"));
}

constexpr size_t kTokenBytes = 32;  // 64 hex characters
constexpr int64_t kMaxGraceS = 30 * 86'400;

// Replaces the instance file's token by a fresh one; the old one's digest and the end of
// its grace period go beside it. The file stays 0600 and is replaced atomically.
Status rotate_token(const InstanceConfig& inst, int64_t now_ms, int64_t grace_s) {
  MTG_CHECK(!inst.source_path.empty());
  std::ifstream in(inst.source_path);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::invalid(inst.source_path + ": not a JSON object");
  doc["previous_token_sha256"] = crypto::sha256_hex(inst.token);
  doc["previous_token_expires_ms"] = now_ms + grace_s * 1000;
  doc["token"] = crypto::random_hex(kTokenBytes);
  const std::string out = doc.dump(2) + "\n";
  auto check = parse_instance(out, inst.source_path);
  if (!check) return check.status();
  MTG_CHECK(check->token != inst.token);
  return replace_durably(inst.source_path, out, 0600);
}

int run_rotate(const CliContext& ctx, const std::string& id, int64_t grace_s) {
  auto config = ctx.load("instance");
  if (!config) return kExitFailed;
  const InstanceConfig* inst = config->find_instance(id);
  if (inst == nullptr) return fail("instance rotate-token", Status::not_found("unknown instance " + id));
  if (grace_s < 0 || grace_s > kMaxGraceS) {
    return fail("instance rotate-token", Status::invalid("--grace-s must be 0.." + std::to_string(kMaxGraceS)));
  }
  const Status rotated = rotate_token(*inst, SystemClock::instance().now_ms(), grace_s);
  if (!rotated.is_ok()) return fail("instance rotate-token " + id, rotated);
  std::cout << "instance " << id << ": a new token is in " << inst->source_path << " (give it to the terminal: the "
            << "EA's Token input); the previous token is accepted for " << grace_s << " s more\n";
  return kExitOk;
}

}  // namespace

void add_instance_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("instance", "instance list | enable ID | disable ID | rotate-token ID");
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "Instance state (RIS)")->callback([&ctx] { ctx.exit_code = run_list(ctx); });
  auto id = std::make_shared<std::string>();
  for (const bool enable : {true, false}) {
    CLI::App* sub = cmd->add_subcommand(enable ? "enable" : "disable",
                                        enable ? "Enable an instance" : "Disable an instance (unsent signals are dropped)");
    sub->add_option("ID", *id, "Instance id")->required();
    sub->callback([&ctx, id, enable] { ctx.exit_code = run_toggle(ctx, *id, enable); });
  }
  auto grace_s = std::make_shared<int64_t>(86'400);
  CLI::App* rotate = cmd->add_subcommand("rotate-token", "A new link token; the old one is accepted for --grace-s");
  rotate->add_option("ID", *id, "Instance id")->required();
  rotate->add_option("--grace-s", *grace_s, "Seconds the previous token stays accepted (default 86400)");
  rotate->callback([&ctx, id, grace_s] { ctx.exit_code = run_rotate(ctx, *id, *grace_s); });
}

}  // namespace mtg
