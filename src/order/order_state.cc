#include "order/order_state.h"

#include <string>

#include "util/check.h"

namespace mtg {
namespace {

using S = OrderState;

constexpr OrderState kAllStates[kOrderStateCount] = {S::kReceived, S::kSent,     S::kPartial,
                                                     S::kFilled,   S::kFailed,   S::kRejected,
                                                     S::kExpired,  S::kDropped,  S::kClosed};

bool is_abort(OrderState to) { return to == S::kRejected || to == S::kExpired || to == S::kDropped; }

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
  return state == S::kFilled || state == S::kFailed || is_abort(state);
}

bool can_transition(OrderState from, OrderState to) {
  switch (from) {
    case S::kReceived: return to == S::kSent || is_abort(to);
    case S::kSent:
    case S::kPartial:
      return to == S::kSent ? from == S::kSent
                            : to == S::kPartial || to == S::kFilled || to == S::kFailed || is_abort(to);
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
