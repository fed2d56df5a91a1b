#include "engine/action_gate.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

Order order(const std::string& uuid, Action action, const std::string& symbol, const std::string& instance = "i-1") {
  Order o;
  o.signal.uuid = uuid;
  o.signal.instance = instance;
  o.signal.action = action;
  o.signal.symbol = symbol;
  return o;
}

TEST(ActionGate, OpensOfOneSymbolGoTogether) {
  ActionGate gate;
  gate.enter(order("a", Action::kOpen, "EURUSD"));
  EXPECT_TRUE(gate.admits(order("b", Action::kOpen, "EURUSD")));
}

TEST(ActionGate, AnyOtherActionIsAloneOnItsSymbol) {
  ActionGate gate;
  gate.enter(order("a", Action::kOpen, "EURUSD"));
  EXPECT_FALSE(gate.admits(order("b", Action::kClose, "EURUSD")));
  EXPECT_TRUE(gate.admits(order("c", Action::kClose, "GBPUSD")));
  gate.leave("a");
  EXPECT_TRUE(gate.admits(order("b", Action::kClose, "EURUSD")));
  gate.enter(order("b", Action::kModify, "EURUSD"));
  EXPECT_FALSE(gate.admits(order("d", Action::kOpen, "EURUSD")));
  EXPECT_FALSE(gate.admits(order("e", Action::kCancel, "EURUSD")));
  EXPECT_TRUE(gate.admits(order("f", Action::kOpen, "EURUSD", "i-2")));  // another instance
}

TEST(ActionGate, AnActionWithoutSymbolIsAloneOnItsInstance) {
  ActionGate gate;
  gate.enter(order("a", Action::kOpen, "USDJPY"));
  EXPECT_FALSE(gate.admits(order("b", Action::kClose, "")));
  gate.leave("a");
  gate.enter(order("b", Action::kCloseAll, ""));
  EXPECT_FALSE(gate.admits(order("c", Action::kOpen, "EURUSD")));
  EXPECT_FALSE(gate.admits(order("d", Action::kClose, "")));
  EXPECT_TRUE(gate.admits(order("e", Action::kOpen, "EURUSD", "i-2")));
  gate.leave("b");
  EXPECT_TRUE(gate.admits(order("c", Action::kOpen, "EURUSD")));
  EXPECT_EQ(gate.in_flight(), 0u);
}

TEST(ActionGate, EnterIsIdempotentAndLeaveOfAStrangerIsANoOp) {
  ActionGate gate;
  const Order a = order("a", Action::kClose, "EURUSD");
  gate.enter(a);
  gate.enter(a);
  gate.leave("zzz");
  EXPECT_EQ(gate.in_flight(), 1u);
  gate.leave("a");
  EXPECT_TRUE(gate.admits(order("b", Action::kClose, "EURUSD")));
}

}  // namespace
}  // namespace mtg
