#include "util/json_fields.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "util/check.h"

namespace mtg {

using nlohmann::json;

namespace {

constexpr size_t kMaxParserReasonChars = 160;

// nlohmann's message without its "[json.exception.parse_error.101] " tag, bounded,
// and printable ASCII only (it quotes the offending input, which may be any bytes).
std::string parser_reason(std::string_view what) {
  if (const size_t tag_end = what.find("] "); what.starts_with("[json.") && tag_end != std::string_view::npos) {
    what.remove_prefix(tag_end + 2);
  }
  std::string reason(what.substr(0, kMaxParserReasonChars));
  for (char& c : reason) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  MTG_CHECK(reason.size() <= kMaxParserReasonChars);
  return reason;
}

}  // namespace

Result<json> parse_json_object(std::string_view text, int64_t max_bytes) {
  MTG_CHECK(max_bytes > 0);
  if (static_cast<int64_t>(text.size()) > max_bytes) {
    return Status::invalid("too large: " + std::to_string(text.size()) + " bytes > " +
                           std::to_string(max_bytes));
  }
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return Status::invalid("malformed JSON: " + parser_reason(e.what()));
  }
  if (!doc.is_object()) return Status::invalid("not a JSON object");
  return doc;
}

std::string dump_json(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Status field_error(std::string_view key, std::string_view why) {
  MTG_CHECK(!key.empty());
  return Status::invalid("field " + std::string(key) + ": " + std::string(why));
}

JsonFields::JsonFields(const json& object) : object_(object) { MTG_CHECK(object_.is_object()); }

bool JsonFields::has(const char* key) const { return object_.contains(key); }

const json* JsonFields::find(const char* key, Status* missing) const {
  auto it = object_.find(key);
  if (it == object_.end()) {
    *missing = field_error(key, "is required");
    return nullptr;
  }
  return &*it;
}

Result<std::string> JsonFields::text(const char* key) const {
  Status missing;
  const json* v = find(key, &missing);
  if (v == nullptr) return missing;
  if (!v->is_string()) return field_error(key, "must be a string");
  return v->get<std::string>();
}

Result<double> JsonFields::number(const char* key) const {
  Status missing;
  const json* v = find(key, &missing);
  if (v == nullptr) return missing;
  if (!v->is_number()) return field_error(key, "must be a number");
  const double d = v->get<double>();
  if (!std::isfinite(d)) return field_error(key, "must be a finite number");
  return d;
}

Result<int64_t> JsonFields::integer(const char* key) const {
  Status missing;
  const json* v = find(key, &missing);
  if (v == nullptr) return missing;
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return field_error(key, "integer out of range");
    }
    return static_cast<int64_t>(u);
  }
  if (!v->is_number_integer()) return field_error(key, "must be an integer");
  return v->get<int64_t>();
}

Result<uint64_t> JsonFields::unsigned_integer(const char* key) const {
  Status missing;
  const json* v = find(key, &missing);
  if (v == nullptr) return missing;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer()) return field_error(key, "must not be negative");
  return field_error(key, "must be a non-negative integer");
}

Result<const json*> JsonFields::object(const char* key) const {
  Status missing;
  const json* v = find(key, &missing);
  if (v == nullptr) return missing;
  if (!v->is_object()) return field_error(key, "must be an object");
  return v;
}

}  // namespace mtg
