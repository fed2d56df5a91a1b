// What happens at a broker without a signal asking for it (docs/requirements.md
// "Trade events"): a pending order triggered, cancelled or expired by the broker, an SL
// or TP hit, a stop-out, a trade made by hand in the terminal, or a difference the
// engine found between a terminal's positions and its own records. Terminals report
// them at least once (link `event` frames, kept until acknowledged); the engine appends
// each to the Redis stream <prefix>events (field `event`), and the backend records each
// once in DuckDB trade_events and ClickHouse mtguard.trade_events, keyed by `id`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "trade/trade_action.h"
#include "util/status.h"

namespace mtg {

enum class EventKind {
  kOrderTriggered,     // a pending order reached its price and became a position
  kOrderCancelled,     // the broker (or the trader, by hand) removed a pending order
  kOrderExpired,       // a pending order reached its expiration
  kStopLoss,           // a position (or part) closed by its SL
  kTakeProfit,         // a position (or part) closed by its TP
  kStopOut,            // the broker closed a position for lack of margin
  kManual,             // a deal made in the terminal by hand or by another program
  kPositionsMismatch,  // the engine adopted a terminal's positions that its records did not imply
};

// "order_triggered", "order_cancelled", "order_expired", "sl", "tp", "stop_out",
// "manual", "positions_mismatch".
const char* event_kind_name(EventKind kind);
// Inverse of event_kind_name; kInvalidArgument naming the accepted values otherwise.
Result<EventKind> parse_event_kind(std::string_view name);

// Largest event JSON accepted by TradeEvent::from_json.
constexpr int64_t kMaxEventJsonBytes = 16 * 1024;

struct TradeEvent {
  std::string id;        // deterministic per fact, e.g. "demo-1:deal:4711"; the dedup key
  std::string instance;
  EventKind kind = EventKind::kManual;
  std::string symbol;    // the canonical symbol (the engine maps the broker's name back)
  Side side = Side::kBuy;
  double volume = 0;     // lots the event moved (0 when none, e.g. an expired order)
  double price = 0;      // deal price, or the pending order's price
  int64_t order = 0;     // order ticket, 0 when none
  int64_t deal = 0;      // deal ticket, 0 when none
  int64_t position = 0;  // position ticket, 0 when none
  std::string ref;       // uuid of the signal whose order or position it was, "" when unknown
  std::string reason;    // the broker's comment, e.g. "[sl 1.09500]"
  int64_t ts_ms = 0;     // when it happened at the broker, Unix ms

  // The public JSON of the events stream: id, instance, kind, symbol, side, volume,
  // price, order, deal, position, ref, reason, ts (in this order).
  std::string to_json() const;
  // Decodes to_json's output (every field required). Errors are kCorruption naming
  // the field.
  static Result<TradeEvent> from_json(std::string_view json_text);

  bool operator==(const TradeEvent&) const = default;
};

// "<instance>:<what>:<ticket>" — the id of an event about one deal or order, e.g.
// event_id("demo-1", "deal", 4711) == "demo-1:deal:4711".
std::string event_id(std::string_view instance, std::string_view what, int64_t ticket);

}  // namespace mtg
