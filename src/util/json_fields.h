// Typed, bounded access to the fields of one parsed JSON object, for the domain's
// decoders (signals, orders, results). Errors are kInvalidArgument and name the
// field: "field volume: must be a number". Never throws.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "util/status.h"

namespace mtg {

// Parses `text` as one JSON object of at most `max_bytes` bytes. Errors:
// "too large: N bytes > M", "malformed JSON: <parser's reason>", "not a JSON object".
Result<nlohmann::json> parse_json_object(std::string_view text, int64_t max_bytes);

// Compact JSON text; invalid UTF-8 in strings is replaced, never thrown on.
std::string dump_json(const nlohmann::ordered_json& value);

class JsonFields {
 public:
  // Precondition: `object` is a JSON object that outlives this reader.
  explicit JsonFields(const nlohmann::json& object);

  bool has(const char* key) const;
  // A required string field.
  Result<std::string> text(const char* key) const;
  // A required finite number (integer or floating point).
  Result<double> number(const char* key) const;
  // A required integer within int64 (1.0 or 1e3 are not integers here).
  Result<int64_t> integer(const char* key) const;
  // A required non-negative integer within uint64.
  Result<uint64_t> unsigned_integer(const char* key) const;
  // A required JSON object; the reference lives as long as the object read.
  Result<const nlohmann::json*> object(const char* key) const;

 private:
  // The field, or nullptr and `missing` set to the "is required" error.
  const nlohmann::json* find(const char* key, Status* missing) const;

  const nlohmann::json& object_;
};

// "field KEY: WHY" as a kInvalidArgument status.
Status field_error(std::string_view key, std::string_view why);

}  // namespace mtg

// Moves the value of the Result `expr` into `out`, or returns its status.
#define MTG_ASSIGN_FIELD(out, expr)              \
  do {                                           \
    auto mtg_field_ = (expr);                    \
    if (!mtg_field_) return mtg_field_.status(); \
    (out) = std::move(*mtg_field_);              \
  } while (0)
