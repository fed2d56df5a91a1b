// Schema and type checks of a producer's signal JSON (docs/requirements.md "Signals in").
// Semantic checks against the configuration live in signal_validator.h.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "config/config.h"
#include "signal/signal.h"
#include "util/status.h"

namespace mtg {

// Bounds applied while parsing. Invariant: max_bytes > 0, 0 < default_ttl_ms <= max_ttl_ms.
struct SignalLimits {
  int64_t max_bytes = 16384;          // larger payloads are refused before parsing
  int64_t default_ttl_ms = 30000;     // used when the signal has no ttl_ms
  int64_t max_ttl_ms = 86'400'000;    // one day
};

// Longest instance or symbol name, in bytes.
constexpr size_t kMaxNameChars = 64;
// created_at must be before 3000-01-01T00:00:00Z (catches microsecond timestamps).
constexpr int64_t kMaxCreatedAtMs = 32'503'680'000'000;

// The limits the engine configuration asks for (max_signal_bytes, default_ttl_ms).
SignalLimits signal_limits(const EngineConfig& engine);

// Parses one signal. Required: uuid, instance, symbol, side, volume, created_at;
// optional: type ("market"), price/sl/tp (0), ttl_ms (limits.default_ttl_ms); other
// fields are ignored. Every error is kInvalidArgument with a reason naming the field,
// e.g. "field volume: must be a finite number > 0"; whole-payload errors read
// "signal: too large: N bytes > M", "signal: malformed JSON: …" (numbers
// beyond double range such as 1e999 are malformed here), "signal: not a JSON object".
// The uuid is returned in canonical lower-case 8-4-4-4-12 form.
Result<Signal> parse_signal(std::string_view json_text, const SignalLimits& limits);

// The same checks on an already parsed JSON object (e.g. a signal nested in an order).
Result<Signal> parse_signal_object(const nlohmann::json& object, const SignalLimits& limits);

// Best effort: the canonical uuid when `raw` is a JSON object (of at most 1 MiB) whose
// "uuid" field is a valid uuid string, whatever else is wrong with it; else "".
std::string extract_uuid(std::string_view raw);

}  // namespace mtg
