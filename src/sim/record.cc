#include "sim/record.h"

#include <utility>

#include "util/check.h"
#include "util/json_fields.h"

namespace mtg::sim {
namespace {

using json = nlohmann::json;

// ---- encoding ------------------------------------------------------------------

json result_json(const link::ResultFrame& r) {
  return json{
      {"client_id", r.client_id},         {"uuid", r.uuid},    {"leg", r.leg},       {"retcode", r.retcode},
      {"filled_volume", r.filled_volume}, {"price", r.price},  {"ticket", r.ticket}, {"deal", r.deal},
      {"position", r.position},           {"reason", r.reason}};
}

json order_json(const PendingOrder& o) {
  return json{{"ticket", o.ticket},
              {"symbol", o.symbol},
              {"side", side_name(o.side)},
              {"type", order_type_name(o.type)},
              {"volume", o.volume},
              {"price", o.price},
              {"stop_limit_price", o.stop_limit_price},
              {"sl", o.sl},
              {"tp", o.tp},
              {"expiration", o.expiration_ms},
              {"ref", o.ref}};
}

json event_json(const TradeEvent& e) { return json::parse(e.to_json()); }

const char* order_change_name(OrderChange change) {
  switch (change) {
    case OrderChange::kPlaced: return "placed";
    case OrderChange::kModified: return "modified";
    case OrderChange::kActivated: return "activated";
  }
  MTG_CHECK_MSG(false, "bad OrderChange");
}

// Deals of these actions close (part of) the position they name; the others open.
bool is_closing(const std::string& action) {
  return action == action_name(Action::kClose) || action == action_name(Action::kCloseAll) ||
         action == event_kind_name(EventKind::kStopLoss) || action == event_kind_name(EventKind::kTakeProfit);
}

bool fills_pending(const std::string& action) {
  return action == event_kind_name(EventKind::kOrderTriggered);
}

// The deal line: the public ledger fields, then what replay needs.
json deal_json(const DealRecord& r) {
  const Deal& d = r.deal;
  MTG_CHECK(d.position == (is_closing(r.action) ? r.effect.position : 0));
  MTG_CHECK(d.fills_pending == fills_pending(r.action));
  json line{{"action", r.action},
            {"symbol", d.symbol},
            {"side", side_name(d.side)},
            {"volume", d.volume},
            {"requested_volume", r.requested_volume},
            {"price", d.price},
            {"ticket", d.ticket},
            {"deal", d.deal},
            {"position", r.effect.position},
            {"entry", deal_entry_name(r.effect.entry)},
            {"sl", d.sl},
            {"tp", d.tp},
            {"ref", d.ref},
            {"comment", r.comment},
            {"ts", r.ts}};
  if (r.result) {
    const link::ResultFrame& res = *r.result;
    MTG_CHECK(res.filled_volume == d.volume && res.price == d.price);
    MTG_CHECK(res.ticket == d.ticket && res.deal == d.deal && res.position == r.effect.position);
    line["uuid"] = res.uuid;
    line["client_id"] = res.client_id;
    line["leg"] = res.leg;
    line["retcode"] = res.retcode;
    line["reason"] = res.reason;
  }
  if (r.event) line["event"] = event_json(*r.event);
  // A triggered pending order executes the signal that placed it: its uuid is summed.
  if (d.fills_pending) line["uuid"] = d.ref;
  return line;
}

struct Encoder {
  json operator()(const IntentRecord& r) const {
    return json{{"rec", "intent"},
                {"client_id", r.client_id},
                {"uuid", r.uuid},
                {"leg", r.leg},
                {"action", action_name(r.action)},
                {"symbol", r.symbol},
                {"side", side_name(r.side)},
                {"volume", r.volume},
                {"ts", r.ts}};
  }
  json operator()(const OutcomeRecord& r) const {
    return json{{"rec", "outcome"}, {"result", result_json(r.result)}, {"ts", r.ts}};
  }
  json operator()(const DealRecord& r) const { return deal_json(r); }
  json operator()(const OrderRecord& r) const {
    json line{{"rec", order_change_name(r.change)}, {"order", order_json(r.order)}, {"ts", r.ts}};
    if (r.result) line["result"] = result_json(*r.result);
    return line;
  }
  json operator()(const OrderEndRecord& r) const {
    MTG_CHECK(r.end != OrderEnd::kFilled);
    json line{{"rec", order_end_name(r.end)}, {"ticket", r.ticket}, {"ts", r.ts}};
    if (r.result) line["result"] = result_json(*r.result);
    if (r.event) line["event"] = event_json(*r.event);
    return line;
  }
  json operator()(const StopsRecord& r) const {
    json stops = json::array();
    for (const PositionStops& s : r.stops) {
      stops.push_back(json{{"ticket", s.ticket}, {"sl", s.sl}, {"tp", s.tp}});
    }
    return json{{"rec", "stops"}, {"stops", stops}, {"result", result_json(r.result)}, {"ts", r.ts}};
  }
  json operator()(const AckRecord& r) const { return json{{"rec", "ack"}, {"ids", r.ids}, {"ts", r.ts}}; }
};

// ---- decoding ------------------------------------------------------------------

// Reads typed fields of one object; the first error is kept and later reads do nothing.
class Reader {
 public:
  explicit Reader(const json& object) : object_(object), fields_(object) {}

  bool has(const char* key) const { return fields_.has(key); }
  void text(const char* key, std::string& out) { take(fields_.text(key), out); }
  void number(const char* key, double& out) { take(fields_.number(key), out); }
  void integer(const char* key, int64_t& out) { take(fields_.integer(key), out); }
  void integer(const char* key, int& out) {
    int64_t wide = 0;
    integer(key, wide);
    if (!std::in_range<int>(wide)) return fail(key, "out of range");
    out = static_cast<int>(wide);
  }
  template <typename T>
  void name(const char* key, T& out, Result<T> (*parse)(std::string_view)) {
    std::string text_value;
    text(key, text_value);
    if (!status_.is_ok()) return;
    take(parse(text_value), out, key);
  }
  const json* object(const char* key) {
    auto it = object_.find(key);
    if (it == object_.end() || !it->is_object()) {
      fail(key, "must be an object");
      return nullptr;
    }
    return &*it;
  }
  const json* array(const char* key) {
    auto it = object_.find(key);
    if (it == object_.end() || !it->is_array()) {
      fail(key, "must be an array");
      return nullptr;
    }
    return &*it;
  }
  void fail(std::string_view key, std::string_view why) {
    if (status_.is_ok()) status_ = field_error(key, why);
  }
  void absorb(const Status& s) {
    if (status_.is_ok() && !s.is_ok()) status_ = s;
  }
  const Status& status() const { return status_; }

 private:
  template <typename T, typename U>
  void take(Result<T> value, U& out, const char* key = nullptr) {
    if (!status_.is_ok()) return;
    if (!value) {
      status_ = key == nullptr ? value.status() : field_error(key, value.status().message());
      return;
    }
    out = std::move(*value);
  }

  const json& object_;
  JsonFields fields_;
  Status status_;
};

link::ResultFrame read_result(Reader& r) {
  link::ResultFrame res;
  r.text("client_id", res.client_id);
  r.text("uuid", res.uuid);
  r.integer("leg", res.leg);
  r.integer("retcode", res.retcode);
  r.number("filled_volume", res.filled_volume);
  r.number("price", res.price);
  r.integer("ticket", res.ticket);
  r.integer("deal", res.deal);
  r.integer("position", res.position);
  r.text("reason", res.reason);
  return res;
}

// The nested object `key` read by `read` into out; errors name the key.
template <typename T>
void nested(Reader& r, const char* key, T& out, T (*read)(Reader&)) {
  const json* object = r.object(key);
  if (object == nullptr) return;
  Reader inner(*object);
  out = read(inner);
  if (!inner.status().is_ok()) r.absorb(inner.status().with_context(std::string("field ") + key));
}

PendingOrder read_order(Reader& r) {
  PendingOrder o;
  r.integer("ticket", o.ticket);
  r.text("symbol", o.symbol);
  r.name("side", o.side, parse_side);
  r.name("type", o.type, parse_order_type);
  r.number("volume", o.volume);
  r.number("price", o.price);
  r.number("stop_limit_price", o.stop_limit_price);
  r.number("sl", o.sl);
  r.number("tp", o.tp);
  r.integer("expiration", o.expiration_ms);
  r.text("ref", o.ref);
  return o;
}

std::optional<link::ResultFrame> optional_result(Reader& r) {
  if (!r.has("result")) return std::nullopt;
  link::ResultFrame res;
  nested(r, "result", res, read_result);
  return res;
}

std::optional<TradeEvent> optional_event(Reader& r) {
  if (!r.has("event")) return std::nullopt;
  const json* object = r.object("event");
  if (object == nullptr) return std::nullopt;
  auto event = TradeEvent::from_json(object->dump());
  if (!event) {
    r.absorb(event.status().with_context("field event"));
    return std::nullopt;
  }
  return *event;
}

DealRecord read_deal(Reader& r) {
  DealRecord rec;
  Deal& d = rec.deal;
  r.text("action", rec.action);
  r.text("symbol", d.symbol);
  r.name("side", d.side, parse_side);
  r.number("volume", d.volume);
  r.number("requested_volume", rec.requested_volume);
  r.number("price", d.price);
  r.integer("ticket", d.ticket);
  r.integer("deal", d.deal);
  r.integer("position", rec.effect.position);
  r.name("entry", rec.effect.entry, parse_deal_entry);
  r.number("sl", d.sl);
  r.number("tp", d.tp);
  r.text("ref", d.ref);
  r.text("comment", rec.comment);
  r.integer("ts", rec.ts);
  d.position = is_closing(rec.action) ? rec.effect.position : 0;
  d.fills_pending = fills_pending(rec.action);
  rec.event = optional_event(r);
  if (r.has("client_id")) {
    link::ResultFrame res{"", "", 0, 0, d.volume, d.price, d.ticket, d.deal, "", rec.effect.position};
    r.text("client_id", res.client_id);
    r.text("uuid", res.uuid);
    r.integer("leg", res.leg);
    r.integer("retcode", res.retcode);
    r.text("reason", res.reason);
    rec.result = res;
  }
  if (rec.result.has_value() == rec.event.has_value()) {
    r.fail("client_id", "a deal has a client's result or an event");
  }
  return rec;
}

Result<OrderChange> parse_order_change(std::string_view name) {
  for (OrderChange c : {OrderChange::kPlaced, OrderChange::kModified, OrderChange::kActivated}) {
    if (name == order_change_name(c)) return c;
  }
  return Status::invalid("not an order change");
}

Result<OrderEnd> parse_order_end(std::string_view name) {
  for (OrderEnd e : {OrderEnd::kCancelled, OrderEnd::kExpired}) {
    if (name == order_end_name(e)) return e;
  }
  return Status::invalid("not an order end");
}

std::vector<PositionStops> read_stops(Reader& r) {
  std::vector<PositionStops> out;
  const json* stops = r.array("stops");
  for (size_t i = 0; stops != nullptr && i < stops->size(); ++i) {
    const json& item = (*stops)[i];
    if (!item.is_object()) {
      r.fail("stops", "must be objects");
      break;
    }
    Reader inner(item);
    PositionStops p;
    inner.integer("ticket", p.ticket);
    inner.number("sl", p.sl);
    inner.number("tp", p.tp);
    r.absorb(inner.status().with_context("field stops"));
    out.push_back(p);
  }
  return out;
}

std::vector<std::string> read_ids(Reader& r) {
  std::vector<std::string> out;
  const json* ids = r.array("ids");
  for (size_t i = 0; ids != nullptr && i < ids->size(); ++i) {
    if (!(*ids)[i].is_string()) {
      r.fail("ids", "must be strings");
      break;
    }
    out.push_back((*ids)[i].get<std::string>());
  }
  return out;
}

Record read_journal_line(Reader& r, const std::string& rec) {
  int64_t ts = 0;
  r.integer("ts", ts);
  if (rec == "intent") {
    IntentRecord i;
    r.text("client_id", i.client_id);
    r.text("uuid", i.uuid);
    r.integer("leg", i.leg);
    r.name("action", i.action, parse_action);
    r.text("symbol", i.symbol);
    r.name("side", i.side, parse_side);
    r.number("volume", i.volume);
    i.ts = ts;
    return i;
  }
  if (rec == "outcome") {
    OutcomeRecord o{{}, ts};
    nested(r, "result", o.result, read_result);
    return o;
  }
  if (auto change = parse_order_change(rec)) {
    OrderRecord o{*change, {}, std::nullopt, ts};
    nested(r, "order", o.order, read_order);
    o.result = optional_result(r);
    return o;
  }
  if (auto end = parse_order_end(rec)) {
    OrderEndRecord o{*end, 0, std::nullopt, std::nullopt, ts};
    r.integer("ticket", o.ticket);
    o.result = optional_result(r);
    o.event = optional_event(r);
    return o;
  }
  if (rec == "stops") {
    StopsRecord s{read_stops(r), {}, ts};
    nested(r, "result", s.result, read_result);
    return s;
  }
  if (rec == "ack") return AckRecord{read_ids(r), ts};
  r.fail("rec", "unknown record " + rec);
  return AckRecord{};
}

}  // namespace

const link::ResultFrame* settled_result(const Record& record) {
  return std::visit(
      [](const auto& r) -> const link::ResultFrame* {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, OutcomeRecord> || std::is_same_v<T, StopsRecord>) {
          return &r.result;
        } else if constexpr (std::is_same_v<T, DealRecord> || std::is_same_v<T, OrderRecord> ||
                             std::is_same_v<T, OrderEndRecord>) {
          return r.result ? &*r.result : nullptr;
        } else {
          return nullptr;
        }
      },
      record);
}

const TradeEvent* reported_event(const Record& record) {
  if (const auto* deal = std::get_if<DealRecord>(&record)) return deal->event ? &*deal->event : nullptr;
  if (const auto* end = std::get_if<OrderEndRecord>(&record)) return end->event ? &*end->event : nullptr;
  return nullptr;
}

json record_to_json(const Record& record, int64_t seq) {
  MTG_CHECK(seq > 0);
  json line = std::visit(Encoder{}, record);
  line["seq"] = seq;
  return line;
}

Result<Record> record_from_json(const json& line, bool ledger_line, int64_t& seq) {
  MTG_CHECK(line.is_object());
  Reader r(line);
  r.integer("seq", seq);
  if (r.status().is_ok() && seq <= 0) r.fail("seq", "must be positive");
  Record record = AckRecord{};
  if (ledger_line) {
    record = read_deal(r);
  } else {
    std::string rec;
    r.text("rec", rec);
    if (r.status().is_ok()) record = read_journal_line(r, rec);
  }
  if (!r.status().is_ok()) return Status::corruption(r.status().message());
  return record;
}

}  // namespace mtg::sim
