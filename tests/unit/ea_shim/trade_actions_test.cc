// The EA's trade actions beyond market opens and closes (signal contract v2): pending
// opens that rest, trigger or expire, modify_order, cancel and modify by ref, each
// settled exactly once from the broker's orders and history when its outcome is
// ambiguous, and the broker's own changes reported as trade events until acknowledged.
#include "ea_fixture.h"

namespace mtg::ea_shim {
namespace {

class EaTradeActionsTest : public EaFixture {
 protected:
  static link::OrderFrame pending(const std::string& client_id, double price, int64_t expiration_ms = 0) {
    link::OrderFrame o = market(client_id);
    o.order_type = OrderType::kLimit;
    o.price = price;
    if (expiration_ms != 0) o.expiration = expiration_ms;
    return o;
  }
  // An action on what the signal "uuid-<ref_id>" placed or opened (by ref).
  static link::OrderFrame on_ref(const std::string& client_id, Action action, const std::string& ref_id) {
    link::OrderFrame o = market(client_id);
    o.action = action;
    o.ref = "uuid-" + ref_id;
    o.volume = 0;
    o.price.reset();
    o.sl.reset();
    o.tp.reset();
    return o;
  }
  // The broker moves EURUSD to `mid` and acts on it; the EA's timer runs.
  void move_market(double mid) {
    server_->broker().market().set_mid("EURUSD", mid);
    ASSERT_TRUE(server_->tick().is_ok());
    advance(100);
  }
};

TEST_F(EaTradeActionsTest, APendingOpenRestsThenTriggersAndIsReportedAsAnEvent) {
  send(pending("a.0", 1.05));
  auto frames = take();
  ASSERT_GE(frames.size(), 2u);
  const auto& placed = std::get<link::ResultFrame>(frames[0]);
  EXPECT_EQ(placed.retcode, 10008);
  ASSERT_NE(placed.ticket, 0);
  const auto& orders = std::get<link::Orders>(frames.back()).orders;
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].ticket, placed.ticket);
  EXPECT_EQ(orders[0].ref, "uuid-a");
  move_market(1.0);
  auto events = take_all<link::EventFrame>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.kind, EventKind::kOrderTriggered);
  EXPECT_EQ(events[0].event.ref, "uuid-a");
  EXPECT_EQ(events[0].event.order, placed.ticket);
  EXPECT_DOUBLE_EQ(events[0].event.volume, 0.1);
  ASSERT_EQ(server_->positions().size(), 1u);
  EXPECT_EQ(server_->positions()[0].ref, "uuid-a");
}

TEST_F(EaTradeActionsTest, AnExpiredOrderIsReportedUntilTheEngineAcknowledgesIt) {
  const link::ResultFrame placed = result_of(pending("a.0", 1.05, clock_.now_ms() + 5'000));
  ASSERT_EQ(placed.retcode, 10008);
  clock_.advance_ms(6'000);
  ASSERT_TRUE(server_->tick().is_ok());
  advance(100);
  auto events = take_all<link::EventFrame>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.kind, EventKind::kOrderExpired);
  EXPECT_EQ(events[0].event.id, "order:" + std::to_string(placed.ticket) + ":expired");
  EXPECT_EQ(events[0].event.ref, "uuid-a");
  restart();
  send(link::Welcome{2, 1000});
  ASSERT_EQ(take_all<link::EventFrame>().size(), 1u);
  send(link::EventAck{{events[0].event.id}});
  advance(100);
  restart();
  send(link::Welcome{2, 1000});
  EXPECT_TRUE(take_all<link::EventFrame>().empty());
}

TEST_F(EaTradeActionsTest, ModifyOrderByRefThenCancelByTicketWithoutAnEvent) {
  const link::ResultFrame placed = result_of(pending("a.0", 1.05));
  link::OrderFrame modify = on_ref("m.0", Action::kModifyOrder, "a");
  modify.price = 1.04;
  const link::ResultFrame modified = result_of(modify);
  EXPECT_EQ(modified.retcode, 10009);
  EXPECT_EQ(modified.ticket, placed.ticket);
  ASSERT_EQ(server_->orders().size(), 1u);
  EXPECT_DOUBLE_EQ(server_->orders()[0].price, 1.04);
  modify.client_id = "m.1";
  EXPECT_EQ(result_of(modify).retcode, 10025);  // in place already
  link::OrderFrame cancel = on_ref("c.0", Action::kCancel, "");
  cancel.ref.clear();
  cancel.order = placed.ticket;
  EXPECT_EQ(result_of(cancel).retcode, 10009);
  EXPECT_TRUE(server_->orders().empty());
  advance(100);
  EXPECT_TRUE(take_all<link::EventFrame>().empty());  // the engine's own cancel is no event
  cancel.client_id = "c.1";
  const link::ResultFrame again = result_of(cancel);
  EXPECT_EQ(again.retcode, 10013);
  EXPECT_EQ(again.reason, "cancelled");
}

TEST_F(EaTradeActionsTest, ACancelOfAnOrderThatFilledIsRejectedNamingItsPosition) {
  result_of(pending("a.0", 1.05));
  move_market(1.0);
  take();
  ASSERT_EQ(server_->positions().size(), 1u);
  const link::ResultFrame r = result_of(on_ref("c.0", Action::kCancel, "a"));
  EXPECT_EQ(r.retcode, 10013);
  EXPECT_EQ(r.position, server_->positions()[0].ticket);
  EXPECT_EQ(r.reason, "filled: position " + std::to_string(r.position));
}

TEST_F(EaTradeActionsTest, ModifyByRefSetsTheStopsOfWhatTheSignalOpened) {
  result_of(market("a.0"));
  link::OrderFrame modify = on_ref("m.0", Action::kModify, "a");
  modify.sl = 1.0;
  const link::ResultFrame r = result_of(modify);
  EXPECT_EQ(r.retcode, 10009);
  ASSERT_EQ(server_->positions().size(), 1u);
  EXPECT_EQ(r.position, server_->positions()[0].ticket);
  EXPECT_DOUBLE_EQ(server_->positions()[0].sl, 1.0);
}

TEST_F(EaTradeActionsTest, TimeoutAfterAPendingPlacementIsAnsweredWithTheOrder) {
  server_->faults().ambiguous_retcode = 10012;
  server_->faults().ambiguous_sends = 1;
  const link::ResultFrame r = result_of(pending("a.0", 1.05));
  EXPECT_EQ(r.retcode, 10008);
  ASSERT_EQ(server_->orders().size(), 1u);
  EXPECT_EQ(r.ticket, server_->orders()[0].ticket);
  EXPECT_EQ(result_of(pending("a.0", 1.05)).ticket, r.ticket);  // a repeat never places again
  EXPECT_EQ(server_->orders().size(), 1u);
}

TEST_F(EaTradeActionsTest, CrashAfterAPlacementThatTriggeredSettlesAsPlaced) {
  server_->faults().crash_after_execution = 1;
  EXPECT_THROW(send(pending("a.0", 1.05)), Crash);
  server_->broker().market().set_mid("EURUSD", 1.0);
  ASSERT_TRUE(server_->tick().is_ok());
  restart();
  const link::KnownOrder k = known("a.0");
  ASSERT_EQ(k.state(), link::KnownState::kDone);
  EXPECT_EQ(k.result->retcode, 10008);
  EXPECT_NE(k.result->ticket, 0);
  advance(100);
  auto events = take_all<link::EventFrame>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.kind, EventKind::kOrderTriggered);
  EXPECT_EQ(events[0].event.order, k.result->ticket);
}

TEST_F(EaTradeActionsTest, CrashBetweenIntentAndOrderSendOfACloseClosesOnce) {
  const link::ResultFrame opened = result_of(market("a.0", Side::kBuy, 0.2));
  link::OrderFrame close = on_ref("c.0", Action::kClose, "");
  close.ref.clear();
  close.position = opened.position;
  close.expected_volume = 0.2;
  server_->faults().crash_before_execution = 1;
  EXPECT_THROW(send(close), Crash);
  restart();
  EXPECT_EQ(known("c.0").state(), link::KnownState::kPending);
  advance(kGraceMs);
  EXPECT_EQ(known("c.0").state(), link::KnownState::kUnknown);
  EXPECT_EQ(result_of(close).retcode, 10009);
  EXPECT_EQ(result_of(close).retcode, 10009);  // a repeat answers, never closes again
  EXPECT_TRUE(server_->positions().empty());
  EXPECT_DOUBLE_EQ(executed_lots("uuid-c", "close"), 0.2);
}

TEST_F(EaTradeActionsTest, CrashAfterACancelSettlesFromHistoryWithoutAnEvent) {
  const link::ResultFrame placed = result_of(pending("a.0", 1.05));
  server_->faults().crash_after_execution = 1;
  EXPECT_THROW(send(on_ref("c.0", Action::kCancel, "a")), Crash);
  restart();
  const link::KnownOrder k = known("c.0");
  ASSERT_EQ(k.state(), link::KnownState::kDone);
  EXPECT_EQ(k.result->retcode, 10009);
  EXPECT_EQ(k.result->ticket, placed.ticket);
  advance(100);
  EXPECT_TRUE(take_all<link::EventFrame>().empty());
}

}  // namespace
}  // namespace mtg::ea_shim
