// What a terminal holds at its broker: open positions and pending orders, as it reports
// them (link `positions` and `orders` frames). The terminal is the source of truth; the
// engine keeps each instance's latest report in Redis and `mtguard positions` prints it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trade/trade_action.h"
#include "util/status.h"

namespace mtg {

struct Position {
  int64_t ticket = 0;   // position ticket
  std::string symbol;
  Side side = Side::kBuy;  // buy = long, sell = short
  double volume = 0;    // lots
  double price = 0;     // open price
  double sl = 0;        // 0 = none
  double tp = 0;        // 0 = none
  std::string ref;      // uuid of the signal that opened it, "" when unknown (e.g. manual)
  bool operator==(const Position&) const = default;
};

struct PendingOrder {
  int64_t ticket = 0;   // order ticket
  std::string symbol;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;  // never market
  double volume = 0;    // lots
  double price = 0;     // trigger price
  double stop_limit_price = 0;  // stop_limit only, else 0
  double sl = 0;
  double tp = 0;
  int64_t expiration_ms = 0;    // Unix ms, 0 = good till cancelled
  std::string ref;
  bool operator==(const PendingOrder&) const = default;
};

// One instance's holdings as last reported by its terminal.
struct Holdings {
  std::vector<Position> positions;    // by ticket
  std::vector<PendingOrder> orders;   // by ticket
  int64_t reported_at_ms = 0;         // when the engine received the report, Unix ms
  bool truncated = false;             // the terminal holds more than it could send
  bool operator==(const Holdings&) const = default;
};

// Largest holdings JSON accepted by holdings_from_json.
constexpr int64_t kMaxHoldingsJsonBytes = 4 * 1024 * 1024;

// {"positions":[{ticket,symbol,side,volume,price,sl,tp,ref},…],"orders":[{ticket,symbol,
// side,type,volume,price,stop_limit_price,sl,tp,expiration,ref},…],"reported_at":…,
// "truncated":…}; holdings_from_json(holdings_to_json(h)) == h.
std::string holdings_to_json(const Holdings& holdings);
// Errors are kCorruption naming the field.
Result<Holdings> holdings_from_json(std::string_view json_text);

}  // namespace mtg
