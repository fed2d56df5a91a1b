// One signal's order as the engine tracks it (RTS in Redis, trade_state in DuckDB).
// The engine is its only writer; every change goes through transition/apply_fill,
// which refuse anything the state machine or the volume invariant forbids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "order/order_state.h"
#include "signal/signal.h"
#include "util/status.h"

namespace mtg {

// Tolerance of the "never more than its volume" invariant, in lots.
constexpr double kVolumeEpsilon = 1e-9;
// Highest leg number (a leg is one order sent to the terminal for this signal).
constexpr int kMaxLeg = 999;
// Largest stored order JSON accepted by Order::from_json.
constexpr int64_t kMaxOrderJsonBytes = 64 * 1024;
// Longest reason kept in an order or result, in bytes.
constexpr size_t kMaxReasonBytes = 512;

// `reason` cut to kMaxReasonBytes without splitting a UTF-8 sequence.
std::string clip_reason(std::string_view reason);

struct Order {
  Signal signal;
  OrderState state = OrderState::kReceived;
  double filled_volume = 0;    // lots executed so far (opened, or closed), <= volume_cap()
  double avg_price = 0;        // volume-weighted average fill price; 0 before any fill
  int leg = 0;                 // current leg, 0..kMaxLeg (the engine advances it)
  std::string stream_id;       // RTSS entry id the signal came from
  std::string reason;          // why it failed/was rejected, or the terminal's last word
  int64_t updated_at_ms = 0;   // last transition, Unix ms
  // A close's guard (link OrderFrame.expected_volume): the position volume the engine
  // saw when it first sent the close, less what earlier legs closed; 0 = none seen.
  double expected_volume = 0;
  // The terminal's last word on it (0 when none): tickets and MQL5 retcode.
  uint64_t ticket = 0;         // order ticket
  uint64_t deal = 0;           // last deal ticket
  uint64_t position = 0;       // position ticket opened, changed or closed
  int retcode = 0;

  // True for a close or close_all without a volume: it closes whatever is held, in one leg.
  bool closes_everything() const;
  // The most lots the order may execute: signal.volume, or unbounded when it
  // closes_everything().
  double volume_cap() const;

  // Moves to `to` and stamps updated_at_ms when can_transition(state, to); otherwise
  // kFailedPrecondition "order UUID: transition sent -> received not allowed" and the
  // order is left unchanged. Partial and filled also need filled_volume > 0 (apply
  // the fill first).
  Status transition(OrderState to, int64_t now_ms);

  // Records an execution of `volume` lots at `price` (both finite and > 0, else
  // kInvalidArgument). Only in states sent and partial; a fill that would take
  // filled_volume above volume_cap() + kVolumeEpsilon is refused with
  // kFailedPrecondition. On any error the order is left unchanged.
  Status apply_fill(double volume, double price);

  // signal.volume - filled_volume, rounded to 1e-8 lots, never negative; 0 for an
  // order that closes_everything() (nothing is left for a further leg).
  double remaining_volume() const;

  // Compact JSON with every field (the reason through clip_reason); from_json(to_json())
  // == *this whenever the reason fits. Orders stored before contract version 2 (without
  // expected_volume and the tickets) still decode, with 0 for those.
  std::string to_json() const;
  // Decodes to_json's output. Errors are kCorruption naming the field.
  static Result<Order> from_json(std::string_view json_text);

  bool operator==(const Order&) const = default;
};

}  // namespace mtg
