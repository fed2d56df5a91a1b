// `mtguard instance list`: the instance state (RIS) the engine keeps in Redis.
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/command.h"
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

}  // namespace

void add_instance_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("instance", "instance list | enable ID | disable ID");
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "Instance state (RIS)")->callback([&ctx] { ctx.exit_code = run_list(ctx); });
  auto id = std::make_shared<std::string>();
  for (const bool enable : {true, false}) {
    CLI::App* sub = cmd->add_subcommand(enable ? "enable" : "disable",
                                        enable ? "Enable an instance" : "Disable an instance (unsent signals are dropped)");
    sub->add_option("ID", *id, "Instance id")->required();
    sub->callback([&ctx, id, enable] { ctx.exit_code = run_toggle(ctx, *id, enable); });
  }
}

}  // namespace mtg
