// A trade signal as producers write it to RTSS (docs/requirements.md "Signals in"):
// {"uuid":"6f1c…","instance":"demo-1","symbol":"EURUSD","side":"buy","type":"market",
//  "volume":0.10,"price":0,"sl":0,"tp":0,"created_at":1763900000000,"ttl_ms":30000}
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

enum class Side { kBuy, kSell };
enum class OrderType { kMarket, kLimit, kStop };

// One parsed, schema-checked signal. Values are only trustworthy when it came from
// parse_signal (see signal_parser.h).
struct Signal {
  std::string uuid;       // canonical lower-case 8-4-4-4-12
  std::string instance;   // MT5 instance id, e.g. "demo-1"
  std::string symbol;     // e.g. "EURUSD"
  Side side = Side::kBuy;
  OrderType type = OrderType::kMarket;
  double volume = 0;      // lots, > 0
  double price = 0;       // limit/stop price; 0 for market
  double sl = 0;          // stop loss price, 0 = none
  double tp = 0;          // take profit price, 0 = none
  int64_t created_at_ms = 0;  // Unix ms, set by the producer
  int64_t ttl_ms = 0;         // the signal expires ttl_ms after created_at

  // created_at_ms + ttl_ms: at or after this instant the signal is expired.
  int64_t expires_at_ms() const;

  bool operator==(const Signal&) const = default;
};

// "buy" / "sell".
const char* side_name(Side side);
// "market" / "limit" / "stop".
const char* order_type_name(OrderType type);
// Inverse of side_name / order_type_name (exact, lower-case); kInvalidArgument otherwise.
Result<Side> parse_side(std::string_view name);
Result<OrderType> parse_order_type(std::string_view name);

// The signal as a JSON object in the public field order (used to nest it in orders).
nlohmann::ordered_json signal_to_object(const Signal& signal);

// Canonical compact JSON in the public format; parse_signal(to_json(s)) == s.
std::string to_json(const Signal& signal);

}  // namespace mtg
