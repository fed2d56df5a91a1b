// The simulator's durable records: one type per kind of line in its files. Deals go to
// the ledger (one JSON line per deal, the public "Simulator ledger" format of
// docs/protocol.md); everything else goes to the journal. A record that changes the
// broker's book says the change in full, so replaying the records in order rebuilds
// the book exactly; a record that settles a client's order carries its result.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "link/frame.h"
#include "sim/order_book.h"
#include "sim/position_book.h"
#include "trade/trade_event.h"
#include "util/status.h"

namespace mtg::sim {

// What is about to be executed, journaled before the broker is asked ("intent").
struct IntentRecord {
  std::string client_id;
  std::string uuid;
  int leg = 0;
  Action action = Action::kOpen;
  std::string symbol;
  Side side = Side::kBuy;
  double volume = 0;  // requested lots
  int64_t ts = 0;     // Unix ms
  bool operator==(const IntentRecord&) const = default;
};

// The result of an order that changed nothing: refused, failed, expired, no changes
// ("outcome").
struct OutcomeRecord {
  link::ResultFrame result;
  int64_t ts = 0;
  bool operator==(const OutcomeRecord&) const = default;
};

// A deal (a ledger line). Made for a client's order (`result` set: this deal's part of
// the answer, retcode 10009 on the last deal of a complete action, else 10010) or by
// the broker itself (`event` set: a pending order triggered, an SL or TP hit).
struct DealRecord {
  Deal deal;
  DealEffect effect;                        // what it did to the positions
  std::string action;                       // "open", "close", "close_all", or the event's kind
  std::optional<link::ResultFrame> result;  // filled_volume and price of this deal alone
  std::optional<TradeEvent> event;
  double requested_volume = 0;  // what the order asked for (0 = all, for a close)
  std::string comment;          // the deal's comment at the broker (≤ kMaxCommentChars)
  int64_t ts = 0;
  bool operator==(const DealRecord&) const = default;
};

// A pending order placed, modified, or activated (a stop_limit that reached its stop
// and became a limit): the order as it is after the change.
enum class OrderChange { kPlaced, kModified, kActivated };
struct OrderRecord {
  OrderChange change = OrderChange::kPlaced;
  PendingOrder order;
  std::optional<link::ResultFrame> result;  // placed, modified: the client's answer
  int64_t ts = 0;
  bool operator==(const OrderRecord&) const = default;
};

// A pending order cancelled by a client (`result`) or expired (`event`).
struct OrderEndRecord {
  OrderEnd end = OrderEnd::kCancelled;  // never kFilled: a fill is a DealRecord
  int64_t ticket = 0;
  std::optional<link::ResultFrame> result;
  std::optional<TradeEvent> event;
  int64_t ts = 0;
  bool operator==(const OrderEndRecord&) const = default;
};

// New stops of positions, set by a modify ("stops").
struct PositionStops {
  int64_t ticket = 0;
  double sl = 0;  // 0 = none
  double tp = 0;
  bool operator==(const PositionStops&) const = default;
};
struct StopsRecord {
  std::vector<PositionStops> stops;
  link::ResultFrame result;
  int64_t ts = 0;
  bool operator==(const StopsRecord&) const = default;
};

// Trade events the engine acknowledged ("ack"): they are not sent again.
struct AckRecord {
  std::vector<std::string> ids;
  int64_t ts = 0;
  bool operator==(const AckRecord&) const = default;
};

using Record = std::variant<IntentRecord, OutcomeRecord, DealRecord, OrderRecord, OrderEndRecord, StopsRecord,
                            AckRecord>;

// Whether the record is a ledger line (a deal) rather than a journal line.
inline bool is_ledger_line(const Record& record) { return std::holds_alternative<DealRecord>(record); }

// The client's result a record settles, or nullptr.
const link::ResultFrame* settled_result(const Record& record);
// The trade event a record reports, or nullptr.
const TradeEvent* reported_event(const Record& record);

// One line of the ledger (deals) or journal (the rest, tagged "rec"), with `seq`, the
// record's place in the order of both files.
nlohmann::json record_to_json(const Record& record, int64_t seq);
// Inverse of record_to_json for a line of the ledger (`ledger_line`) or the journal;
// sets `seq`. Errors are kCorruption naming the field.
Result<Record> record_from_json(const nlohmann::json& line, bool ledger_line, int64_t& seq);

}  // namespace mtg::sim
