// MT5's rules for the prices of pending orders and stops, and for when the market
// reaches them. Pure functions of the order or position and the current quote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/market.h"
#include "trade/position.h"
#include "trade/trade_event.h"

namespace mtg::sim {

// Why the broker refuses a request: a retcode (link/retcode.h) and the reason it says.
struct Refusal {
  int retcode = 0;
  std::string reason;
  int64_t position = 0;  // the position the refusal names (an order that filled), 0 when none
  bool operator==(const Refusal&) const = default;
};

// Whether a pending order may rest at the broker now: 10015 when its price is on the
// wrong side of the market (buy limit < ask, sell limit > bid, buy stop > ask, sell stop
// < bid; a stop_limit's limit price below its stop price for a buy, above for a sell) or
// missing; 10016 when its sl/tp are on the wrong side of the price it fills at; 10022
// when it expires at or before now_ms. nullopt: it may.
std::optional<Refusal> check_pending(const PendingOrder& order, const Quote& quote, int64_t now_ms);

// Whether a position on `side` may carry these stops (0 = none) at the current quote:
// a long's sl below the bid and tp above it, a short's sl above the ask and tp below it;
// else 10016.
std::optional<Refusal> check_stops(Side side, double sl, double tp, const Quote& quote);

// What the market does to a pending order.
enum class Trigger {
  kNone,      // not reached
  kFill,      // a limit or stop reached: it fills (fill_price)
  kActivate,  // a stop_limit reached its stop: it becomes a limit at its stop_limit_price
};
Trigger trigger(const PendingOrder& order, const Quote& quote);

// The price a triggered limit or stop fills at: a limit at its price, a stop at market
// (ask for a buy, bid for a sell).
double fill_price(const PendingOrder& order, const Quote& quote);

// The order a triggered stop_limit becomes: a limit at its stop_limit_price.
PendingOrder activated(const PendingOrder& order);

// The stop the market has reached on a position: kStopLoss or kTakeProfit, or nullopt.
// A long is closed at the bid (sl hit when bid <= sl, tp when bid >= tp), a short at
// the ask (sl when ask >= sl, tp when ask <= tp).
std::optional<EventKind> stop_hit(const Position& position, const Quote& quote);

// The price a position (or a part of it) closes at: the bid for a long, the ask for a short.
double close_price(Side position_side, const Quote& quote);

}  // namespace mtg::sim
