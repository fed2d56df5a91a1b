// Execution results as published on RTRS (docs/requirements.md "Results out") and stored in
// DuckDB trade_history and ClickHouse trade_results. Result ids are deterministic so
// that a replay after a crash is idempotent downstream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "order/order.h"
#include "util/status.h"

namespace mtg {

enum class ResultStatus {
  kFilled, kPartial, kFailed, kRejected, kExpired, kDuplicate, kDropped,
  kPlaced,     // a pending order rests at the broker (open limit/stop/stop_limit)
  kModified,   // SL/TP of a position, or a pending order, changed (modify, modify_order)
  kCancelled,  // a pending order removed (cancel)
};

// "filled", "partial", "failed", "rejected", "expired", "duplicate", "dropped",
// "placed", "modified", "cancelled".
const char* result_status_name(ResultStatus status);
// Inverse of result_status_name; kInvalidArgument "unknown result status X" otherwise.
Result<ResultStatus> parse_result_status(std::string_view name);
// True for the one result every signal ends with: every status but partial and duplicate.
bool is_final(ResultStatus status);

// Largest result JSON accepted by TradeResult::from_json.
constexpr int64_t kMaxResultJsonBytes = 64 * 1024;

struct TradeResult {
  std::string result_id;  // deterministic, see *_result_id below
  std::string uuid;       // "" for a rejected payload without a usable uuid
  std::string instance;
  std::string symbol;
  std::string side;       // "buy", "sell" or "" when unknown
  ResultStatus status = ResultStatus::kRejected;
  double volume = 0;         // lots requested
  double filled_volume = 0;  // lots executed
  double avg_price = 0;      // volume-weighted; 0 without fills
  std::string reason;
  uint64_t ticket = 0;       // broker order ticket, 0 when none
  int retcode = 0;           // MT5 trade server return code, 0 when none
  int64_t ts_ms = 0;         // when the result was produced, Unix ms
  std::string stream_id;     // RTSS entry id of the signal
  // Version 2 (trade actions):
  std::string action = "open";  // the signal's action (trade/trade_action.h names)
  uint64_t deal = 0;         // last deal ticket, 0 when none
  uint64_t position = 0;     // position ticket opened, changed or closed; 0 when none
  std::string retcode_name;  // e.g. "TRADE_RETCODE_DONE"; "" when retcode is 0

  // The public RTRS JSON: result_id, uuid, instance, symbol, side, status, volume,
  // filled_volume, avg_price, price (the same average, under the name of contract
  // version 2), reason, ticket, order (the same ticket, version 2's name), retcode,
  // ts, stream_id, action, deal, position, retcode_name (in this order); the reason is
  // written through clip_reason.
  std::string to_json() const;
  // Decodes to_json's output. The fields of version 2 (action … retcode_name, price,
  // order) are optional so that results written before them still decode (action
  // "open", 0, ""); the others are required. Errors are kCorruption naming the field.
  static Result<TradeResult> from_json(std::string_view json_text);

  bool operator==(const TradeResult&) const = default;
};

// uuid + ":final" — the one final result of a signal.
std::string final_result_id(const std::string& uuid);
// uuid + ":p" + leg — the intermediate result of one partially filled leg.
std::string partial_result_id(const std::string& uuid, int leg);
// uuid + ":dup:" + stream_id — the answer to a repeated submission.
std::string duplicate_result_id(const std::string& uuid, const std::string& stream_id);
// "rtss:" + stream_id — a rejected payload without a usable uuid.
std::string unparsed_result_id(const std::string& stream_id);

// The final result of `order`: ids, signal fields, fills and stream id from the order,
// `reason` clipped, ts = now_ms, tickets and retcode from the order, retcode_name "" (the
// engine, which knows the retcode names, sets it).
// Precondition (MTG_CHECK): is_final(status), and filled_volume > 0 when kFilled.
TradeResult final_result_of(const Order& order, ResultStatus status, std::string reason, int64_t now_ms);

}  // namespace mtg
