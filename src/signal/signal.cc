#include "signal/signal.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "util/check.h"
#include "util/json_fields.h"

namespace mtg {

int64_t Signal::expires_at_ms() const {
  MTG_CHECK(ttl_ms >= 0);
  MTG_CHECK(created_at_ms >= 0);
  MTG_CHECK(created_at_ms <= std::numeric_limits<int64_t>::max() - ttl_ms);  // parse_signal bounds both
  return created_at_ms + ttl_ms;
}

nlohmann::ordered_json signal_to_object(const Signal& signal) {
  const bool open = signal.action == Action::kOpen;
  nlohmann::ordered_json j;
  j["uuid"] = signal.uuid;
  j["instance"] = signal.instance;
  if (!open) j["action"] = action_name(signal.action);
  if (open || !signal.symbol.empty()) j["symbol"] = signal.symbol;
  if (open) {
    j["side"] = side_name(signal.side);
    j["type"] = order_type_name(signal.type);
  }
  if (open || signal.volume > 0) j["volume"] = signal.volume;
  if (signal.price) j["price"] = *signal.price;
  if (signal.stop_limit_price) j["stop_limit_price"] = *signal.stop_limit_price;
  if (signal.sl) j["sl"] = *signal.sl;
  if (signal.tp) j["tp"] = *signal.tp;
  if (signal.expiration_ms) j["expiration"] = *signal.expiration_ms;
  if (signal.deviation_points != 0) j["deviation_points"] = signal.deviation_points;
  if (signal.position != 0) j["position"] = signal.position;
  if (signal.order != 0) j["order"] = signal.order;
  if (!signal.ref.empty()) j["ref"] = signal.ref;
  if (signal.action == Action::kCloseAll && signal.close_side != CloseSide::kBoth) {
    j["side"] = close_side_name(signal.close_side);
  }
  j["created_at"] = signal.created_at_ms;
  j["ttl_ms"] = signal.ttl_ms;
  return j;
}

std::string to_json(const Signal& signal) { return dump_json(signal_to_object(signal)); }

}  // namespace mtg
