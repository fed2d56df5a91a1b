#include "sim/position_book.h"

#include <algorithm>
#include <cmath>

#include "util/check.h"

namespace mtg::sim {
namespace {

constexpr double kVolumeEpsilonCents = 1e-6;
constexpr double kMaxLots = 1e9;

std::string deal_name(const Deal& deal) { return "deal " + std::to_string(deal.deal); }

bool on_side(const Position& p, CloseSide side) {
  return side == CloseSide::kBoth || (side == CloseSide::kLong) == (p.side == Side::kBuy);
}

}  // namespace

int64_t to_lot_cents(double volume) {
  if (!(volume > 0) || !std::isfinite(volume) || volume > kMaxLots) return -1;
  const double cents = volume * kLotCentsPerLot;
  const double rounded = std::round(cents);
  if (rounded < 1 || std::fabs(cents - rounded) > kVolumeEpsilonCents * rounded) return -1;
  return static_cast<int64_t>(rounded);
}

double lots(int64_t lot_cents) {
  MTG_CHECK(lot_cents >= 0);
  return static_cast<double>(lot_cents) / kLotCentsPerLot;
}

const char* deal_entry_name(DealEntry entry) {
  switch (entry) {
    case DealEntry::kIn: return "in";
    case DealEntry::kOut: return "out";
    case DealEntry::kInOut: return "inout";
  }
  MTG_CHECK_MSG(false, "bad DealEntry");
}

Result<DealEntry> parse_deal_entry(std::string_view name) {
  for (DealEntry e : {DealEntry::kIn, DealEntry::kOut, DealEntry::kInOut}) {
    if (name == deal_entry_name(e)) return e;
  }
  return Status::invalid("must be \"in\", \"out\" or \"inout\"");
}

std::map<int64_t, PositionBook::Held>::const_iterator PositionBook::netting_position(
    const std::string& symbol) const {
  return std::find_if(positions_.begin(), positions_.end(),
                      [&](const auto& entry) { return entry.second.position.symbol == symbol; });
}

Result<DealEffect> PositionBook::plan(const Deal& deal) const {
  const int64_t cents = to_lot_cents(deal.volume);
  if (cents <= 0) return Status::corruption(deal_name(deal) + ": volume is not whole 0.01 lots");
  if (deal.ticket <= 0 || deal.deal <= 0) {
    return Status::corruption(deal_name(deal) + ": tickets must be positive");
  }
  if (deal.position != 0) {
    auto it = positions_.find(deal.position);
    if (it == positions_.end() || deal.fills_pending) {
      return Status::corruption(deal_name(deal) + " closes position " + std::to_string(deal.position) +
                                ", which is not open");
    }
    const Held& held = it->second;
    if (held.position.side == deal.side || held.position.symbol != deal.symbol) {
      return Status::corruption(deal_name(deal) + " does not close position " +
                                std::to_string(deal.position));
    }
    if (cents > held.lot_cents) {
      return Status::corruption(deal_name(deal) + " closes more than its position holds");
    }
    return DealEffect{deal.position, DealEntry::kOut};
  }
  if (positions_.contains(deal.ticket)) {
    return Status::corruption(deal_name(deal) + " opens position " + std::to_string(deal.ticket) +
                              ", already open");
  }
  auto it = hedging_ ? positions_.end() : netting_position(deal.symbol);
  if (it == positions_.end()) return DealEffect{deal.ticket, DealEntry::kIn};
  const Held& held = it->second;
  if (held.position.side == deal.side) return DealEffect{it->first, DealEntry::kIn};
  if (cents <= held.lot_cents) return DealEffect{it->first, DealEntry::kOut};
  return DealEffect{deal.ticket, DealEntry::kInOut};
}

void PositionBook::set_volume(Held& held, int64_t lot_cents) {
  MTG_CHECK_MSG(lot_cents > 0, "an open position holds a positive volume");
  held.lot_cents = lot_cents;
  held.position.volume = lots(lot_cents);
}

void PositionBook::open_position(const Deal& deal, int64_t ticket, int64_t lot_cents) {
  Held held{Position{ticket, deal.symbol, deal.side, 0, deal.price, deal.sl, deal.tp, deal.ref}, 0};
  set_volume(held, lot_cents);
  const bool inserted = positions_.emplace(ticket, std::move(held)).second;
  MTG_CHECK(inserted);
}

DealEffect PositionBook::apply(const Deal& deal) {
  auto planned = plan(deal);
  MTG_CHECK_MSG(planned.is_ok(), "a deal applied to a book it does not fit");
  const DealEffect effect = *planned;
  const int64_t cents = to_lot_cents(deal.volume);
  auto it = positions_.find(effect.position);
  if (effect.entry == DealEntry::kInOut) {
    it = positions_.find(netting_position(deal.symbol)->first);
    const int64_t rest = cents - it->second.lot_cents;
    MTG_CHECK(rest > 0);
    positions_.erase(it);
    open_position(deal, deal.ticket, rest);
  } else if (it == positions_.end()) {
    MTG_CHECK(effect.entry == DealEntry::kIn);
    open_position(deal, effect.position, cents);
  } else if (effect.entry == DealEntry::kOut) {
    const int64_t left = it->second.lot_cents - cents;
    MTG_CHECK_MSG(left >= 0, "a deal never closes more than its position holds");
    if (left == 0) {
      positions_.erase(it);
    } else {
      set_volume(it->second, left);
    }
  } else {
    Held& held = it->second;
    const int64_t total = held.lot_cents + cents;
    held.position.price = (held.position.price * static_cast<double>(held.lot_cents) +
                           deal.price * static_cast<double>(cents)) /
                          static_cast<double>(total);
    if (deal.sl > 0) held.position.sl = deal.sl;
    if (deal.tp > 0) held.position.tp = deal.tp;
    set_volume(held, total);
  }
  return effect;
}

const Position* PositionBook::find(int64_t ticket) const {
  auto it = positions_.find(ticket);
  return it == positions_.end() ? nullptr : &it->second.position;
}

std::vector<Position> PositionBook::all() const { return matching("", CloseSide::kBoth); }

std::vector<Position> PositionBook::with_ref(const std::string& ref) const {
  std::vector<Position> out;
  if (ref.empty()) return out;
  for (const auto& [ticket, held] : positions_) {
    if (held.position.ref == ref) out.push_back(held.position);
  }
  return out;
}

std::vector<Position> PositionBook::matching(const std::string& symbol, CloseSide side) const {
  std::vector<Position> out;
  for (const auto& [ticket, held] : positions_) {
    MTG_CHECK(held.lot_cents > 0);
    if ((symbol.empty() || held.position.symbol == symbol) && on_side(held.position, side)) {
      out.push_back(held.position);
    }
  }
  return out;
}

Status PositionBook::set_stops(int64_t ticket, double sl, double tp) {
  auto it = positions_.find(ticket);
  if (it == positions_.end()) {
    return Status::corruption("stops of position " + std::to_string(ticket) + ", which is not open");
  }
  it->second.position.sl = sl;
  it->second.position.tp = tp;
  return Status::ok();
}

}  // namespace mtg::sim
