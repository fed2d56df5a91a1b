// Small rules about orders that several engine files share.
#pragma once

#include "order/order.h"
#include "order/trade_result.h"

namespace mtg {

// True while the terminal may be working on the order (a leg was sent).
inline bool in_flight(const Order& o) {
  return o.state == OrderState::kSent || o.state == OrderState::kPartial;
}

// The final order state that a final result status puts the order in.
OrderState state_of(ResultStatus status);

}  // namespace mtg
