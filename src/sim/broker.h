// The simulated broker's dealing desk: the market (sim/market.h) and the outcome of
// every market execution, drawn from SimConfig (filling mode, market closed, reject,
// requote, partial fill), plus the simulator's other seeded draws (latency, faults of
// the terminal). Holds no positions or orders: those are the Book's. Deterministic for
// a given Rng. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "sim/market.h"
#include "sim/trade_rules.h"
#include "util/rng.h"

namespace mtg::sim {

inline constexpr int kMaxLatencyMs = 2000;      // drawn latencies are capped at this
inline constexpr size_t kMaxCommentChars = 31;  // MT5 keeps this much of an order's comment

// The broker's answer to a market execution: retcode (link/retcode.h), filled volume
// in 0.01 lots and price (0 unless filled).
struct Execution {
  int retcode = 0;
  int64_t filled_cents = 0;
  double price = 0;
  std::string reason;
};

// `text` cut to kMaxCommentChars, as MT5 stores a comment.
std::string broker_comment(const std::string& text);

class Broker {
 public:
  // Precondition: config passed check_sim_config().
  Broker(const SimConfig& config, std::unique_ptr<Rng> rng);

  const Market& market() const { return market_; }
  // The market, to move it (tests and scripted scenarios use Market::set_mid).
  Market& market() { return market_; }
  bool hedging() const { return config_.account == "hedging"; }

  // 10013 for a symbol the broker does not know (the broker's names carry the
  // account's symbol_suffix), else nullopt.
  std::optional<Refusal> check_symbol(const std::string& symbol) const;

  // Executes lot_cents (> 0) of a known symbol at market: 10030 when the configured
  // filling mode is not allowed for the symbol; else 10018 with market_closed_prob;
  // else the price moves one step and the outcome is drawn: reject (10006), requote
  // (10004), partial fill (10010, at least 0.01 lots and less than asked) or full fill
  // (10009) at ask (buy) / bid (sell). Changes no book: the caller records the deal.
  Execution fill(const std::string& symbol, Side side, int64_t lot_cents);

  // Moves every symbol's price one step.
  void walk_all();

  // A latency in [latency_ms_min, latency_ms_max], capped at kMaxLatencyMs.
  int draw_latency_ms();
  // The terminal's faults after an order that changed the book. Each draws nothing
  // when its probability is 0, so other settings keep their sequences.
  bool draw_timeout_after_fill();    // answer 10012 (timeout_after_fill_prob)
  bool draw_link_drop_after_fill();  // drop the link instead of answering
  // How long to hold the answer back: slow_result_ms with slow_result_prob, else 0.
  int64_t draw_result_delay_ms();

 private:
  bool draw(double probability);

  SimConfig config_;
  std::unique_ptr<Rng> rng_;
  Market market_;
};

}  // namespace mtg::sim
