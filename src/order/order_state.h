// The order state machine (docs/requirements.md §3.2): where one signal's order stands at its terminal.
//
//   received ─▶ sent ─▶ partial ─▶ filled | placed | modified | cancelled
//      │          │ ▲      │ ▲
//      │          └─┘      └─┘     (sent→sent: resend of the same leg after a reconnect;
//      │                            partial→partial: a further leg of the remainder)
//      └──────────┴────────┴──▶ rejected | expired | dropped;  sent|partial ─▶ failed
//   every final state ─▶ closed (reconciled and removed from live state); closed is terminal.
// A partial that ends short still finishes as `filled` with filled_volume < volume.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

// placed (a pending order rests at the broker), modified (SL/TP or a pending order
// changed) and cancelled (a pending order removed) are the final states of the
// actions that do not fill (docs/requirements.md "Trade actions").
enum class OrderState {
  kReceived, kSent, kPartial, kFilled, kFailed, kRejected, kExpired, kDropped, kClosed,
  kPlaced, kModified, kCancelled,
};

constexpr int kOrderStateCount = 12;

// "received", "sent", "partial", "filled", "failed", "rejected", "expired", "dropped",
// "closed", "placed", "modified", "cancelled".
const char* state_name(OrderState state);

// Inverse of state_name; kInvalidArgument "unknown order state X" otherwise.
Result<OrderState> parse_state(std::string_view name);

// True for the states that carry a final result: filled, failed, rejected, expired,
// dropped, placed, modified, cancelled.
bool is_final(OrderState state);

// The final states, and the settled ones (the final states and closed: after one an
// order never changes again), as the stores spell them. Built once from the same
// definition as is_final; the names need no quoting.
// SQL: "('filled','failed','rejected','expired','dropped','placed','modified','cancelled')".
const std::string& final_states_sql_list();
// SQL: the same list with 'closed' added.
const std::string& settled_states_sql_list();
// Lua: "{filled=true, failed=true, …, cancelled=true, closed=true}".
const std::string& settled_states_lua_table();

// Whether the table above allows `from` → `to`.
bool can_transition(OrderState from, OrderState to);

}  // namespace mtg
