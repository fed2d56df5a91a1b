#include "trade/trade_event.h"

#include <initializer_list>
#include <nlohmann/json.hpp>

#include "util/check.h"
#include "util/json_fields.h"

namespace mtg {
namespace {

using K = EventKind;

constexpr std::initializer_list<EventKind> kKinds = {K::kOrderTriggered, K::kOrderCancelled, K::kOrderExpired,
                                                     K::kStopLoss,       K::kTakeProfit,     K::kStopOut,
                                                     K::kManual,         K::kPositionsMismatch};

Status decode_fields(const nlohmann::json& doc, TradeEvent& e) {
  const JsonFields f(doc);
  MTG_ASSIGN_FIELD(e.id, f.text("id"));
  MTG_ASSIGN_FIELD(e.instance, f.text("instance"));
  std::string name;
  MTG_ASSIGN_FIELD(name, f.text("kind"));
  auto kind = parse_event_kind(name);
  if (!kind) return kind.status().with_context("field kind");
  e.kind = *kind;
  MTG_ASSIGN_FIELD(e.symbol, f.text("symbol"));
  MTG_ASSIGN_FIELD(name, f.text("side"));
  auto side = parse_side(name);
  if (!side) return side.status().with_context("field side");
  e.side = *side;
  MTG_ASSIGN_FIELD(e.volume, f.number("volume"));
  MTG_ASSIGN_FIELD(e.price, f.number("price"));
  MTG_ASSIGN_FIELD(e.order, f.integer("order"));
  MTG_ASSIGN_FIELD(e.deal, f.integer("deal"));
  MTG_ASSIGN_FIELD(e.position, f.integer("position"));
  MTG_ASSIGN_FIELD(e.ref, f.text("ref"));
  MTG_ASSIGN_FIELD(e.reason, f.text("reason"));
  MTG_ASSIGN_FIELD(e.ts_ms, f.integer("ts"));
  return Status::ok();
}

}  // namespace

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case K::kOrderTriggered: return "order_triggered";
    case K::kOrderCancelled: return "order_cancelled";
    case K::kOrderExpired: return "order_expired";
    case K::kStopLoss: return "sl";
    case K::kTakeProfit: return "tp";
    case K::kStopOut: return "stop_out";
    case K::kManual: return "manual";
    case K::kPositionsMismatch: return "positions_mismatch";
  }
  MTG_CHECK_MSG(false, "bad EventKind");
}

Result<EventKind> parse_event_kind(std::string_view name) {
  for (EventKind k : kKinds) {
    if (name == event_kind_name(k)) return k;
  }
  return Status::invalid("unknown event kind " + std::string(name));
}

std::string TradeEvent::to_json() const {
  nlohmann::ordered_json j;
  j["id"] = id;
  j["instance"] = instance;
  j["kind"] = event_kind_name(kind);
  j["symbol"] = symbol;
  j["side"] = side_name(side);
  j["volume"] = volume;
  j["price"] = price;
  j["order"] = order;
  j["deal"] = deal;
  j["position"] = position;
  j["ref"] = ref;
  j["reason"] = reason;
  j["ts"] = ts_ms;
  return dump_json(j);
}

Result<TradeEvent> TradeEvent::from_json(std::string_view json_text) {
  auto doc = parse_json_object(json_text, kMaxEventJsonBytes);
  TradeEvent e;
  const Status s = doc ? decode_fields(*doc, e) : doc.status();
  if (!s) return Status::corruption("event: " + s.message());
  return e;
}

std::string event_id(std::string_view instance, std::string_view what, int64_t ticket) {
  MTG_CHECK(ticket >= 0);
  std::string id(instance);
  id += ':';
  id += what;
  id += ':';
  id += std::to_string(ticket);
  return id;
}

}  // namespace mtg
