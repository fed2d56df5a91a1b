// Where the engine keeps what must survive it: RTS (order state), RIS (instance state),
// RTRS (results), the dedup record per uuid, the dead-letter stream, and the
// acknowledgement of RTSS entries. Every call is atomic: a result is written together
// with the state transition that causes it, and an RTSS entry is acknowledged in the
// same step as its final result. The Redis implementation is RedisOrderStore; tests use
// an in-memory one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "order/order.h"
#include "order/trade_result.h"
#include "trade/position.h"
#include "trade/trade_event.h"
#include "util/status.h"

namespace mtg {

// One RTSS stream entry as read from Redis: its id and its `signal` field.
struct RtssEntry {
  std::string stream_id;
  std::string payload;
  bool has_payload = true;  // false when the entry had no `signal` field
};

// What the engine decided about one RTSS entry.
struct IntakeDecision {
  std::string stream_id;
  std::string uuid;                        // "" when the payload had no usable uuid
  std::optional<Order> accepted;           // set: store the order as open (RTS)
  std::optional<TradeResult> final_result; // set: answer now (rejected / expired)
  std::optional<Order> final_order;        // the order in its final state, when there is one
  TradeResult duplicate_result;            // written instead when the uuid was seen before
  std::string dead_letter;                 // raw payload for the dead-letter stream ("" none)
};

enum class IntakeOutcome {
  kAccepted,   // the order is open in RTS; the entry stays pending until its final result
  kFinalized,  // the final result is in RTRS and the entry is acknowledged
  kDuplicate,  // the uuid was seen before: a duplicate result was written, entry acknowledged
  kReplayed,   // this very entry was accepted before a crash; the order is already in RTS
};

// Instance state (RIS).
struct InstanceState {
  std::string id;
  bool enabled = true;
  bool connected = false;
  bool broker_connected = false;
  int attempts = 0;           // reconnect attempts counted while the link is down
  int64_t updated_at_ms = 0;
  std::string reason;         // why disabled, or ""
};

// A new state of one order: an open one (OrderStore::update, with the intermediate
// result it causes, if any) or a final one (OrderStore::finalize, with its final result).
struct OrderWrite {
  Order order;
  std::optional<TradeResult> result;  // required when order.state is final
};

// Most writes (or intake decisions) the engine gives one intake_all/write_all call.
inline constexpr size_t kMaxWritesPerBatch = 1'000;

class OrderStore {
 public:
  virtual ~OrderStore() = default;

  // Applies an intake decision atomically (dedup by uuid first). See IntakeOutcome.
  virtual Result<IntakeOutcome> intake(const IntakeDecision& decision) = 0;

  // Stores an open order's new state (sent, partial, a new leg) and, when given, the
  // intermediate result it causes, atomically. Refused (kFailedPrecondition) when RTS
  // already holds a final state for the order.
  virtual Status update(const Order& order, const TradeResult* intermediate) = 0;

  // Writes the final result, the final order state and acknowledges the order's RTSS
  // entry, atomically; the dedup record too (the uuid taken from entry order.stream_id)
  // unless one exists, so that the same call gives back a final Redis lost with its last
  // seconds. Returns false when the order was already final (nothing written).
  virtual Result<bool> finalize(const Order& order, const TradeResult& result) = 0;

  // Several intake() calls in one step of the store (one round trip for Redis): each
  // decision applied atomically, in order, as if intake() were called for each in turn.
  // One answer per decision, in order. The default calls intake() one by one.
  virtual std::vector<Result<IntakeOutcome>> intake_all(const std::vector<IntakeDecision>& decisions);

  // Several writes in one step of the store, each atomic, in order: update() for an open
  // order (true when written), finalize() for a final one (its answer). One answer per
  // write, in order. The default calls update() and finalize() one by one.
  virtual std::vector<Result<bool>> write_all(const std::vector<OrderWrite>& writes);

  // Writes again what Redis may have lost of an order the engine holds open (a Redis
  // that crashed loses its last seconds): its dedup record (the uuid taken from RTSS
  // entry order.stream_id, unless a record exists), its state (unless RTS holds a
  // final one) and its place among the open orders. Atomic.
  virtual Status reassert_open(const Order& order) = 0;

  // Every open (not final) order in RTS.
  virtual Result<std::vector<Order>> load_open() = 0;
  // One order by uuid, open or final, if RTS still holds it.
  virtual Result<std::optional<Order>> load(const std::string& uuid) = 0;

  virtual Status save_instance(const InstanceState& state) = 0;
  virtual Result<std::vector<InstanceState>> load_instances() = 0;

  // Appends a trade event to the events stream unless an event with its id was
  // appended within the dedup window, atomically. True when appended, false when seen.
  virtual Result<bool> append_event(const TradeEvent& event) = 0;
  // Replaces the instance's last reported holdings (what `mtguard positions` reads).
  virtual Status save_holdings(const std::string& instance, const Holdings& holdings) = 0;
  // Every instance's last reported holdings (instances without a report are absent).
  virtual Result<std::map<std::string, Holdings>> load_holdings(const std::vector<std::string>& instances) = 0;
};

}  // namespace mtg
