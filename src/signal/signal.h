// A trade signal as producers write it to RTSS (docs/requirements.md "Signals in" and
// "Trade actions"). Version 1 (no "action") opens a position:
// {"uuid":"6f1c…","instance":"demo-1","symbol":"EURUSD","side":"buy","type":"market",
//  "volume":0.10,"price":0,"sl":0,"tp":0,"created_at":1763900000000,"ttl_ms":30000}
// Version 2 adds "action" (open, close, close_all, modify, modify_order, cancel) and
// the fields each one takes, e.g.
// {"uuid":"…","instance":"demo-1","action":"close","ref":"6f1c…","volume":0.05,
//  "created_at":1763900001000}
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "trade/trade_action.h"
#include "util/status.h"

namespace mtg {

// One parsed, schema-checked signal. Values are only trustworthy when it came from
// parse_signal (see signal_parser.h), which enforces, per action:
// - open: symbol, side, volume > 0; price > 0 for the pending types; stop_limit_price
//   > 0 for stop_limit; expiration only for pending types; deviation_points only for
//   market; sl/tp on the right side of a pending order's price.
// - close: position or ref (not both); volume absent (= all) or > 0.
// - close_all: optional symbol ("" = every symbol) and close_side.
// - modify: position or ref; sl and/or tp.
// - modify_order: order or ref; at least one of price, stop_limit_price, sl, tp, expiration.
// - cancel: order or ref.
struct Signal {
  std::string uuid;       // canonical lower-case 8-4-4-4-12
  std::string instance;   // MT5 instance id, e.g. "demo-1"
  Action action = Action::kOpen;
  std::string symbol;     // canonical name, e.g. "EURUSD"; "" when the action names none
  Side side = Side::kBuy;             // open only
  OrderType type = OrderType::kMarket;  // open only
  double volume = 0;      // open: lots, > 0; close: lots to close, 0 = all; else 0
  // Absent means "not given": for open, no price / no SL / no TP; for modify and
  // modify_order, "unchanged" (a given 0 removes an SL or TP).
  std::optional<double> price;             // pending price (open), new price (modify_order)
  std::optional<double> stop_limit_price;  // the limit placed when a stop_limit triggers
  std::optional<double> sl;                // stop loss price
  std::optional<double> tp;                // take profit price
  std::optional<int64_t> expiration_ms;    // pending order expiry, Unix ms; 0 = good till cancelled
  int64_t deviation_points = 0;            // market open: accepted slippage, points; 0 = the terminal's
  int64_t position = 0;   // close, modify: position ticket; 0 when ref is used
  int64_t order = 0;      // modify_order, cancel: pending order ticket; 0 when ref is used
  std::string ref;        // uuid of the open signal the action targets, "" when a ticket is used
  CloseSide close_side = CloseSide::kBoth;  // close_all only
  int64_t created_at_ms = 0;  // Unix ms, set by the producer
  int64_t ttl_ms = 0;         // the signal expires ttl_ms after created_at

  // created_at_ms + ttl_ms: at or after this instant the signal is expired.
  int64_t expires_at_ms() const;

  bool operator==(const Signal&) const = default;
};

// The signal as a JSON object in the public field order (used to nest it in orders).
// "action" and the fields of version 2 are written only when they differ from a
// version-1 open's defaults, so a version-1 signal is written as version 1.
nlohmann::ordered_json signal_to_object(const Signal& signal);

// Canonical compact JSON in the public format; parse_signal(to_json(s)) == s.
std::string to_json(const Signal& signal);

}  // namespace mtg
