#include "signal/signal_parser.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "signal/uuid.h"
#include "util/check.h"
#include "util/json_fields.h"

namespace mtg {
namespace {

using nlohmann::json;

constexpr int64_t kMaxExtractBytes = 1 << 20;
constexpr int64_t kMaxTicket = std::numeric_limits<int64_t>::max();
constexpr char kBadName[] = "must be 1 to 64 printable ASCII characters (no spaces)";
constexpr char kBadTicket[] = "must be a ticket (an integer > 0)";

// One bit per value of an enum (Action, OrderType), to say which values take a field.
template <typename E>
constexpr unsigned bit(E value) {
  return 1U << static_cast<unsigned>(value);
}

// A field and the enum values (a mask of bit()) that take it.
struct FieldRule {
  const char* key;
  unsigned takers;
};

constexpr unsigned kTargetsPosition = bit(Action::kClose) | bit(Action::kModify);
constexpr unsigned kTargetsOrder = bit(Action::kModifyOrder) | bit(Action::kCancel);

// Every field beyond uuid, instance, action, created_at and ttl_ms, with the actions
// that take it (the table of docs/requirements.md "Signals in"). Fields not listed here
// are ignored, as version 1 did.
constexpr FieldRule kActionFields[] = {
    {"symbol", bit(Action::kOpen) | bit(Action::kClose) | bit(Action::kCloseAll)},
    {"side", bit(Action::kOpen) | bit(Action::kCloseAll)},
    {"type", bit(Action::kOpen)},
    {"volume", bit(Action::kOpen) | bit(Action::kClose)},
    {"price", bit(Action::kOpen) | bit(Action::kModifyOrder)},
    {"stop_limit_price", bit(Action::kOpen) | bit(Action::kModifyOrder)},
    {"sl", bit(Action::kOpen) | bit(Action::kModify) | bit(Action::kModifyOrder)},
    {"tp", bit(Action::kOpen) | bit(Action::kModify) | bit(Action::kModifyOrder)},
    {"expiration", bit(Action::kOpen) | bit(Action::kModifyOrder)},
    {"deviation_points", bit(Action::kOpen)},
    {"position", kTargetsPosition},
    {"order", kTargetsOrder},
    {"ref", kTargetsPosition | kTargetsOrder},
};

constexpr unsigned kPendingTypes =
    bit(OrderType::kLimit) | bit(OrderType::kStop) | bit(OrderType::kStopLimit);

// The fields of an open that only some order types take.
constexpr FieldRule kOrderTypeFields[] = {
    {"stop_limit_price", bit(OrderType::kStopLimit)},
    {"expiration", kPendingTypes},
    {"deviation_points", bit(OrderType::kMarket)},
};

// The first field of `rules` present in `f` that `value` does not take, refused as
// "not allowed for <whom>".
template <typename E, size_t N>
Status refuse_foreign(const JsonFields& f, const FieldRule (&rules)[N], E value, const std::string& whom) {
  for (const FieldRule& rule : rules) {
    const bool taken = (rule.takers & bit(value)) != 0;
    if (!taken && f.has(rule.key)) return field_error(rule.key, "not allowed for " + whom);
  }
  return Status::ok();
}

bool is_valid_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameChars) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;  // control, space, DEL and non-ASCII
  }
  return true;
}

Result<std::string> read_name(const JsonFields& f, const char* key) {
  auto name = f.text(key);
  if (name && !is_valid_name(*name)) return field_error(key, kBadName);
  return name;
}

// A name that may be absent ("").
Result<std::string> read_optional_name(const JsonFields& f, const char* key) {
  if (!f.has(key)) return std::string();
  return read_name(f, key);
}

// uuid, ref: canonical form.
Result<std::string> read_uuid(const JsonFields& f, const char* key) {
  auto text = f.text(key);
  if (!text) return text;
  auto uuid = normalize_uuid(*text);
  if (!uuid) return uuid.status().with_context(std::string("field ") + key);
  return uuid;
}

// Whether 0 itself is an accepted value of a number.
enum class Floor { kZero, kAboveZero };

// An optional finite number >= 0 (kZero) or > 0 (kAboveZero); absent = nullopt.
Result<std::optional<double>> read_number(const JsonFields& f, const char* key, Floor floor) {
  if (!f.has(key)) return std::optional<double>();
  const bool zero_ok = floor == Floor::kZero;
  auto v = f.number(key);
  if (!v || !(zero_ok ? *v >= 0 : *v > 0)) {
    return field_error(key, zero_ok ? "must be a finite number >= 0" : "must be a finite number > 0");
  }
  return std::optional<double>(*v);
}

// An optional integer within [min, max], refused with `why` otherwise; absent = nullopt.
Result<std::optional<int64_t>> read_integer(const JsonFields& f, const char* key, int64_t min, int64_t max,
                                            const std::string& why) {
  MTG_CHECK(min <= max);
  if (!f.has(key)) return std::optional<int64_t>();
  auto v = f.integer(key);
  if (!v || *v < min || *v > max) return field_error(key, why);
  return std::optional<int64_t>(*v);
}

Result<double> read_volume(const JsonFields& f) {
  if (!f.has("volume")) return field_error("volume", "is required");
  auto v = read_number(f, "volume", Floor::kAboveZero);
  if (!v) return v.status();
  return **v;
}

Result<int64_t> read_created_at(const JsonFields& f) {
  if (!f.has("created_at")) return field_error("created_at", "is required");
  auto v = read_integer(f, "created_at", 1, kMaxUnixMs - 1,
                        "must be a positive integer of Unix milliseconds before year 3000");
  if (!v) return v.status();
  return **v;
}

Result<int64_t> read_ttl(const JsonFields& f, const SignalLimits& limits) {
  auto v = read_integer(f, "ttl_ms", 1, limits.max_ttl_ms,
                        "must be an integer in 1.." + std::to_string(limits.max_ttl_ms));
  if (!v) return v.status();
  return v->value_or(limits.default_ttl_ms);
}

Result<std::optional<int64_t>> read_expiration(const JsonFields& f) {
  return read_integer(f, "expiration", 0, kMaxUnixMs - 1,
                      "must be an integer of Unix milliseconds before year 3000 (0 = good till cancelled)");
}

template <typename T, typename Parse>
Result<T> read_enum(const JsonFields& f, const char* key, Parse parse) {
  auto name = f.text(key);
  if (!name) return name.status();
  auto value = parse(*name);
  if (!value) return value.status().with_context(std::string("field ") + key);
  return value;
}

// What a close, modify, modify_order or cancel acts on: the ticket field `ticket_key`
// (position or order) or ref, exactly one of them.
Status read_target(const JsonFields& f, const char* ticket_key, Action action, int64_t& ticket,
                   std::string& ref) {
  MTG_CHECK(targets_existing(action));
  const bool by_ticket = f.has(ticket_key);
  if (by_ticket == f.has("ref")) {
    if (by_ticket) return field_error("ref", std::string("not allowed together with ") + ticket_key);
    return field_error(ticket_key,
                       fmt::format("{} or ref is required for action {}", ticket_key, action_name(action)));
  }
  if (!by_ticket) {
    MTG_ASSIGN_FIELD(ref, read_uuid(f, "ref"));
    return Status::ok();
  }
  std::optional<int64_t> t;
  MTG_ASSIGN_FIELD(t, read_integer(f, ticket_key, 1, kMaxTicket, kBadTicket));
  ticket = *t;
  MTG_CHECK(ticket > 0);
  return Status::ok();
}

// Ok when `level` (sl or tp) is unset, 0 (none), or on its side (`below` or above) of
// the price a pending order enters at.
Status check_level(const Signal& s, const char* key, std::optional<double> level, bool below,
                   const char* entry_key, double entry) {
  if (!level || *level == 0 || (below ? *level < entry : *level > entry)) return Status::ok();
  return field_error(key, fmt::format("must be {} {} {} for a {} {}", below ? "below" : "above", entry_key,
                                      entry, side_name(s.side), order_type_name(s.type)));
}

// A pending open's prices: price > 0, stop_limit_price for a stop_limit, and SL / TP on
// the right side of where it enters (a stop_limit at its limit price, else at price).
Status check_pending_prices(const Signal& s) {
  MTG_CHECK(is_pending(s.type));
  const char* type = order_type_name(s.type);
  if (!(s.price.value_or(0) > 0)) {
    return field_error("price", fmt::format("must be > 0 for a {} order", type));
  }
  const bool stop_limit = s.type == OrderType::kStopLimit;
  if (stop_limit && !s.stop_limit_price) {
    return field_error("stop_limit_price", "is required for a stop_limit order");
  }
  MTG_CHECK(stop_limit == s.stop_limit_price.has_value());  // other types: refused by kOrderTypeFields
  const char* entry_key = stop_limit ? "stop_limit_price" : "price";
  const double entry = stop_limit ? *s.stop_limit_price : *s.price;
  MTG_CHECK(entry > 0);
  // A buy's SL is below where it enters and its TP above; a sell's the other way round.
  const bool buy = s.side == Side::kBuy;
  MTG_RETURN_IF_ERROR(check_level(s, "sl", s.sl, buy, entry_key, entry));
  return check_level(s, "tp", s.tp, !buy, entry_key, entry);
}

Status read_open(const JsonFields& f, Signal& s) {
  MTG_ASSIGN_FIELD(s.symbol, read_name(f, "symbol"));
  MTG_ASSIGN_FIELD(s.side, read_enum<Side>(f, "side", parse_side));
  if (f.has("type")) MTG_ASSIGN_FIELD(s.type, read_enum<OrderType>(f, "type", parse_order_type));
  MTG_ASSIGN_FIELD(s.volume, read_volume(f));
  MTG_RETURN_IF_ERROR(
      refuse_foreign(f, kOrderTypeFields, s.type, fmt::format("a {} order", order_type_name(s.type))));
  MTG_ASSIGN_FIELD(s.price, read_number(f, "price", Floor::kZero));
  MTG_ASSIGN_FIELD(s.stop_limit_price, read_number(f, "stop_limit_price", Floor::kAboveZero));
  MTG_ASSIGN_FIELD(s.sl, read_number(f, "sl", Floor::kZero));
  MTG_ASSIGN_FIELD(s.tp, read_number(f, "tp", Floor::kZero));
  MTG_ASSIGN_FIELD(s.expiration_ms, read_expiration(f));
  std::optional<int64_t> deviation;
  MTG_ASSIGN_FIELD(deviation,
                   read_integer(f, "deviation_points", 0, kMaxDeviationPoints,
                                "must be an integer in 0.." + std::to_string(kMaxDeviationPoints)));
  s.deviation_points = deviation.value_or(0);
  return is_pending(s.type) ? check_pending_prices(s) : Status::ok();
}

Status read_close(const JsonFields& f, Signal& s) {
  MTG_RETURN_IF_ERROR(read_target(f, "position", s.action, s.position, s.ref));
  std::optional<double> volume;
  MTG_ASSIGN_FIELD(volume, read_number(f, "volume", Floor::kAboveZero));
  s.volume = volume.value_or(0);  // 0: all of it
  MTG_ASSIGN_FIELD(s.symbol, read_optional_name(f, "symbol"));
  return Status::ok();
}

Status read_close_all(const JsonFields& f, Signal& s) {
  MTG_ASSIGN_FIELD(s.symbol, read_optional_name(f, "symbol"));
  if (f.has("side")) MTG_ASSIGN_FIELD(s.close_side, read_enum<CloseSide>(f, "side", parse_close_side));
  return Status::ok();
}

Status read_modify(const JsonFields& f, Signal& s) {
  MTG_RETURN_IF_ERROR(read_target(f, "position", s.action, s.position, s.ref));
  MTG_ASSIGN_FIELD(s.sl, read_number(f, "sl", Floor::kZero));
  MTG_ASSIGN_FIELD(s.tp, read_number(f, "tp", Floor::kZero));
  if (!s.sl && !s.tp) return field_error("sl", "sl or tp is required for action modify");
  return Status::ok();
}

Status read_modify_order(const JsonFields& f, Signal& s) {
  MTG_RETURN_IF_ERROR(read_target(f, "order", s.action, s.order, s.ref));
  MTG_ASSIGN_FIELD(s.price, read_number(f, "price", Floor::kAboveZero));
  MTG_ASSIGN_FIELD(s.stop_limit_price, read_number(f, "stop_limit_price", Floor::kAboveZero));
  MTG_ASSIGN_FIELD(s.sl, read_number(f, "sl", Floor::kZero));
  MTG_ASSIGN_FIELD(s.tp, read_number(f, "tp", Floor::kZero));
  MTG_ASSIGN_FIELD(s.expiration_ms, read_expiration(f));
  if (!s.price && !s.stop_limit_price && !s.sl && !s.tp && !s.expiration_ms) {
    return field_error(
        "price", "one of price, stop_limit_price, sl, tp or expiration is required for action modify_order");
  }
  return Status::ok();
}

Status read_action_fields(const JsonFields& f, Signal& s) {
  MTG_RETURN_IF_ERROR(
      refuse_foreign(f, kActionFields, s.action, std::string("action ") + action_name(s.action)));
  switch (s.action) {
    case Action::kOpen:
      return read_open(f, s);
    case Action::kClose:
      return read_close(f, s);
    case Action::kCloseAll:
      return read_close_all(f, s);
    case Action::kModify:
      return read_modify(f, s);
    case Action::kModifyOrder:
      return read_modify_order(f, s);
    case Action::kCancel:
      return read_target(f, "order", s.action, s.order, s.ref);
  }
  MTG_CHECK_MSG(false, "bad Action");
}

// What parse_signal_object promises of every signal it returns (signal.h).
void check_parsed(const Signal& s, const SignalLimits& limits) {
  MTG_CHECK(s.uuid.size() == kUuidCanonicalChars);
  // What expires_at_ms() requires, whether ttl_ms came from the signal or the default.
  MTG_CHECK(s.created_at_ms > 0);
  MTG_CHECK(s.ttl_ms > 0);
  MTG_CHECK(s.ttl_ms <= limits.max_ttl_ms);
  const bool open = s.action == Action::kOpen;
  MTG_CHECK(!open || (s.volume > 0 && !s.symbol.empty()));
  MTG_CHECK(s.volume == 0 || open || s.action == Action::kClose);
  MTG_CHECK(!open || !is_pending(s.type) || s.price.value_or(0) > 0);
  MTG_CHECK(open || (s.side == Side::kBuy && s.type == OrderType::kMarket && s.deviation_points == 0));
  MTG_CHECK(s.action == Action::kCloseAll || s.close_side == CloseSide::kBoth);
  // A target is named exactly once, by ticket or ref, and only by the actions that take one.
  const int targets = (s.position != 0) + (s.order != 0) + !s.ref.empty();
  MTG_CHECK(targets == (targets_existing(s.action) ? 1 : 0));
}

}  // namespace

SignalLimits signal_limits(const EngineConfig& engine) {
  SignalLimits limits;
  limits.max_bytes = engine.max_signal_bytes;
  limits.default_ttl_ms = engine.default_ttl_ms;
  if (limits.max_ttl_ms < limits.default_ttl_ms) limits.max_ttl_ms = limits.default_ttl_ms;
  return limits;
}

Result<Signal> parse_signal_object(const json& object, const SignalLimits& limits) {
  MTG_CHECK(limits.max_bytes > 0);
  MTG_CHECK(limits.default_ttl_ms > 0);
  MTG_CHECK(limits.default_ttl_ms <= limits.max_ttl_ms);
  if (!object.is_object()) return Status::invalid("signal: not a JSON object");
  const JsonFields f(object);
  Signal s;
  MTG_ASSIGN_FIELD(s.uuid, read_uuid(f, "uuid"));
  MTG_ASSIGN_FIELD(s.instance, read_name(f, "instance"));
  if (f.has("action")) MTG_ASSIGN_FIELD(s.action, read_enum<Action>(f, "action", parse_action));
  MTG_RETURN_IF_ERROR(read_action_fields(f, s));
  MTG_ASSIGN_FIELD(s.created_at_ms, read_created_at(f));
  MTG_ASSIGN_FIELD(s.ttl_ms, read_ttl(f, limits));
  check_parsed(s, limits);
  return s;
}

Result<Signal> parse_signal(std::string_view json_text, const SignalLimits& limits) {
  auto doc = parse_json_object(json_text, limits.max_bytes);
  if (!doc) return doc.status().with_context("signal");
  return parse_signal_object(*doc, limits);
}

std::string extract_uuid(std::string_view raw) {
  auto doc = parse_json_object(raw, kMaxExtractBytes);
  if (!doc) return "";
  auto uuid = read_uuid(JsonFields(*doc), "uuid");
  MTG_CHECK(!uuid || uuid->size() == kUuidCanonicalChars);
  return uuid ? *uuid : "";
}

}  // namespace mtg
