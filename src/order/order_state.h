// The order state machine (docs/requirements.md §3.2): where one signal's order stands at its terminal.
//
//   received ─▶ sent ─▶ partial ─▶ filled
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

enum class OrderState { kReceived, kSent, kPartial, kFilled, kFailed, kRejected, kExpired, kDropped, kClosed };

constexpr int kOrderStateCount = 9;

// "received", "sent", "partial", "filled", "failed", "rejected", "expired", "dropped", "closed".
const char* state_name(OrderState state);

// Inverse of state_name; kInvalidArgument "unknown order state X" otherwise.
Result<OrderState> parse_state(std::string_view name);

// True for the states that carry a final result: filled, failed, rejected, expired, dropped.
bool is_final(OrderState state);

// The final states, and the settled ones (the final states and closed: after one an
// order never changes again), as the stores spell them. Built once from the same
// definition as is_final; the names need no quoting.
// SQL: "('filled','failed','rejected','expired','dropped')".
const std::string& final_states_sql_list();
// SQL: "('filled','failed','rejected','expired','dropped','closed')".
const std::string& settled_states_sql_list();
// Lua: "{filled=true, failed=true, rejected=true, expired=true, dropped=true, closed=true}".
const std::string& settled_states_lua_table();

// Whether the table above allows `from` → `to`.
bool can_transition(OrderState from, OrderState to);

}  // namespace mtg
