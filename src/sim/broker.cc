#include "sim/broker.h"

#include <algorithm>
#include <cmath>

#include "link/retcode.h"
#include "util/check.h"

namespace mtg::sim {
namespace {

constexpr double kWalkStepRel = 0.0002;  // one price step moves the mid by at most 0.02 %
constexpr double kVolumeEpsilonCents = 1e-6;

double round_to(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

double lots(int64_t lot_cents) { return static_cast<double>(lot_cents) / kLotCentsPerLot; }

}  // namespace

int64_t to_lot_cents(double volume) {
  if (!(volume > 0) || !std::isfinite(volume) || volume > 1e9) return -1;
  const double cents = volume * kLotCentsPerLot;
  const double rounded = std::round(cents);
  if (std::fabs(cents - rounded) > kVolumeEpsilonCents * std::max(1.0, rounded)) return -1;
  return static_cast<int64_t>(rounded);
}

Broker::Broker(const SimConfig& config, std::unique_ptr<Rng> rng) : config_(config), rng_(std::move(rng)) {
  MTG_CHECK(rng_ != nullptr);
  MTG_CHECK(config_.latency_ms_min >= 0);
  MTG_CHECK(config_.latency_ms_min <= config_.latency_ms_max);
  symbols_["EURUSD"] = Symbol{1.10, 1.10, 0.00010, 5};
  symbols_["GBPUSD"] = Symbol{1.27, 1.27, 0.00015, 5};
  symbols_["USDJPY"] = Symbol{150.0, 150.0, 0.015, 3};
  symbols_["XAUUSD"] = Symbol{2000.0, 2000.0, 0.30, 2};
}

void Broker::walk(Symbol& s) {
  const double step = (rng_->uniform01() * 2.0 - 1.0) * kWalkStepRel;
  s.mid = std::clamp(s.mid * (1.0 + step), s.base / 2, s.base * 2);
}

double Broker::bid(const std::string& symbol) const {
  const Symbol& s = symbols_.at(symbol);
  return round_to(s.mid - s.spread / 2, s.digits);
}

double Broker::ask(const std::string& symbol) const {
  const Symbol& s = symbols_.at(symbol);
  return round_to(s.mid + s.spread / 2, s.digits);
}

Execution Broker::execute(const BrokerOrder& order) {
  const int64_t cents = to_lot_cents(order.volume);
  if (cents <= 0) return Execution{link::kRetcodeInvalidVolume, 0, 0, "invalid volume"};
  auto it = symbols_.find(order.symbol);
  if (it == symbols_.end()) return Execution{link::kRetcodeReject, 0, 0, "unknown symbol " + order.symbol};
  walk(it->second);
  const double price = order.side == link::Side::kBuy ? ask(order.symbol) : bid(order.symbol);
  double u = rng_->uniform01();
  if (u < config_.reject_prob) return Execution{link::kRetcodeReject, 0, 0, "rejected by the broker (simulated)"};
  u -= config_.reject_prob;
  if (u < config_.requote_prob) return Execution{link::kRetcodeRequote, 0, price, "requote (simulated)"};
  u -= config_.requote_prob;
  if (u < config_.partial_fill_prob && cents >= 2) {
    const int64_t filled = rng_->uniform_int(1, cents - 1);
    MTG_CHECK(filled >= 1);
    MTG_CHECK(filled < cents);
    return Execution{link::kRetcodeDonePartial, lots(filled), price, "partial fill (simulated)"};
  }
  return Execution{link::kRetcodeDone, lots(cents), price, ""};
}

bool Broker::draw_timeout_after_fill() {
  if (config_.timeout_after_fill_prob <= 0) return false;
  return rng_->uniform01() < config_.timeout_after_fill_prob;
}

int Broker::draw_latency_ms() {
  const int64_t ms = rng_->uniform_int(config_.latency_ms_min, config_.latency_ms_max);
  return static_cast<int>(std::min<int64_t>(ms, kMaxLatencyMs));
}

void Broker::book_deal(const Deal& deal) {
  const int64_t cents = to_lot_cents(deal.volume);
  MTG_CHECK_MSG(cents > 0, "a booked deal has a positive volume in 0.01 lots");
  MTG_CHECK(deal.ticket > 0);
  MTG_CHECK(deal.deal > 0);
  next_ticket_ = std::max(next_ticket_, deal.ticket + 1);
  next_deal_ = std::max(next_deal_, deal.deal + 1);
  if (config_.account == "hedging") {
    positions_[deal.ticket] = BookPosition{deal.ticket, deal.symbol, deal.side, cents, deal.price};
    return;
  }
  book_netting(deal, cents);
}

void Broker::book_netting(const Deal& deal, int64_t lot_cents) {
  auto it = std::find_if(positions_.begin(), positions_.end(),
                         [&](const auto& entry) { return entry.second.symbol == deal.symbol; });
  if (it == positions_.end()) {
    positions_[deal.ticket] = BookPosition{deal.ticket, deal.symbol, deal.side, lot_cents, deal.price};
    return;
  }
  BookPosition& pos = it->second;
  if (pos.side == deal.side) {
    const int64_t total = pos.lot_cents + lot_cents;
    pos.price = (pos.price * static_cast<double>(pos.lot_cents) + deal.price * static_cast<double>(lot_cents)) /
                static_cast<double>(total);
    pos.lot_cents = total;
  } else if (lot_cents < pos.lot_cents) {
    pos.lot_cents -= lot_cents;
  } else {
    const int64_t rest = lot_cents - pos.lot_cents;
    positions_.erase(it);
    if (rest > 0) positions_[deal.ticket] = BookPosition{deal.ticket, deal.symbol, deal.side, rest, deal.price};
  }
}

std::vector<link::Position> Broker::positions() const {
  std::vector<link::Position> out;
  out.reserve(positions_.size());
  for (const auto& [ticket, p] : positions_) {
    MTG_CHECK(p.lot_cents > 0);
    out.push_back(link::Position{ticket, p.symbol, p.side, lots(p.lot_cents), p.price});
  }
  return out;
}

}  // namespace mtg::sim
