// `mtguard trace UUID [--ledger PATH]... [--json]`: one signal's whole life across the
// stores (trace/signal_trace.h), a table per place, then one line per disagreement.
// Exit 0 when every store read agrees, 1 when they disagree or the uuid is bad.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "trace/signal_trace.h"
#include "util/check.h"

namespace mtg {
namespace {

int run_trace(const CliContext& ctx, const std::string& uuid, const TraceOptions& options) {
  auto config = ctx.load("trace");
  if (!config) return kExitFailed;
  auto trace = trace_signal(*config, uuid, options);
  if (!trace) return fail("trace", trace.status());
  if (ctx.json) {
    std::cout << trace_json(*trace).dump(2) << '\n';
  } else {
    std::cout << "signal " << trace->uuid << '\n';
    for (const auto& section : trace->sections) {
      std::cout << '\n' << section.title << '\n';
      if (!section.table) {
        std::cout << "  unavailable: " << section.table.status().to_string() << '\n';
      } else if (section.table->rows() == 0) {
        std::cout << "  none\n";
      } else {
        section.table->print(std::cout);
      }
    }
    std::cout << '\n';
    if (trace->disagreements.empty()) std::cout << "agreement: every store read agrees\n";
    for (const auto& d : trace->disagreements) std::cout << "DISAGREEMENT: " << d << '\n';
  }
  MTG_CHECK(!trace->sections.empty());
  return trace->disagreements.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void add_trace_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("trace", "One signal's life: RTSS, dedup, RTS, legs, ledgers, RTRS, DuckDB, "
                                              "ClickHouse, events; and where they disagree");
  auto uuid = std::make_shared<std::string>();
  auto options = std::make_shared<TraceOptions>();
  cmd->add_option("uuid", *uuid, "The signal's uuid")->required();
  cmd->add_option("--ledger", options->ledger_paths, "A simulator ledger (JSON lines) to read; repeatable");
  cmd->callback([&ctx, uuid, options] { ctx.exit_code = run_trace(ctx, *uuid, *options); });
}

}  // namespace mtg
