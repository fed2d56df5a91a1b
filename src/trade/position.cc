#include "trade/position.h"

#include <nlohmann/json.hpp>

#include "util/json_fields.h"

namespace mtg {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

template <typename E>
Status read_enum(const JsonFields& f, const char* key, Result<E> (*parse)(std::string_view), E& out) {
  std::string name;
  MTG_ASSIGN_FIELD(name, f.text(key));
  auto value = parse(name);
  if (!value) return value.status().with_context(std::string("field ") + key);
  out = *value;
  return Status::ok();
}

ojson position_object(const Position& p) {
  return ojson{{"ticket", p.ticket}, {"symbol", p.symbol}, {"side", side_name(p.side)}, {"volume", p.volume},
               {"price", p.price},   {"sl", p.sl},         {"tp", p.tp},               {"ref", p.ref}};
}

ojson order_object(const PendingOrder& o) {
  return ojson{{"ticket", o.ticket}, {"symbol", o.symbol}, {"side", side_name(o.side)},
               {"type", order_type_name(o.type)}, {"volume", o.volume}, {"price", o.price},
               {"stop_limit_price", o.stop_limit_price}, {"sl", o.sl}, {"tp", o.tp},
               {"expiration", o.expiration_ms}, {"ref", o.ref}};
}

Status decode_position(const json& doc, Position& p) {
  if (!doc.is_object()) return Status::invalid("not a JSON object");
  const JsonFields f(doc);
  MTG_ASSIGN_FIELD(p.ticket, f.integer("ticket"));
  MTG_ASSIGN_FIELD(p.symbol, f.text("symbol"));
  MTG_RETURN_IF_ERROR(read_enum<Side>(f, "side", parse_side, p.side));
  MTG_ASSIGN_FIELD(p.volume, f.number("volume"));
  MTG_ASSIGN_FIELD(p.price, f.number("price"));
  MTG_ASSIGN_FIELD(p.sl, f.number("sl"));
  MTG_ASSIGN_FIELD(p.tp, f.number("tp"));
  MTG_ASSIGN_FIELD(p.ref, f.text("ref"));
  return Status::ok();
}

Status decode_order(const json& doc, PendingOrder& o) {
  if (!doc.is_object()) return Status::invalid("not a JSON object");
  const JsonFields f(doc);
  MTG_ASSIGN_FIELD(o.ticket, f.integer("ticket"));
  MTG_ASSIGN_FIELD(o.symbol, f.text("symbol"));
  MTG_RETURN_IF_ERROR(read_enum<Side>(f, "side", parse_side, o.side));
  MTG_RETURN_IF_ERROR(read_enum<OrderType>(f, "type", parse_order_type, o.type));
  MTG_ASSIGN_FIELD(o.volume, f.number("volume"));
  MTG_ASSIGN_FIELD(o.price, f.number("price"));
  MTG_ASSIGN_FIELD(o.stop_limit_price, f.number("stop_limit_price"));
  MTG_ASSIGN_FIELD(o.sl, f.number("sl"));
  MTG_ASSIGN_FIELD(o.tp, f.number("tp"));
  MTG_ASSIGN_FIELD(o.expiration_ms, f.integer("expiration"));
  MTG_ASSIGN_FIELD(o.ref, f.text("ref"));
  return Status::ok();
}

// Decodes the array `key` of `doc` element by element; errors name the element.
template <typename T>
Status decode_list(const json& doc, const char* key, Status (*decode)(const json&, T&), std::vector<T>& out) {
  auto it = doc.find(key);
  if (it == doc.end()) return field_error(key, "is required");
  if (!it->is_array()) return field_error(key, "must be an array");
  for (size_t i = 0; i < it->size(); ++i) {
    T item;
    if (Status s = decode((*it)[i], item); !s) {
      return s.with_context(std::string("field ") + key + "[" + std::to_string(i) + "]");
    }
    out.push_back(std::move(item));
  }
  return Status::ok();
}

Status decode_holdings(const json& doc, Holdings& h) {
  MTG_RETURN_IF_ERROR(decode_list<Position>(doc, "positions", decode_position, h.positions));
  MTG_RETURN_IF_ERROR(decode_list<PendingOrder>(doc, "orders", decode_order, h.orders));
  const JsonFields f(doc);
  MTG_ASSIGN_FIELD(h.reported_at_ms, f.integer("reported_at"));
  auto it = doc.find("truncated");
  if (it == doc.end() || !it->is_boolean()) return field_error("truncated", "must be true or false");
  h.truncated = it->get<bool>();
  return Status::ok();
}

}  // namespace

std::string holdings_to_json(const Holdings& holdings) {
  ojson positions = ojson::array();
  for (const Position& p : holdings.positions) positions.push_back(position_object(p));
  ojson orders = ojson::array();
  for (const PendingOrder& o : holdings.orders) orders.push_back(order_object(o));
  ojson j;
  j["positions"] = std::move(positions);
  j["orders"] = std::move(orders);
  j["reported_at"] = holdings.reported_at_ms;
  j["truncated"] = holdings.truncated;
  return dump_json(j);
}

Result<Holdings> holdings_from_json(std::string_view json_text) {
  auto doc = parse_json_object(json_text, kMaxHoldingsJsonBytes);
  Holdings h;
  const Status s = doc ? decode_holdings(*doc, h) : doc.status();
  if (!s) return Status::corruption("holdings: " + s.message());
  return h;
}

}  // namespace mtg
