#include "trade/trade_action.h"

#include <initializer_list>
#include <string>

#include "util/check.h"

namespace mtg {
namespace {

// The accepted names of an enum, quoted and joined: `"a", "b" or "c"`.
template <typename E>
std::string accepted(std::initializer_list<E> values, const char* (*name)(E)) {
  std::string out;
  size_t i = 0;
  for (E v : values) {
    if (i > 0) out += (i + 1 == values.size()) ? " or " : ", ";
    out += '"';
    out += name(v);
    out += '"';
    ++i;
  }
  return out;
}

template <typename E>
Result<E> parse_name(std::string_view text, std::initializer_list<E> values, const char* (*name)(E)) {
  for (E v : values) {
    if (text == name(v)) return v;
  }
  return Status::invalid("must be " + accepted(values, name));
}

constexpr std::initializer_list<Side> kSides = {Side::kBuy, Side::kSell};
constexpr std::initializer_list<Action> kActions = {Action::kOpen,   Action::kClose,       Action::kCloseAll,
                                                    Action::kModify, Action::kModifyOrder, Action::kCancel};
constexpr std::initializer_list<OrderType> kOrderTypes = {OrderType::kMarket, OrderType::kLimit, OrderType::kStop,
                                                          OrderType::kStopLimit};
constexpr std::initializer_list<CloseSide> kCloseSides = {CloseSide::kLong, CloseSide::kShort, CloseSide::kBoth};

}  // namespace

const char* side_name(Side side) {
  switch (side) {
    case Side::kBuy: return "buy";
    case Side::kSell: return "sell";
  }
  MTG_CHECK_MSG(false, "bad Side");
}

const char* action_name(Action action) {
  switch (action) {
    case Action::kOpen: return "open";
    case Action::kClose: return "close";
    case Action::kCloseAll: return "close_all";
    case Action::kModify: return "modify";
    case Action::kModifyOrder: return "modify_order";
    case Action::kCancel: return "cancel";
  }
  MTG_CHECK_MSG(false, "bad Action");
}

const char* order_type_name(OrderType type) {
  switch (type) {
    case OrderType::kMarket: return "market";
    case OrderType::kLimit: return "limit";
    case OrderType::kStop: return "stop";
    case OrderType::kStopLimit: return "stop_limit";
  }
  MTG_CHECK_MSG(false, "bad OrderType");
}

const char* close_side_name(CloseSide side) {
  switch (side) {
    case CloseSide::kLong: return "long";
    case CloseSide::kShort: return "short";
    case CloseSide::kBoth: return "both";
  }
  MTG_CHECK_MSG(false, "bad CloseSide");
}

Result<Side> parse_side(std::string_view name) { return parse_name(name, kSides, side_name); }
Result<Action> parse_action(std::string_view name) { return parse_name(name, kActions, action_name); }
Result<OrderType> parse_order_type(std::string_view name) { return parse_name(name, kOrderTypes, order_type_name); }
Result<CloseSide> parse_close_side(std::string_view name) { return parse_name(name, kCloseSides, close_side_name); }

Side opposite(Side side) { return side == Side::kBuy ? Side::kSell : Side::kBuy; }

}  // namespace mtg
