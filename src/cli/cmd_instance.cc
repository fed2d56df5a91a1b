// `mtguard instance list`: the instance state (RIS) the engine keeps in Redis.
#include <iostream>

#include "cli/command.h"
#include "cli/table.h"
#include "engine/redis_order_store.h"

namespace mtg {
namespace {

int run_list(const CliContext& ctx) {
  auto config = ctx.load("instance");
  if (!config) return kExitFailed;
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail("instance list", redis.status());
  RedisOrderStore store(**redis, config->redis.prefix, {});
  auto states = store.load_instances();
  if (!states) return fail("instance list", states.status());
  Table table({"instance", "enabled", "connected", "broker", "attempts", "reason"});
  for (const auto& inst : config->instances) {
    InstanceState s;
    s.id = inst.id;
    s.enabled = inst.enabled;
    for (const auto& saved : *states) {
      if (saved.id == inst.id) s = saved;
    }
    table.add({s.id, s.enabled ? "yes" : "no", s.connected ? "yes" : "no",
               s.broker_connected ? "up" : "down", std::to_string(s.attempts), s.reason});
  }
  table.print(std::cout, ctx.json);
  return kExitOk;
}

}  // namespace

void add_instance_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("instance", "instance list | enable ID | disable ID");
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "Instance state (RIS)")->callback([&ctx] { ctx.exit_code = run_list(ctx); });
  for (const char* verb : {"enable", "disable"}) {
    CLI::App* sub = cmd->add_subcommand(verb, std::string(verb) + " an instance (not built yet)");
    sub->allow_extras();
    sub->callback([&ctx, verb] {
      std::cerr << "mtguard instance " << verb << ": not built yet in this version\n";
      ctx.exit_code = kExitUsage;
    });
  }
}

}  // namespace mtg
