// The trade vocabulary shared by signals (signal/), the terminal link (link/), the
// engine and the stores: sides, actions, order types and which positions a close_all
// takes (docs/requirements.md "Trade actions"). Each name is spelled here once; the
// parsers, the codec and the SQL all go through these functions.
#pragma once

#include <string_view>

#include "util/status.h"

namespace mtg {

enum class Side { kBuy, kSell };

// What a signal asks for. Absent in a signal means kOpen (version-1 producers).
enum class Action { kOpen, kClose, kCloseAll, kModify, kModifyOrder, kCancel };

// How an open executes: at market, or as a pending order at `price`
// (stop_limit: a stop at `price` that places a limit at `stop_limit_price`).
enum class OrderType { kMarket, kLimit, kStop, kStopLimit };

// Which positions a close_all closes.
enum class CloseSide { kLong, kShort, kBoth };

// "buy" / "sell".
const char* side_name(Side side);
// "open", "close", "close_all", "modify", "modify_order", "cancel".
const char* action_name(Action action);
// "market", "limit", "stop", "stop_limit".
const char* order_type_name(OrderType type);
// "long", "short", "both".
const char* close_side_name(CloseSide side);

// Inverses of the names above (exact, lower-case); kInvalidArgument naming the
// accepted values otherwise, e.g. `must be "buy" or "sell"`.
Result<Side> parse_side(std::string_view name);
Result<Action> parse_action(std::string_view name);
Result<OrderType> parse_order_type(std::string_view name);
Result<CloseSide> parse_close_side(std::string_view name);

// The other side: a position opened by a buy is closed by a sell.
Side opposite(Side side);

// True for the types that rest at the broker as pending orders (all but market).
inline bool is_pending(OrderType type) { return type != OrderType::kMarket; }

// Whether the action changes or closes something already at the broker (identified by
// position, order or ref) rather than opening something new.
inline bool targets_existing(Action action) {
  return action != Action::kOpen && action != Action::kCloseAll;
}

}  // namespace mtg
