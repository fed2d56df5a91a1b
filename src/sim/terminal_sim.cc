#include "sim/terminal_sim.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "link/retcode.h"
#include "util/check.h"

namespace mtg::sim {
namespace {
constexpr uint64_t kSeedMix = 0x9E3779B97F4A7C15ULL;  // spreads seeds of restarted sims apart
}

Result<std::unique_ptr<TerminalSim>> TerminalSim::open(const std::string& ledger_path, const SimConfig& config,
                                                       const Clock& clock, SleepFn sleep) {
  auto ledger = Ledger::open(ledger_path);
  if (!ledger.is_ok()) return ledger.status().with_context("simulator ledger");
  for (const std::string& id : (*ledger)->interrupted()) {
    spdlog::warn("sim: order {} was interrupted by a crash before execution; it counts as not executed", id);
  }
  if ((*ledger)->torn_lines() > 0) spdlog::warn("sim: dropped a torn last line left by a crash in {}", ledger_path);
  return std::unique_ptr<TerminalSim>(new TerminalSim(std::move(*ledger), config, clock, std::move(sleep)));
}

TerminalSim::TerminalSim(std::unique_ptr<Ledger> ledger, const SimConfig& config, const Clock& clock, SleepFn sleep)
    : ledger_(std::move(ledger)),
      broker_(config, std::make_unique<SeededRng>(config.seed ^ (ledger_->history_size() * kSeedMix))),
      clock_(clock),
      sleep_(std::move(sleep)) {
  MTG_CHECK(sleep_ != nullptr);
  for (const DealRecord& rec : ledger_->deals()) broker_.book_deal(rec.deal);
}

Result<std::vector<link::Frame>> TerminalSim::handle(const link::Frame& request) {
  std::vector<link::Frame> out;
  if (const auto* order = std::get_if<link::OrderFrame>(&request)) {
    auto result = execute(*order);
    if (!result.is_ok()) return result.status();
    out.push_back(std::move(*result));
  } else if (const auto* query = std::get_if<link::QueryFrame>(&request)) {
    for (auto& known : answer(*query)) out.push_back(std::move(known));
  } else if (std::holds_alternative<link::PositionsRequest>(request)) {
    out.push_back(positions());
  }
  return out;
}

Result<link::ResultFrame> TerminalSim::execute(const link::OrderFrame& order) {
  if (const link::ResultFrame* known = ledger_->find(order.client_id)) return *known;
  const int64_t now = clock_.now_ms();
  MTG_RETURN_IF_ERROR(ledger_->record_intent(
      Intent{order.client_id, order.uuid, order.leg, order.symbol, order.side, order.volume, now}));
  if (now > order.expires_at) {
    return record(order, Execution{link::kRetcodeInvalidExpiration, 0, 0, "expired before execution"});
  }
  sleep_(broker_.draw_latency_ms());
  auto result = record(order, broker_.execute(BrokerOrder{order.symbol, order.side, order.volume}));
  if (!result.is_ok() || result->filled_volume <= 0 || !broker_.draw_timeout_after_fill()) return result;
  // What a real MT5 may answer for an order that executed; the ledger keeps the truth.
  link::ResultFrame timed_out{order.client_id, order.uuid, order.leg, link::kRetcodeTimeout, 0, 0, 0, 0,
                              "request timed out (simulated; the order executed)"};
  MTG_CHECK(ledger_->find(order.client_id) != nullptr);
  return timed_out;
}

Result<link::ResultFrame> TerminalSim::record(const link::OrderFrame& order, const Execution& execution) {
  link::ResultFrame result{order.client_id, order.uuid, order.leg, execution.retcode, execution.filled_volume,
                           execution.price, 0, 0, execution.reason};
  const int64_t now = clock_.now_ms();
  if (execution.filled_volume <= 0) {
    MTG_RETURN_IF_ERROR(ledger_->record_outcome(result, now));
    return result;
  }
  MTG_CHECK(execution.filled_volume <= order.volume);
  result.ticket = broker_.next_ticket();
  result.deal = broker_.next_deal();
  const Deal deal{order.symbol, order.side, execution.filled_volume, execution.price, result.ticket, result.deal};
  MTG_RETURN_IF_ERROR(ledger_->record_deal(DealRecord{result, deal, order.volume, now}));
  broker_.book_deal(deal);
  return result;
}

std::vector<link::KnownFrame> TerminalSim::answer(const link::QueryFrame& query) const {
  std::vector<link::KnownFrame> frames(1);
  for (const std::string& id : query.client_ids) {
    if (frames.back().orders.size() == link::kMaxKnownPerFrame) frames.emplace_back();
    const link::ResultFrame* known = ledger_->find(id);
    frames.back().orders.push_back(
        link::KnownOrder{id, known != nullptr ? std::optional<link::ResultFrame>(*known) : std::nullopt});
  }
  return frames;
}

link::Positions TerminalSim::positions() const {
  link::Positions out{broker_.positions(), false};
  if (out.positions.size() > link::kMaxPositionsPerFrame) {
    out.positions.resize(link::kMaxPositionsPerFrame);
    out.truncated = true;
  }
  return out;
}

}  // namespace mtg::sim
