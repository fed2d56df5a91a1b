#include "signal/signal_parser.h"

#include <nlohmann/json.hpp>

#include "util/json_fields.h"
#include "signal/uuid.h"
#include "util/check.h"

namespace mtg {
namespace {

using nlohmann::json;

constexpr int64_t kMaxExtractBytes = 1 << 20;
constexpr char kBadName[] = "must be 1 to 64 printable ASCII characters (no spaces)";

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

Result<std::string> read_uuid(const JsonFields& f) {
  auto text = f.text("uuid");
  if (!text) return text;
  auto uuid = normalize_uuid(*text);
  if (!uuid) return uuid.status().with_context("field uuid");
  return uuid;
}

Result<double> read_volume(const JsonFields& f) {
  if (!f.has("volume")) return field_error("volume", "is required");
  auto v = f.number("volume");
  if (!v || !(*v > 0)) return field_error("volume", "must be a finite number > 0");
  return v;
}

// price, sl, tp: optional (absent = not given).
Result<std::optional<double>> read_price(const JsonFields& f, const char* key) {
  if (!f.has(key)) return std::optional<double>();
  auto v = f.number(key);
  if (!v || !(*v >= 0)) return field_error(key, "must be a finite number >= 0");
  return std::optional<double>(*v);
}

Result<int64_t> read_created_at(const JsonFields& f) {
  if (!f.has("created_at")) return field_error("created_at", "is required");
  auto v = f.integer("created_at");
  if (!v || *v <= 0 || *v >= kMaxCreatedAtMs) {
    return field_error("created_at", "must be a positive integer of Unix milliseconds before year 3000");
  }
  return v;
}

Result<int64_t> read_ttl(const JsonFields& f, const SignalLimits& limits) {
  if (!f.has("ttl_ms")) return limits.default_ttl_ms;
  auto v = f.integer("ttl_ms");
  if (!v || *v <= 0 || *v > limits.max_ttl_ms) {
    return field_error("ttl_ms", "must be an integer in 1.." + std::to_string(limits.max_ttl_ms));
  }
  return v;
}

template <typename T, typename Parse>
Result<T> read_enum(const JsonFields& f, const char* key, Parse parse) {
  auto name = f.text(key);
  if (!name) return name.status();
  auto value = parse(*name);
  if (!value) return value.status().with_context(std::string("field ") + key);
  return value;
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
  MTG_ASSIGN_FIELD(s.uuid, read_uuid(f));
  MTG_ASSIGN_FIELD(s.instance, read_name(f, "instance"));
  MTG_ASSIGN_FIELD(s.symbol, read_name(f, "symbol"));
  MTG_ASSIGN_FIELD(s.side, read_enum<Side>(f, "side", parse_side));
  if (f.has("type")) MTG_ASSIGN_FIELD(s.type, read_enum<OrderType>(f, "type", parse_order_type));
  MTG_ASSIGN_FIELD(s.volume, read_volume(f));
  MTG_ASSIGN_FIELD(s.price, read_price(f, "price"));
  MTG_ASSIGN_FIELD(s.sl, read_price(f, "sl"));
  MTG_ASSIGN_FIELD(s.tp, read_price(f, "tp"));
  MTG_ASSIGN_FIELD(s.created_at_ms, read_created_at(f));
  MTG_ASSIGN_FIELD(s.ttl_ms, read_ttl(f, limits));
  if (s.type != OrderType::kMarket && !(s.price.value_or(0) > 0)) {
    return field_error("price", std::string("must be > 0 for a ") + order_type_name(s.type) + " order");
  }
  MTG_CHECK(s.uuid.size() == kUuidCanonicalChars);
  MTG_CHECK(s.volume > 0);
  // What expires_at_ms() requires, whether ttl_ms came from the signal or the default.
  MTG_CHECK(s.created_at_ms > 0);
  MTG_CHECK(s.ttl_ms > 0);
  MTG_CHECK(s.ttl_ms <= limits.max_ttl_ms);
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
  auto uuid = read_uuid(JsonFields(*doc));
  MTG_CHECK(!uuid || uuid->size() == kUuidCanonicalChars);
  return uuid ? *uuid : "";
}

}  // namespace mtg
