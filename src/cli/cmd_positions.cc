// `mtguard positions [--instance ID] [--json]`: every instance's open positions and
// pending orders as its terminal last reported them (the engine keeps the report in
// Redis; the terminal is the source of truth).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/table.h"
#include "engine/redis_order_store.h"
#include "util/clock.h"

namespace mtg {
namespace {

std::string price_text(double price) { return price > 0 ? fmt::format("{:g}", price) : "-"; }

std::string age_text(int64_t reported_at_ms, int64_t now_ms) {
  return reported_at_ms > 0 ? fmt::format("{:.1f} s ago", static_cast<double>(now_ms - reported_at_ms) / 1000.0)
                            : "-";
}

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
  const int64_t now = SystemClock::instance().now_ms();
  Table positions({"instance", "ticket", "symbol", "side", "volume", "open_price", "sl", "tp", "ref", "reported"});
  Table orders({"instance", "ticket", "symbol", "side", "type", "volume", "price", "stop_limit_price", "sl", "tp",
                "expiration", "ref", "reported"});
  for (const auto& [id, h] : *holdings) {
    const std::string reported = age_text(h.reported_at_ms, now) + (h.truncated ? " (truncated)" : "");
    for (const Position& p : h.positions) {
      positions.add({id, std::to_string(p.ticket), p.symbol, p.side == Side::kBuy ? "long" : "short",
                     fmt::format("{:g}", p.volume), price_text(p.price), price_text(p.sl), price_text(p.tp),
                     p.ref.empty() ? "-" : p.ref, reported});
    }
    for (const PendingOrder& o : h.orders) {
      orders.add({id, std::to_string(o.ticket), o.symbol, side_name(o.side), order_type_name(o.type),
                  fmt::format("{:g}", o.volume), price_text(o.price), price_text(o.stop_limit_price),
                  price_text(o.sl), price_text(o.tp), o.expiration_ms > 0 ? std::to_string(o.expiration_ms) : "GTC",
                  o.ref.empty() ? "-" : o.ref, reported});
    }
  }
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
