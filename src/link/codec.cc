#include "link/codec.h"

#include <cstddef>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>
#include <utility>

#include "link/field_reader.h"
#include "util/check.h"

namespace mtg::link {
namespace {

using json = nlohmann::json;

constexpr int64_t kMaxLeg = 1000;
constexpr int64_t kMaxRetcode = 99999;
constexpr int64_t kMaxVersion = 1'000'000;
constexpr int64_t kMinHeartbeatMs = 10;
constexpr int64_t kMaxHeartbeatMs = 60'000;
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();  // tickets, times, points
constexpr size_t kMaxRefChars = kMaxUuidChars;                  // a ref is the uuid of a signal
constexpr size_t kMaxEventReasonChars = kMaxResultReasonChars;  // both are the broker's comment

// The wire "type" of each alternative of Frame, in the variant's order: the one list
// that both frame_type and decode go by.
constexpr const char* kFrameTypes[] = {
    "hello", "welcome", "heartbeat", "order",  "result", "query",     "known",
    "positions_request", "positions", "orders", "event", "event_ack", "error"};
static_assert(std::size(kFrameTypes) == std::variant_size_v<Frame>);

constexpr KnownState kKnownStates[] = {KnownState::kUnknown, KnownState::kPending, KnownState::kDone};

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Needed by clang 14 (no aggregate deduction), used by the fuzz build.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// ---- encoding -------------------------------------------------------------------------
// Fields added in version 2 are written only when they are set or differ from their
// default, so what version 1 had encodes as version 1 wrote it.

template <typename T>
void put_if_set(json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

template <typename T>
void put_unless_default(json& j, const char* key, const T& value) {
  if (value != T{}) j[key] = value;
}

json order_json(const OrderFrame& f) {
  json j{{"client_id", f.client_id}, {"uuid", f.uuid},
         {"leg", f.leg},             {"symbol", f.symbol},
         {"side", side_name(f.side)}, {"order_type", order_type_name(f.order_type)},
         {"volume", f.volume},       {"expires_at", f.expires_at}};
  if (f.action == Action::kOpen) {
    // Version 1's shape: price, sl and tp always, 0 = none.
    j["price"] = f.price.value_or(0);
    j["sl"] = f.sl.value_or(0);
    j["tp"] = f.tp.value_or(0);
  } else {
    j["action"] = action_name(f.action);
    put_if_set(j, "price", f.price);
    put_if_set(j, "sl", f.sl);
    put_if_set(j, "tp", f.tp);
  }
  put_if_set(j, "stop_limit_price", f.stop_limit_price);
  put_if_set(j, "expiration", f.expiration);
  put_unless_default(j, "deviation", f.deviation);
  put_unless_default(j, "position", f.position);
  put_unless_default(j, "order", f.order);
  put_unless_default(j, "ref", f.ref);
  if (f.close_side != CloseSide::kBoth) j["close_side"] = close_side_name(f.close_side);
  put_unless_default(j, "expected_volume", f.expected_volume);
  return j;
}

json result_json(const ResultFrame& r) {
  json j{{"client_id", r.client_id}, {"uuid", r.uuid},
         {"leg", r.leg},             {"retcode", r.retcode},
         {"filled_volume", r.filled_volume}, {"price", r.price},
         {"ticket", r.ticket},       {"deal", r.deal},
         {"reason", r.reason}};
  put_unless_default(j, "position", r.position);
  return j;
}

json known_json(const KnownFrame& f) {
  json orders = json::array();
  for (const KnownOrder& o : f.orders) {
    MTG_CHECK(!(o.pending && o.result));                        // a result is the done state
    MTG_CHECK(!o.result || o.result->client_id == o.client_id);  // and answers its own id
    json e = o.result ? result_json(*o.result) : json{{"client_id", o.client_id}};
    e["state"] = known_state_name(o.state());
    orders.push_back(std::move(e));
  }
  return json{{"orders", std::move(orders)}};
}

json position_json(const Position& p) {
  json j{{"ticket", p.ticket}, {"symbol", p.symbol}, {"side", side_name(p.side)}, {"volume", p.volume},
         {"price", p.price}};
  put_unless_default(j, "sl", p.sl);
  put_unless_default(j, "tp", p.tp);
  put_unless_default(j, "ref", p.ref);
  return j;
}

json pending_order_json(const PendingOrder& o) {
  return json{{"ticket", o.ticket},
              {"symbol", o.symbol},
              {"side", side_name(o.side)},
              {"order_type", order_type_name(o.type)},
              {"volume", o.volume},
              {"price", o.price},
              {"stop_limit_price", o.stop_limit_price},
              {"sl", o.sl},
              {"tp", o.tp},
              {"expiration", o.expiration_ms},
              {"ref", o.ref}};
}

json event_json(const TradeEvent& e) {
  return json{{"id", e.id},
              {"kind", event_kind_name(e.kind)},
              {"symbol", e.symbol},
              {"side", side_name(e.side)},
              {"volume", e.volume},
              {"price", e.price},
              {"order", e.order},
              {"deal", e.deal},
              {"position", e.position},
              {"ref", e.ref},
              {"reason", e.reason},
              {"ts", e.ts_ms}};
}

// A list of objects, each encoded by `to_json`.
template <typename T>
json list_json(const std::vector<T>& items, json (*to_json)(const T&)) {
  json list = json::array();
  for (const T& item : items) list.push_back(to_json(item));
  return list;
}

json encode_json(const Frame& frame) {
  return std::visit(
      Overloaded{
          [](const Hello& f) {
            return json{{"version", f.version}, {"instance", f.instance}, {"token", f.token},
                        {"terminal", f.terminal}, {"broker_connected", f.broker_connected}};
          },
          [](const Welcome& f) { return json{{"version", f.version}, {"heartbeat_ms", f.heartbeat_ms}}; },
          [](const Heartbeat& f) {
            json j{{"ts", f.ts}};
            put_if_set(j, "broker_connected", f.broker_connected);
            return j;
          },
          [](const OrderFrame& f) { return order_json(f); },
          [](const ResultFrame& f) { return result_json(f); },
          [](const QueryFrame& f) { return json{{"client_ids", f.client_ids}}; },
          [](const KnownFrame& f) { return known_json(f); },
          [](const PositionsRequest&) { return json::object(); },
          [](const Positions& f) {
            return json{{"positions", list_json(f.positions, position_json)}, {"truncated", f.truncated}};
          },
          [](const Orders& f) {
            return json{{"orders", list_json(f.orders, pending_order_json)}, {"truncated", f.truncated}};
          },
          [](const EventFrame& f) { return event_json(f.event); },
          [](const EventAck& f) { return json{{"ids", f.ids}}; },
          [](const ErrorFrame& f) { return json{{"reason", f.reason}}; },
      },
      frame);
}

// ---- decoding -------------------------------------------------------------------------
// One `read` per frame type; optional fields (those added in version 2, and the
// ones an action leaves out) are read only when present and keep their default otherwise.

Result<KnownState> parse_known_state(std::string_view name) {
  std::string accepted;
  for (KnownState s : kKnownStates) {
    if (name == known_state_name(s)) return s;
    accepted += std::string(accepted.empty() ? "" : ", ") + '"' + known_state_name(s) + '"';
  }
  return Status::invalid("must be one of " + accepted);
}

OrderFrame read(FieldReader& r, std::type_identity<OrderFrame>) {
  OrderFrame f;
  f.client_id = r.str("client_id", kMaxClientIdChars);
  f.uuid = r.str("uuid", kMaxUuidChars);
  f.leg = static_cast<int>(r.integer("leg", 0, kMaxLeg));
  f.symbol = r.str("symbol", kMaxSymbolChars);
  f.side = r.name("side", parse_side);
  f.order_type = r.name("order_type", parse_order_type);
  f.volume = r.number("volume");
  f.expires_at = r.integer("expires_at", 0, kMaxInt64);
  if (r.has("action")) f.action = r.name("action", parse_action);
  // An open carries price, sl and tp as in version 1 (0 = none); other actions only
  // those they set (absent = unchanged).
  const std::pair<const char*, std::optional<double>*> prices[] = {
      {"price", &f.price}, {"sl", &f.sl}, {"tp", &f.tp}};
  for (const auto& [key, value] : prices) {
    if (f.action == Action::kOpen || r.has(key)) *value = r.number(key);
  }
  if (r.has("stop_limit_price")) f.stop_limit_price = r.number("stop_limit_price");
  if (r.has("expiration")) f.expiration = r.integer("expiration", 0, kMaxInt64);
  if (r.has("deviation")) f.deviation = r.integer("deviation", 0, kMaxInt64);
  if (r.has("position")) f.position = r.integer("position", 0, kMaxInt64);
  if (r.has("order")) f.order = r.integer("order", 0, kMaxInt64);
  if (r.has("ref")) f.ref = r.str("ref", kMaxRefChars);
  if (r.has("close_side")) f.close_side = r.name("close_side", parse_close_side);
  if (r.has("expected_volume")) f.expected_volume = r.number("expected_volume");
  MTG_CHECK(!r.ok() || f.action != Action::kOpen || (f.price && f.sl && f.tp));
  return f;
}

ResultFrame read(FieldReader& r, std::type_identity<ResultFrame>) {
  ResultFrame f;
  f.client_id = r.str("client_id", kMaxClientIdChars);
  f.uuid = r.str("uuid", kMaxUuidChars);
  f.leg = static_cast<int>(r.integer("leg", 0, kMaxLeg));
  f.retcode = static_cast<int>(r.integer("retcode", 0, kMaxRetcode));
  f.filled_volume = r.number("filled_volume");
  f.price = r.number("price");
  f.ticket = r.integer("ticket", 0, kMaxInt64);
  f.deal = r.integer("deal", 0, kMaxInt64);
  f.reason = r.str("reason", kMaxResultReasonChars);
  if (r.has("position")) f.position = r.integer("position", 0, kMaxInt64);
  return f;
}

KnownOrder read_known_order(FieldReader& r) {
  KnownOrder o;
  const KnownState state = r.name("state", parse_known_state);
  if (state == KnownState::kDone) {
    o.result = read(r, std::type_identity<ResultFrame>{});
    o.client_id = o.result->client_id;
    return o;
  }
  o.client_id = r.str("client_id", kMaxClientIdChars);
  o.pending = state == KnownState::kPending;
  // Only a settled order has an outcome to report.
  if (r.has("retcode")) r.fail("retcode", "only in an order of state \"done\"");
  MTG_CHECK(!r.ok() || o.state() == state);
  return o;
}

Position read_position(FieldReader& r) {
  Position p;
  p.ticket = r.integer("ticket", 0, kMaxInt64);
  p.symbol = r.str("symbol", kMaxSymbolChars);
  p.side = r.name("side", parse_side);
  p.volume = r.number("volume");
  p.price = r.number("price");
  if (r.has("sl")) p.sl = r.number("sl");
  if (r.has("tp")) p.tp = r.number("tp");
  if (r.has("ref")) p.ref = r.str("ref", kMaxRefChars);
  return p;
}

PendingOrder read_pending_order(FieldReader& r) {
  PendingOrder o;
  o.ticket = r.integer("ticket", 0, kMaxInt64);
  o.symbol = r.str("symbol", kMaxSymbolChars);
  o.side = r.name("side", parse_side);
  o.type = r.name("order_type", parse_order_type);
  if (r.ok() && !is_pending(o.type)) r.fail("order_type", "a pending order is never \"market\"");
  o.volume = r.number("volume");
  o.price = r.number("price");
  o.stop_limit_price = r.number("stop_limit_price");
  o.sl = r.number("sl");
  o.tp = r.number("tp");
  o.expiration_ms = r.integer("expiration", 0, kMaxInt64);
  o.ref = r.str("ref", kMaxRefChars);
  return o;
}

EventFrame read(FieldReader& r, std::type_identity<EventFrame>) {
  EventFrame f;  // f.event.instance stays empty: the connection says it
  TradeEvent& e = f.event;
  e.id = r.str("id", kMaxEventIdChars, 1);
  e.kind = r.name("kind", parse_event_kind);
  e.symbol = r.str("symbol", kMaxSymbolChars);
  e.side = r.name("side", parse_side);
  e.volume = r.number("volume");
  e.price = r.number("price");
  e.order = r.integer("order", 0, kMaxInt64);
  e.deal = r.integer("deal", 0, kMaxInt64);
  e.position = r.integer("position", 0, kMaxInt64);
  e.ref = r.str("ref", kMaxRefChars);
  e.reason = r.str("reason", kMaxEventReasonChars);
  e.ts_ms = r.integer("ts", 0, kMaxInt64);
  return f;
}

Hello read(FieldReader& r, std::type_identity<Hello>) {
  Hello f;
  f.version = static_cast<int>(r.integer("version", 0, kMaxVersion));
  f.instance = r.str("instance", kMaxInstanceChars);
  f.token = r.str("token", kMaxTokenChars);
  f.terminal = r.str("terminal", kMaxTerminalChars);
  f.broker_connected = r.boolean("broker_connected");
  return f;
}

Welcome read(FieldReader& r, std::type_identity<Welcome>) {
  Welcome f;
  f.version = static_cast<int>(r.integer("version", 0, kMaxVersion));
  f.heartbeat_ms = static_cast<int>(r.integer("heartbeat_ms", kMinHeartbeatMs, kMaxHeartbeatMs));
  return f;
}

Heartbeat read(FieldReader& r, std::type_identity<Heartbeat>) {
  Heartbeat f;
  f.ts = r.integer("ts", 0, kMaxInt64);
  if (r.has("broker_connected")) f.broker_connected = r.boolean("broker_connected");
  return f;
}

QueryFrame read(FieldReader& r, std::type_identity<QueryFrame>) {
  return QueryFrame{r.strings("client_ids", kMaxQueryIds, kMaxClientIdChars)};
}

KnownFrame read(FieldReader& r, std::type_identity<KnownFrame>) {
  return KnownFrame{r.objects<KnownOrder>("orders", kMaxKnownPerFrame, read_known_order)};
}

PositionsRequest read(FieldReader&, std::type_identity<PositionsRequest>) { return PositionsRequest{}; }

Positions read(FieldReader& r, std::type_identity<Positions>) {
  Positions f;
  f.positions = r.objects<Position>("positions", kMaxPositionsPerFrame, read_position);
  if (r.has("truncated")) f.truncated = r.boolean("truncated");
  return f;
}

Orders read(FieldReader& r, std::type_identity<Orders>) {
  Orders f;
  f.orders = r.objects<PendingOrder>("orders", kMaxOrdersPerFrame, read_pending_order);
  if (r.has("truncated")) f.truncated = r.boolean("truncated");
  return f;
}

EventAck read(FieldReader& r, std::type_identity<EventAck>) {
  return EventAck{r.strings("ids", kMaxEventAckIds, kMaxEventIdChars, 1)};
}

ErrorFrame read(FieldReader& r, std::type_identity<ErrorFrame>) {
  return ErrorFrame{r.str("reason", kMaxErrorReasonChars)};
}

// Reads the alternative `index` of Frame: the readers are listed in the variant's order.
template <size_t... I>
Frame read_alternative(size_t index, FieldReader& r, std::index_sequence<I...>) {
  using ReadFn = Frame (*)(FieldReader&);
  static constexpr ReadFn kReaders[] = {[](FieldReader& fr) -> Frame {
    return read(fr, std::type_identity<std::variant_alternative_t<I, Frame>>{});
  }...};
  MTG_CHECK(index < std::size(kReaders));
  return kReaders[index](r);
}

// The index in Frame of the wire type `type`, nullopt for an unknown type.
std::optional<size_t> frame_index(std::string_view type) {
  for (size_t i = 0; i < std::size(kFrameTypes); ++i) {
    if (type == kFrameTypes[i]) return i;
  }
  return std::nullopt;
}

}  // namespace

const char* known_state_name(KnownState state) {
  switch (state) {
    case KnownState::kUnknown: return "unknown";
    case KnownState::kPending: return "pending";
    case KnownState::kDone: return "done";
  }
  MTG_CHECK_MSG(false, "bad KnownState");
}

const char* frame_type(const Frame& frame) {
  MTG_CHECK(frame.index() < std::size(kFrameTypes));  // not valueless
  return kFrameTypes[frame.index()];
}

std::string encode(const Frame& frame) {
  json j = encode_json(frame);
  j["type"] = frame_type(frame);
  std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace);
  line.push_back('\n');
  MTG_CHECK(line.find('\n') == line.size() - 1);  // one frame, one line: JSON escapes newlines in strings
  return line;
}

Result<Frame> decode(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() + 1 > kMaxLineBytes) return Status::invalid("line longer than 65536 bytes");
  const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid("not valid JSON");
  if (!j.is_object()) return Status::invalid("not a JSON object");
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) return Status::invalid("field \"type\": missing or not a string");
  const std::string& type = type_it->get_ref<const std::string&>();
  const std::optional<size_t> index = frame_index(type);
  if (!index) return Status::invalid("unknown frame type \"" + type.substr(0, 32) + "\"");
  FieldReader r(j);
  Frame frame = read_alternative(*index, r, std::make_index_sequence<std::variant_size_v<Frame>>{});
  if (!r.ok()) return Status::invalid(type + ": " + r.error());
  MTG_CHECK(frame.index() == *index);
  return frame;
}

}  // namespace mtg::link
