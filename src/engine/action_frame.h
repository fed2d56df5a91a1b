// The order frame that carries an order's current leg to its terminal
// (docs/protocol.md "order"): the signal's action and fields, the leg's client id and
// volume, the close guard, and the symbol as the broker names it.
#pragma once

#include <string>

#include "link/frame.h"
#include "order/order.h"

namespace mtg {

// Precondition (MTG_CHECK): the order is in flight with a remaining volume for an open
// or a partial close. `broker_symbol` is the instance's name for the signal's symbol
// ("" when the signal names none).
link::OrderFrame order_frame(const Order& order, const std::string& broker_symbol);

// Whether a terminal speaking `version` can carry out the order: version 1 knows only
// market opens.
bool terminal_can_carry(const Order& order, int version);

}  // namespace mtg
