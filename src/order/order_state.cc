#include "order/order_state.h"

#include <algorithm>
#include <array>
#include <string>

#include "util/check.h"

namespace mtg {
namespace {

using S = OrderState;

constexpr OrderState kAllStates[kOrderStateCount] = {S::kReceived, S::kSent,    S::kPartial,  S::kFilled,
                                                     S::kFailed,   S::kRejected, S::kExpired, S::kDropped,
                                                     S::kClosed,   S::kPlaced,   S::kModified, S::kCancelled};

// The one definition of the final states (is_final and every copy in SQL and Lua).
constexpr std::array<OrderState, 8> kFinalStates = {S::kFilled,  S::kFailed, S::kRejected, S::kExpired,
                                                    S::kDropped, S::kPlaced, S::kModified, S::kCancelled};

// The final states and closed.
constexpr auto kSettledStates = [] {
  std::array<OrderState, kFinalStates.size() + 1> settled{};
  std::copy(kFinalStates.begin(), kFinalStates.end(), settled.begin());
  settled.back() = S::kClosed;
  return settled;
}();

bool is_abort(OrderState to) { return to == S::kRejected || to == S::kExpired || to == S::kDropped; }

// A state's name, checked to be a plain lowercase word (no quoting in SQL or Lua).
std::string plain_name(OrderState state) {
  std::string name = state_name(state);
  MTG_CHECK(!name.empty());
  MTG_CHECK(std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }));
  return name;
}

template <size_t N>
std::string sql_list(const std::array<OrderState, N>& states) {
  std::string list = "(";
  for (OrderState s : states) list += (list.size() > 1 ? ",'" : "'") + plain_name(s) + "'";
  return list + ")";
}

template <size_t N>
std::string lua_table(const std::array<OrderState, N>& states) {
  std::string table = "{";
  for (OrderState s : states) table += (table.size() > 1 ? ", " : "") + plain_name(s) + "=true";
  return table + "}";
}

}  // namespace

const char* state_name(OrderState state) {
  switch (state) {
    case S::kReceived: return "received";
    case S::kSent: return "sent";
    case S::kPartial: return "partial";
    case S::kFilled: return "filled";
    case S::kFailed: return "failed";
    case S::kRejected: return "rejected";
    case S::kExpired: return "expired";
    case S::kDropped: return "dropped";
    case S::kClosed: return "closed";
    case S::kPlaced: return "placed";
    case S::kModified: return "modified";
    case S::kCancelled: return "cancelled";
  }
  MTG_CHECK_MSG(false, "bad OrderState");
}

Result<OrderState> parse_state(std::string_view name) {
  for (OrderState s : kAllStates) {
    if (name == state_name(s)) return s;
  }
  return Status::invalid("unknown order state " + std::string(name));
}

bool is_final(OrderState state) {
  return std::find(kFinalStates.begin(), kFinalStates.end(), state) != kFinalStates.end();
}

const std::string& final_states_sql_list() {
  static const std::string list = sql_list(kFinalStates);
  return list;
}

const std::string& settled_states_sql_list() {
  static const std::string list = sql_list(kSettledStates);
  return list;
}

const std::string& settled_states_lua_table() {
  static const std::string table = lua_table(kSettledStates);
  return table;
}

bool can_transition(OrderState from, OrderState to) {
  switch (from) {
    case S::kReceived: return to == S::kSent || is_abort(to);
    case S::kSent:
    case S::kPartial:
      return to == S::kSent ? from == S::kSent
                            : to == S::kPartial || to == S::kFilled || to == S::kFailed || to == S::kPlaced ||
                                  to == S::kModified || to == S::kCancelled || is_abort(to);
    case S::kPlaced:
    case S::kModified:
    case S::kCancelled:
    case S::kFilled:
    case S::kFailed:
    case S::kRejected:
    case S::kExpired:
    case S::kDropped: return to == S::kClosed;
    case S::kClosed: return false;
  }
  MTG_CHECK_MSG(false, "bad OrderState");
}

}  // namespace mtg
