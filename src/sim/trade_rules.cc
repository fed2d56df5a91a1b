#include "sim/trade_rules.h"

#include "link/retcode.h"
#include "util/check.h"

namespace mtg::sim {
namespace {

bool is_buy(Side side) { return side == Side::kBuy; }

// The price a pending order's stops are judged against: where it will fill.
double entry_price(const PendingOrder& o) {
  return o.type == OrderType::kStopLimit ? o.stop_limit_price : o.price;
}

std::optional<Refusal> price_refusal(const PendingOrder& o, const Quote& q) {
  const bool buy = is_buy(o.side);
  const std::string type = std::string(side_name(o.side)) + " " + order_type_name(o.type);
  if (!(o.price > 0)) return Refusal{link::kRetcodeInvalidPrice, type + " needs a price"};
  switch (o.type) {
    case OrderType::kLimit:
      if (buy ? o.price < q.ask : o.price > q.bid) return std::nullopt;
      return Refusal{link::kRetcodeInvalidPrice,
                     type + std::string(buy ? " must be below the ask" : " must be above the bid")};
    case OrderType::kStop:
    case OrderType::kStopLimit:
      if (!(buy ? o.price > q.ask : o.price < q.bid)) {
        return Refusal{link::kRetcodeInvalidPrice,
                       type + std::string(buy ? " must be above the ask" : " must be below the bid")};
      }
      if (o.type == OrderType::kStop) return std::nullopt;
      if (o.stop_limit_price > 0 && (buy ? o.stop_limit_price < o.price : o.stop_limit_price > o.price)) {
        return std::nullopt;
      }
      return Refusal{link::kRetcodeInvalidPrice,
                     type + std::string(buy ? " needs a stop_limit_price below its price"
                                            : " needs a stop_limit_price above its price")};
    case OrderType::kMarket: break;
  }
  MTG_CHECK_MSG(false, "a market order is never pending");
}

bool stop_on_wrong_side(Side side, double sl, double tp, double reference) {
  if (is_buy(side)) return (sl > 0 && sl >= reference) || (tp > 0 && tp <= reference);
  return (sl > 0 && sl <= reference) || (tp > 0 && tp >= reference);
}

std::optional<Refusal> stops_refusal(Side side, double sl, double tp, double reference) {
  if (sl < 0 || tp < 0) return Refusal{link::kRetcodeInvalidStops, "sl and tp must not be negative"};
  if (!stop_on_wrong_side(side, sl, tp, reference)) return std::nullopt;
  return Refusal{link::kRetcodeInvalidStops, is_buy(side)
                                                 ? "a buy's sl must be below and its tp above the price"
                                                 : "a sell's sl must be above and its tp below the price"};
}

}  // namespace

std::optional<Refusal> check_pending(const PendingOrder& order, const Quote& quote, int64_t now_ms) {
  MTG_CHECK(is_pending(order.type));
  if (auto refusal = price_refusal(order, quote)) return refusal;
  if (auto refusal = stops_refusal(order.side, order.sl, order.tp, entry_price(order))) return refusal;
  if (order.expiration_ms != 0 && order.expiration_ms <= now_ms) {
    return Refusal{link::kRetcodeInvalidExpiration, "expiration is not in the future"};
  }
  return std::nullopt;
}

std::optional<Refusal> check_stops(Side side, double sl, double tp, const Quote& quote) {
  return stops_refusal(side, sl, tp, close_price(side, quote));
}

Trigger trigger(const PendingOrder& o, const Quote& q) {
  const bool buy = is_buy(o.side);
  switch (o.type) {
    case OrderType::kLimit:
      return (buy ? q.ask <= o.price : q.bid >= o.price) ? Trigger::kFill : Trigger::kNone;
    case OrderType::kStop:
      return (buy ? q.ask >= o.price : q.bid <= o.price) ? Trigger::kFill : Trigger::kNone;
    case OrderType::kStopLimit:
      return (buy ? q.ask >= o.price : q.bid <= o.price) ? Trigger::kActivate : Trigger::kNone;
    case OrderType::kMarket: break;
  }
  MTG_CHECK_MSG(false, "a market order is never pending");
}

double fill_price(const PendingOrder& o, const Quote& q) {
  MTG_CHECK(o.type == OrderType::kLimit || o.type == OrderType::kStop);
  if (o.type == OrderType::kLimit) return o.price;
  return is_buy(o.side) ? q.ask : q.bid;
}

PendingOrder activated(const PendingOrder& order) {
  MTG_CHECK(order.type == OrderType::kStopLimit);
  MTG_CHECK(order.stop_limit_price > 0);
  PendingOrder limit = order;
  limit.type = OrderType::kLimit;
  limit.price = order.stop_limit_price;
  limit.stop_limit_price = 0;
  return limit;
}

std::optional<EventKind> stop_hit(const Position& p, const Quote& q) {
  const double price = close_price(p.side, q);
  const bool buy = is_buy(p.side);
  if (p.sl > 0 && (buy ? price <= p.sl : price >= p.sl)) return EventKind::kStopLoss;
  if (p.tp > 0 && (buy ? price >= p.tp : price <= p.tp)) return EventKind::kTakeProfit;
  return std::nullopt;
}

double close_price(Side position_side, const Quote& quote) {
  return is_buy(position_side) ? quote.bid : quote.ask;
}

}  // namespace mtg::sim
