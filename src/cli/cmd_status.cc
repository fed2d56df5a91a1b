// `mtguard status`: can we reach every store? One row per store (address, version,
// ok/error), then one row per instance (RIS: enabled, connected, broker, attempts);
// exit 1 when any store is down. --json: {"stores": [...], "instances": [...]}.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "overview/operator_tables.h"
#include "util/check.h"

namespace mtg {
namespace {

int run_status(const CliContext& ctx) {
  auto config = ctx.load("status");
  if (!config) return kExitFailed;
  const auto checks = check_stores(*config);
  bool all_ok = true;
  for (const auto& check : checks) all_ok = all_ok && check.version.is_ok();
  Table stores = store_table(checks);
  MTG_CHECK(stores.rows() == kCheckedStores);  // one row per store of check_stores
  Result<Table> instances = Status::unavailable("redis is down");
  if (auto redis = RedisClient::connect(config->redis)) instances = instance_table(*config, **redis);
  if (ctx.json) {
    nlohmann::json doc = {{"stores", stores.json()},
                          {"instances", instances ? instances->json() : nlohmann::json::array()}};
    MTG_CHECK(doc.at("stores").size() == stores.rows());  // the fields the header comment promises
    MTG_CHECK(doc.at("instances").is_array());

    std::cout << doc.dump(2) << '\n';
  } else {
    stores.print(std::cout);
    std::cout << '\n';
    if (instances) {
      instances->print(std::cout);
    } else {
      std::cout << "instances: unknown (" << instances.status().to_string() << ")\n";
    }
  }
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace

void add_status_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("status", "Check Redis, PostgreSQL, ClickHouse and DuckDB");
  cmd->callback([&ctx] { ctx.exit_code = run_status(ctx); });
}

}  // namespace mtg
