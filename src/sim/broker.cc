#include "sim/broker.h"

#include <algorithm>

#include "link/retcode.h"
#include "util/check.h"

namespace mtg::sim {

std::string broker_comment(const std::string& text) { return text.substr(0, kMaxCommentChars); }

Broker::Broker(const SimConfig& config, std::unique_ptr<Rng> rng)
    : config_(config), rng_(std::move(rng)), market_(config.symbol_suffix) {
  MTG_CHECK(rng_ != nullptr);
  MTG_CHECK(check_sim_config(config_).is_ok());
}

std::optional<Refusal> Broker::check_symbol(const std::string& symbol) const {
  if (market_.knows(symbol)) return std::nullopt;
  return Refusal{link::kRetcodeInvalid, "unknown symbol " + symbol};
}

bool Broker::draw(double probability) { return probability > 0 && rng_->uniform01() < probability; }

Execution Broker::fill(const std::string& symbol, Side side, int64_t lot_cents) {
  MTG_CHECK(lot_cents > 0);
  MTG_CHECK(market_.knows(symbol));
  if (auto allowed = config_.symbol_filling.find(symbol); allowed != config_.symbol_filling.end()) {
    const auto& modes = allowed->second;
    if (std::find(modes.begin(), modes.end(), config_.filling) == modes.end()) {
      return Execution{link::kRetcodeInvalidFill, 0, 0,
                       "filling mode " + config_.filling + " not allowed for " + symbol};
    }
  }
  if (draw(config_.market_closed_prob)) {
    return Execution{link::kRetcodeMarketClosed, 0, 0, "market closed (simulated)"};
  }
  market_.walk(symbol, *rng_);
  const Quote q = market_.quote(symbol);
  const double price = side == Side::kBuy ? q.ask : q.bid;
  double u = rng_->uniform01();
  if (u < config_.reject_prob) {
    return Execution{link::kRetcodeReject, 0, 0, "rejected by the broker (simulated)"};
  }
  u -= config_.reject_prob;
  if (u < config_.requote_prob) return Execution{link::kRetcodeRequote, 0, price, "requote (simulated)"};
  u -= config_.requote_prob;
  if (u < config_.partial_fill_prob && lot_cents >= 2) {
    const int64_t filled = rng_->uniform_int(1, lot_cents - 1);
    MTG_CHECK(filled >= 1);
    MTG_CHECK(filled < lot_cents);
    return Execution{link::kRetcodeDonePartial, filled, price, "partial fill (simulated)"};
  }
  return Execution{link::kRetcodeDone, lot_cents, price, ""};
}

void Broker::walk_all() {
  for (const std::string& symbol : market_.symbols()) market_.walk(symbol, *rng_);
}

int Broker::draw_latency_ms() {
  const int64_t ms = rng_->uniform_int(config_.latency_ms_min, config_.latency_ms_max);
  return static_cast<int>(std::min<int64_t>(ms, kMaxLatencyMs));
}

bool Broker::draw_timeout_after_fill() { return draw(config_.timeout_after_fill_prob); }

bool Broker::draw_link_drop_after_fill() { return draw(config_.link_drop_after_fill_prob); }

int64_t Broker::draw_result_delay_ms() { return draw(config_.slow_result_prob) ? config_.slow_result_ms : 0; }

}  // namespace mtg::sim
