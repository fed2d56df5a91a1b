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
// created_at and expiration must be before 3000-01-01T00:00:00Z (catches microsecond
// timestamps).
constexpr int64_t kMaxUnixMs = 32'503'680'000'000;
// Largest deviation_points a market open may accept.
constexpr int64_t kMaxDeviationPoints = 1'000'000;

// The limits the engine configuration asks for (max_signal_bytes, default_ttl_ms).
SignalLimits signal_limits(const EngineConfig& engine);

// Parses one signal, version 1 or 2. Always required: uuid, instance, created_at;
// optional: action ("open"), ttl_ms (limits.default_ttl_ms). Then per action (absent
// optional fields stay nullopt / 0 / ""; a given 0 is kept):
// - open: symbol, side ("buy"|"sell"), volume > 0; type ("market"); price >= 0, and
//   > 0 for limit, stop, stop_limit; stop_limit_price > 0, required for and only taken
//   by stop_limit; expiration (integer Unix ms, 0 = good till cancelled) only for the
//   pending types; deviation_points (integer 0..kMaxDeviationPoints) only for market;
//   sl, tp >= 0, and when > 0 on a pending order: buy sl < P < tp, sell tp < P < sl,
//   where P is stop_limit_price for stop_limit, else price.
// - close: position (ticket, integer > 0) or ref (uuid of the open), exactly one;
//   volume > 0 (absent = all); symbol.
// - close_all: symbol (absent = every symbol); side "long"|"short"|"both" (default).
// - modify: position or ref; sl >= 0 and/or tp >= 0 (0 removes).
// - modify_order: order (ticket) or ref; at least one of price > 0,
//   stop_limit_price > 0, sl >= 0, tp >= 0, expiration.
// - cancel: order or ref.
// A field of another action is refused ("field position: not allowed for action
// open"), as is an open field the order type does not take ("field expiration: not
// allowed for a market order"); fields nobody takes are ignored. Every error is
// kInvalidArgument with a reason naming the field, e.g. "field volume: must be a finite
// number > 0", "field sl: must be below price 1.05 for a buy limit"; whole-payload
// errors read "signal: too large: N bytes > M", "signal: malformed JSON: …" (numbers
// beyond double range such as 1e999 are malformed here), "signal: not a JSON object".
// The uuid and ref are returned in canonical lower-case 8-4-4-4-12 form.
Result<Signal> parse_signal(std::string_view json_text, const SignalLimits& limits);

// The same checks on an already parsed JSON object (e.g. a signal nested in an order).
Result<Signal> parse_signal_object(const nlohmann::json& object, const SignalLimits& limits);

// Best effort: the canonical uuid when `raw` is a JSON object (of at most 1 MiB) whose
// "uuid" field is a valid uuid string, whatever else is wrong with it; else "".
std::string extract_uuid(std::string_view raw);

}  // namespace mtg
