#include "signal/signal.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "signal/json_fields.h"
#include "util/check.h"

namespace mtg {

int64_t Signal::expires_at_ms() const {
  MTG_CHECK(ttl_ms >= 0);
  MTG_CHECK(created_at_ms >= 0);
  MTG_CHECK(created_at_ms <= std::numeric_limits<int64_t>::max() - ttl_ms);  // parse_signal bounds both
  return created_at_ms + ttl_ms;
}

const char* side_name(Side side) {
  switch (side) {
    case Side::kBuy: return "buy";
    case Side::kSell: return "sell";
  }
  MTG_CHECK_MSG(false, "bad Side");
}

const char* order_type_name(OrderType type) {
  switch (type) {
    case OrderType::kMarket: return "market";
    case OrderType::kLimit: return "limit";
    case OrderType::kStop: return "stop";
  }
  MTG_CHECK_MSG(false, "bad OrderType");
}

Result<Side> parse_side(std::string_view name) {
  for (Side s : {Side::kBuy, Side::kSell}) {
    if (name == side_name(s)) return s;
  }
  return Status::invalid("must be \"buy\" or \"sell\"");
}

Result<OrderType> parse_order_type(std::string_view name) {
  for (OrderType t : {OrderType::kMarket, OrderType::kLimit, OrderType::kStop}) {
    if (name == order_type_name(t)) return t;
  }
  return Status::invalid("must be \"market\", \"limit\" or \"stop\"");
}

nlohmann::ordered_json signal_to_object(const Signal& signal) {
  nlohmann::ordered_json j;
  j["uuid"] = signal.uuid;
  j["instance"] = signal.instance;
  j["symbol"] = signal.symbol;
  j["side"] = side_name(signal.side);
  j["type"] = order_type_name(signal.type);
  j["volume"] = signal.volume;
  j["price"] = signal.price;
  j["sl"] = signal.sl;
  j["tp"] = signal.tp;
  j["created_at"] = signal.created_at_ms;
  j["ttl_ms"] = signal.ttl_ms;
  return j;
}

std::string to_json(const Signal& signal) { return dump_json(signal_to_object(signal)); }

}  // namespace mtg
