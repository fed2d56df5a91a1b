// `mtguard positions [--instance ID] [--json]`: every instance's open positions and
// pending orders as its terminal last reported them (the engine keeps the report in
// Redis; the terminal is the source of truth).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "engine/redis_order_store.h"
#include "overview/operator_tables.h"
#include "util/clock.h"

namespace mtg {
namespace {

int run_positions(const CliContext& ctx, const std::string& only) {
  auto config = ctx.load("positions");
  if (!config) return kExitFailed;
  std::vector<std::string> ids;
  for (const auto& inst : config->instances) {
    if (only.empty() || inst.id == only) ids.push_back(inst.id);
  }
  if (ids.empty()) return fail("positions", Status::not_found("unknown instance " + only));
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail("positions", redis.status());
  RedisOrderStore store(**redis, config->redis.prefix, {});
  auto holdings = store.load_holdings(ids);
  if (!holdings) return fail("positions", holdings.status());
  auto [positions, orders] = holdings_tables(*holdings, SystemClock::instance().now_ms());
  if (ctx.json) {
    nlohmann::json doc{{"positions", positions.json()}, {"orders", orders.json()}};
    std::cout << doc.dump(2) << '\n';
    return kExitOk;
  }
  std::cout << "Positions\n";
  positions.print(std::cout);
  std::cout << "\nPending orders\n";
  orders.print(std::cout);
  const size_t silent = ids.size() - holdings->size();
  if (silent > 0) std::cout << "\n" << silent << " instance(s) have not reported yet.\n";
  return kExitOk;
}

}  // namespace

void add_positions_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("positions", "Open positions and pending orders, as the terminals report them");
  auto only = std::make_shared<std::string>();
  cmd->add_option("--instance", *only, "Only this instance");
  cmd->callback([&ctx, only] { ctx.exit_code = run_positions(ctx, *only); });
}

}  // namespace mtg
