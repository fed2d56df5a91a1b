// Every trade action of protocol version 2 at the frame level (TerminalSim::handle):
// what it does, what MT5 refuses, and that a repeated client_id is never executed twice.
#include <gtest/gtest.h>

#include "unit/sim/sim_fixture.h"

namespace mtg::sim {
namespace {

class TradeActionsTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    set_mid("EURUSD", 1.10);  // bid 1.09995, ask 1.10005
  }
  // Precondition: nothing executed yet (a ledger is one kind of account).
  void hedging() {
    ASSERT_TRUE(ledger_lines().empty());
    config_.account = "hedging";
    restart();
    set_mid("EURUSD", 1.10);
  }
  // An open of `uuid` under its own client id (legs of one signal share the uuid).
  link::OrderFrame leg(const std::string& uuid, int leg_no, double volume, Side side = Side::kBuy) const {
    link::OrderFrame f = market(uuid + "." + std::to_string(leg_no), volume, side);
    f.uuid = uuid;
    f.leg = leg_no;
    return f;
  }
  size_t ledger_size() const { return ledger_lines().size(); }
  size_t journal_size() const { return journal_lines().size(); }
  // Sends `order` again and checks it answers `first` without writing anything.
  void expect_repeat_answers(const link::OrderFrame& order, const link::ResultFrame& first) {
    const size_t ledger_before = ledger_size();
    const size_t journal_before = journal_size();
    const std::vector<Position> positions_before = positions();
    const std::vector<PendingOrder> orders_before = orders();
    const std::vector<link::Frame> frames = handle(order);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(std::get<link::ResultFrame>(frames[0]), first);
    EXPECT_EQ(ledger_size(), ledger_before);
    EXPECT_EQ(journal_size(), journal_before);
    EXPECT_EQ(positions(), positions_before);
    EXPECT_EQ(orders(), orders_before);
  }
};

// ---- open -------------------------------------------------------------------------

TEST_F(TradeActionsTest, AMarketOpenRemembersItsRefAndStops) {
  link::OrderFrame o = market("a.0", 0.2);
  o.sl = 1.09;
  o.tp = 1.12;
  const link::ResultFrame r = send(o);
  ASSERT_EQ(r.retcode, link::kRetcodeDone);
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0],
            (Position{r.position, "EURUSD", Side::kBuy, 0.2, r.price, 1.09, 1.12, "uuid-a.0"}));
  EXPECT_EQ(ledger_lines()[0]["sl"], 1.09);
}

TEST_F(TradeActionsTest, AMarketOpenWithStopsOnTheWrongSideIsRefused) {
  link::OrderFrame o = market("a.0", 0.2);
  o.sl = 1.11;  // above the bid for a buy
  const link::ResultFrame r = send(o);
  EXPECT_EQ(r.retcode, link::kRetcodeInvalidStops);
  EXPECT_TRUE(positions().empty());
  EXPECT_TRUE(ledger_lines().empty());
  expect_repeat_answers(o, r);
}

TEST_F(TradeActionsTest, UnknownSymbolAndBadVolumeAreRefused) {
  EXPECT_EQ(send(market("a.0", 0.1, Side::kBuy, "NOPE")).retcode, link::kRetcodeInvalid);
  EXPECT_EQ(send(market("b.0", 0.015)).retcode, link::kRetcodeInvalidVolume);
  EXPECT_EQ(send(market("c.0", 0)).retcode, link::kRetcodeInvalidVolume);
  EXPECT_TRUE(ledger_lines().empty());
}

TEST_F(TradeActionsTest, ASuffixedBrokerKnowsOnlyItsOwnNames) {
  config_.symbol_suffix = ".m";
  restart();
  const link::ResultFrame bare = send(market("a.0", 0.1));
  EXPECT_EQ(bare.retcode, link::kRetcodeInvalid);
  EXPECT_EQ(bare.reason, "unknown symbol EURUSD");
  const link::ResultFrame suffixed = send(market("b.0", 0.1, Side::kBuy, "EURUSD.m"));
  EXPECT_EQ(suffixed.retcode, link::kRetcodeDone);
  EXPECT_EQ(positions().at(0).symbol, "EURUSD.m");
}

TEST_F(TradeActionsTest, NettingOpensShareOnePositionPerSymbol) {
  send(market("a.0", 0.2));
  send(market("b.0", 0.1, Side::kSell));
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0].volume, 0.1);
  EXPECT_EQ(ledger_lines()[1]["entry"], "out");
}

TEST_F(TradeActionsTest, HedgingOpensOnePositionEach) {
  hedging();
  send(market("c.0", 0.2));
  send(market("d.0", 0.1, Side::kSell));
  EXPECT_EQ(positions().size(), 2u);
  EXPECT_EQ(ledger_lines()[1]["entry"], "in");
}

TEST_F(TradeActionsTest, ALedgerOfAnotherAccountKindIsRefused) {
  send(market("a.0", 0.2));
  send(market("b.0", 0.1, Side::kSell));
  config_.account = "hedging";
  sim_.reset();
  auto sim = TerminalSim::open(ledger_, config_, clock_, [](int) {});
  ASSERT_FALSE(sim.is_ok());
  EXPECT_EQ(sim.status().code(), Code::kCorruption);
}

TEST_F(TradeActionsTest, APendingOpenIsPlacedNotFilled) {
  link::OrderFrame o = pending("a.0", OrderType::kLimit, Side::kBuy, 1.09);
  o.sl = 1.08;
  o.tp = 1.10;
  o.expiration = clock_.now_ms() + 60'000;
  const std::vector<link::Frame> frames = handle(o);
  ASSERT_EQ(frames.size(), 2u);
  const auto& r = std::get<link::ResultFrame>(frames[0]);
  EXPECT_EQ(r.retcode, link::kRetcodePlaced);
  EXPECT_EQ(r.filled_volume, 0);
  EXPECT_EQ(r.deal, 0);
  EXPECT_GT(r.ticket, 0);
  const auto& resting = std::get<link::Orders>(frames[1]).orders;
  ASSERT_EQ(resting.size(), 1u);
  EXPECT_EQ(resting[0], (PendingOrder{r.ticket, "EURUSD", Side::kBuy, OrderType::kLimit, 0.1, 1.09, 0, 1.08,
                                      1.10, o.expiration.value(), "uuid-a.0"}));
  EXPECT_TRUE(positions().empty());
  EXPECT_TRUE(ledger_lines().empty()) << "placing is no deal";
  expect_repeat_answers(o, r);
}

TEST_F(TradeActionsTest, PendingPricesFollowMt5sRules) {
  struct Case {
    OrderType type;
    Side side;
    double price;
    double stop_limit_price;
    int retcode;
  } cases[] = {
      {OrderType::kLimit, Side::kBuy, 1.09, 0, link::kRetcodePlaced},
      {OrderType::kLimit, Side::kBuy, 1.11, 0, link::kRetcodeInvalidPrice},
      {OrderType::kLimit, Side::kSell, 1.11, 0, link::kRetcodePlaced},
      {OrderType::kLimit, Side::kSell, 1.09, 0, link::kRetcodeInvalidPrice},
      {OrderType::kStop, Side::kBuy, 1.11, 0, link::kRetcodePlaced},
      {OrderType::kStop, Side::kBuy, 1.09, 0, link::kRetcodeInvalidPrice},
      {OrderType::kStop, Side::kSell, 1.09, 0, link::kRetcodePlaced},
      {OrderType::kStop, Side::kSell, 1.11, 0, link::kRetcodeInvalidPrice},
      {OrderType::kStopLimit, Side::kBuy, 1.11, 1.105, link::kRetcodePlaced},
      {OrderType::kStopLimit, Side::kBuy, 1.11, 1.115, link::kRetcodeInvalidPrice},
      {OrderType::kStopLimit, Side::kBuy, 1.11, 0, link::kRetcodeInvalidPrice},
      {OrderType::kStopLimit, Side::kSell, 1.09, 1.095, link::kRetcodePlaced},
      {OrderType::kStopLimit, Side::kSell, 1.09, 1.085, link::kRetcodeInvalidPrice},
      {OrderType::kLimit, Side::kBuy, 0, 0, link::kRetcodeInvalidPrice},
  };
  int n = 0;
  for (const Case& c : cases) {
    link::OrderFrame o = pending("p." + std::to_string(n++), c.type, c.side, c.price);
    if (c.stop_limit_price > 0) o.stop_limit_price = c.stop_limit_price;
    EXPECT_EQ(send(o).retcode, c.retcode)
        << order_type_name(c.type) << " " << side_name(c.side) << " " << c.price;
  }
}

TEST_F(TradeActionsTest, PendingStopsAndExpirationAreChecked) {
  link::OrderFrame wrong_sl = pending("a.0", OrderType::kLimit, Side::kBuy, 1.09);
  wrong_sl.sl = 1.095;  // above the price a buy limit fills at
  EXPECT_EQ(send(wrong_sl).retcode, link::kRetcodeInvalidStops);
  link::OrderFrame past = pending("b.0", OrderType::kLimit, Side::kBuy, 1.09);
  past.expiration = clock_.now_ms();
  EXPECT_EQ(send(past).retcode, link::kRetcodeInvalidExpiration);
  link::OrderFrame gtc = pending("c.0", OrderType::kLimit, Side::kBuy, 1.09);
  gtc.expiration = 0;
  EXPECT_EQ(send(gtc).retcode, link::kRetcodePlaced);
  EXPECT_EQ(orders().size(), 1u);
}

// ---- close ------------------------------------------------------------------------

TEST_F(TradeActionsTest, CloseByTicketClosesAllOrPartAndNeverTwice) {
  const link::ResultFrame open = send(market("a.0", 0.3));
  const link::ResultFrame part = send(close("c.0", open.position, 0.1));
  EXPECT_EQ(part.retcode, link::kRetcodeDone);
  EXPECT_EQ(part.filled_volume, 0.1);
  EXPECT_EQ(part.position, open.position);
  EXPECT_GT(part.deal, open.deal);
  EXPECT_GT(part.ticket, open.ticket);
  EXPECT_EQ(part.price, ledger_lines()[1]["price"]);
  EXPECT_EQ(positions().at(0).volume, 0.2);
  expect_repeat_answers(close("c.0", open.position, 0.1), part);
  const link::ResultFrame rest = send(close("d.0", open.position));
  EXPECT_EQ(rest.filled_volume, 0.2);
  EXPECT_TRUE(positions().empty());
  const auto lines = ledger_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["action"], "close");
  EXPECT_EQ(lines[2]["entry"], "out");
  EXPECT_EQ(lines[2]["uuid"], "uuid-d.0");
  EXPECT_EQ(lines[2]["side"], "sell");
  EXPECT_EQ(lines[2]["position"], open.position);
  EXPECT_EQ(opened_per_uuid().at("uuid-a.0"), 0.3);
  const link::ResultFrame gone = send(close("e.0", open.position));
  EXPECT_EQ(gone.retcode, link::kRetcodePositionClosed);
  EXPECT_EQ(gone.filled_volume, 0);
  EXPECT_EQ(ledger_lines().size(), 3u);
}

TEST_F(TradeActionsTest, ACloseExecutesOnlyWhileThePositionHoldsTheExpectedVolume) {
  const link::ResultFrame open = send(market("a.0", 0.2));
  link::OrderFrame first = close("c.0", open.position, 0.1);
  first.expected_volume = 0.2;
  EXPECT_EQ(send(first).filled_volume, 0.1);
  // The same close decided again on the old report (a new client id): refused.
  link::OrderFrame again = close("c.1", open.position, 0.1);
  again.expected_volume = 0.2;
  const link::ResultFrame r = send(again);
  EXPECT_EQ(r.retcode, link::kRetcodeInvalid);
  EXPECT_EQ(r.reason, "position " + std::to_string(open.position) + " holds 0.10 lots, expected 0.20");
  EXPECT_EQ(positions().at(0).volume, 0.1);
  link::OrderFrame fresh = close("c.2", open.position);
  fresh.expected_volume = 0.1;
  EXPECT_EQ(send(fresh).filled_volume, 0.1);
  EXPECT_TRUE(positions().empty());
}

TEST_F(TradeActionsTest, ANettingCloseNeverReversesThePosition) {
  const link::ResultFrame open = send(market("a.0", 0.1));
  const link::ResultFrame r = send(close("c.0", open.position, 0.2));
  EXPECT_EQ(r.retcode, link::kRetcodeDone);
  EXPECT_EQ(r.filled_volume, 0.1) << "never more than the position holds";
  EXPECT_TRUE(positions().empty()) << "closed flat, not reversed";
  EXPECT_EQ(ledger_lines().back()["volume"], 0.1);
  EXPECT_EQ(ledger_lines().back()["requested_volume"], 0.2);
}

TEST_F(TradeActionsTest, CloseByRefClosesEverythingTheSignalOpened) {
  hedging();
  send(leg("sig", 0, 0.1));
  send(leg("sig", 1, 0.2));
  send(market("other.0", 0.3));
  const link::ResultFrame r = send(close_ref("c.0", "sig"));
  EXPECT_EQ(r.retcode, link::kRetcodeDone);
  EXPECT_NEAR(r.filled_volume, 0.3, 1e-9);
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0].ref, "uuid-other.0");
  EXPECT_EQ(send(close_ref("c.1", "sig")).retcode, link::kRetcodePositionClosed);
  EXPECT_EQ(send(close_ref("c.2", "never")).retcode, link::kRetcodePositionClosed);
}

TEST_F(TradeActionsTest, APartialCloseByRefTakesTheOldestPositionsFirst) {
  hedging();
  const link::ResultFrame first = send(leg("sig", 0, 0.1));
  const link::ResultFrame second = send(leg("sig", 1, 0.2));
  const link::ResultFrame r = send(close_ref("c.0", "sig", 0.15));
  EXPECT_NEAR(r.filled_volume, 0.15, 1e-9);
  EXPECT_EQ(r.position, second.position);
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0].ticket, second.position);
  EXPECT_NEAR(positions()[0].volume, 0.15, 1e-9);
  EXPECT_EQ(ledger_lines()[2]["position"], first.position);
}

TEST_F(TradeActionsTest, ACloseNamingNothingIsInvalid) {
  const link::ResultFrame r = send(frame("c.0", Action::kClose));
  EXPECT_EQ(r.retcode, link::kRetcodeInvalid);
  EXPECT_EQ(r.reason, "close needs a position ticket or a ref");
}

TEST_F(TradeActionsTest, CloseAllTakesASymbolAndASide) {
  hedging();
  send(market("a.0", 0.1));
  send(market("b.0", 0.2, Side::kSell));
  send(market("c.0", 0.3, Side::kBuy, "GBPUSD"));
  const link::ResultFrame longs = send(close_all("x.0", "EURUSD", CloseSide::kLong));
  EXPECT_EQ(longs.retcode, link::kRetcodeDone);
  EXPECT_NEAR(longs.filled_volume, 0.1, 1e-9);
  EXPECT_EQ(positions().size(), 2u);
  const link::ResultFrame rest = send(close_all("x.1", "", CloseSide::kBoth));
  EXPECT_NEAR(rest.filled_volume, 0.5, 1e-9);
  EXPECT_TRUE(positions().empty());
  const link::ResultFrame nothing = send(close_all("x.2", "", CloseSide::kBoth));
  EXPECT_EQ(nothing.retcode, link::kRetcodePositionClosed);
  EXPECT_EQ(nothing.reason, "nothing to close");
  expect_repeat_answers(close_all("x.1", "", CloseSide::kBoth), rest);
}

TEST_F(TradeActionsTest, ACloseThatTheBrokerRejectsClosesNothing) {
  const link::ResultFrame open = send(market("a.0", 0.1));
  config_.reject_prob = 1.0;
  restart();
  const link::ResultFrame r = send(close("c.0", open.position));
  EXPECT_EQ(r.retcode, link::kRetcodeReject);
  EXPECT_EQ(positions().at(0).volume, 0.1);
  EXPECT_EQ(ledger_lines().size(), 1u);
}

// ---- modify -----------------------------------------------------------------------

TEST_F(TradeActionsTest, ModifySetsKeepsAndRemovesStopsIdempotently) {
  const link::ResultFrame open = send(market("a.0", 0.1));
  const link::ResultFrame set = send(modify("m.0", open.position, 1.09, 1.12));
  EXPECT_EQ(set.retcode, link::kRetcodeDone);
  EXPECT_EQ(set.position, open.position);
  EXPECT_EQ(positions()[0].sl, 1.09);
  EXPECT_EQ(positions()[0].tp, 1.12);
  expect_repeat_answers(modify("m.0", open.position, 1.09, 1.12), set);
  const link::ResultFrame same = send(modify("m.1", open.position, 1.09, std::nullopt));
  EXPECT_EQ(same.retcode, link::kRetcodeNoChanges);
  EXPECT_EQ(send(modify("m.2", open.position, std::nullopt, 0.0)).retcode, link::kRetcodeDone);
  EXPECT_EQ(positions()[0].sl, 1.09) << "absent = unchanged";
  EXPECT_EQ(positions()[0].tp, 0) << "0 = removed";
  const link::ResultFrame wrong = send(modify("m.3", open.position, 1.11, std::nullopt));
  EXPECT_EQ(wrong.retcode, link::kRetcodeInvalidStops);
  EXPECT_EQ(positions()[0].sl, 1.09);
  EXPECT_EQ(send(modify("m.4", open.position, std::nullopt, std::nullopt)).retcode, link::kRetcodeInvalid);
  EXPECT_EQ(send(modify("m.5", open.position + 100, 1.0, std::nullopt)).retcode,
            link::kRetcodePositionClosed);
}

TEST_F(TradeActionsTest, ModifyByRefSetsTheStopsOfEveryPositionOfTheSignal) {
  hedging();
  send(leg("sig", 0, 0.1));
  send(leg("sig", 1, 0.2));
  link::OrderFrame m = frame("m.0", Action::kModify);
  m.ref = "sig";
  m.tp = 1.2;
  EXPECT_EQ(send(m).retcode, link::kRetcodeDone);
  for (const Position& p : positions()) EXPECT_EQ(p.tp, 1.2);
  m.client_id = "m.1";
  EXPECT_EQ(send(m).retcode, link::kRetcodeNoChanges);
}

// ---- pending orders ---------------------------------------------------------------

TEST_F(TradeActionsTest, ModifyOrderChangesThePendingOrder) {
  const link::ResultFrame placed = send(pending("a.0", OrderType::kLimit, Side::kBuy, 1.09));
  link::OrderFrame m = modify_order("m.0", placed.ticket);
  m.price = 1.085;
  m.sl = 1.08;
  m.expiration = clock_.now_ms() + 5'000;
  const std::vector<link::Frame> frames = handle(m);
  ASSERT_EQ(frames.size(), 2u);
  const auto& r = std::get<link::ResultFrame>(frames[0]);
  EXPECT_EQ(r.retcode, link::kRetcodeDone);
  EXPECT_EQ(r.ticket, placed.ticket);
  const PendingOrder o = orders().at(0);
  EXPECT_EQ(o.price, 1.085);
  EXPECT_EQ(o.sl, 1.08);
  EXPECT_EQ(o.expiration_ms, clock_.now_ms() + 5'000);
  expect_repeat_answers(m, r);
  m.client_id = "m.1";
  EXPECT_EQ(send(m).retcode, link::kRetcodeNoChanges);
  link::OrderFrame bad = modify_order("m.2", placed.ticket);
  bad.price = 1.2;  // a buy limit above the ask
  EXPECT_EQ(send(bad).retcode, link::kRetcodeInvalidPrice);
  EXPECT_EQ(orders().at(0).price, 1.085);
  link::OrderFrame by_ref = frame("m.3", Action::kModifyOrder);
  by_ref.ref = "uuid-a.0";
  by_ref.tp = 1.095;
  EXPECT_EQ(send(by_ref).retcode, link::kRetcodeDone);
  EXPECT_EQ(orders().at(0).tp, 1.095);
}

TEST_F(TradeActionsTest, CancelRemovesThePendingOrderOnceAndNeverReplacesIt) {
  const link::ResultFrame placed = send(pending("a.0", OrderType::kStop, Side::kSell, 1.09));
  const std::vector<link::Frame> frames = handle(cancel("x.0", placed.ticket));
  ASSERT_EQ(frames.size(), 2u);
  const auto& r = std::get<link::ResultFrame>(frames[0]);
  EXPECT_EQ(r.retcode, link::kRetcodeDone);
  EXPECT_EQ(r.ticket, placed.ticket);
  EXPECT_TRUE(std::get<link::Orders>(frames[1]).orders.empty());
  expect_repeat_answers(cancel("x.0", placed.ticket), r);
  const link::ResultFrame again = send(cancel("x.1", placed.ticket));
  EXPECT_EQ(again.retcode, link::kRetcodeInvalid);
  EXPECT_EQ(again.reason, "cancelled");
  link::OrderFrame m = modify_order("m.0", placed.ticket);
  m.price = 1.08;
  EXPECT_EQ(send(m).reason, "cancelled");
  EXPECT_TRUE(orders().empty());
  EXPECT_EQ(send(cancel("x.2", 999)).reason, "order 999 not found");
  link::OrderFrame by_ref = frame("x.3", Action::kCancel);
  by_ref.ref = "uuid-a.0";
  EXPECT_EQ(send(by_ref).reason, "cancelled");
}

TEST_F(TradeActionsTest, CancelByRefCancelsTheSignalsOrder) {
  send(pending("a.0", OrderType::kLimit, Side::kSell, 1.12));
  link::OrderFrame c = frame("x.0", Action::kCancel);
  c.ref = "uuid-a.0";
  EXPECT_EQ(send(c).retcode, link::kRetcodeDone);
  EXPECT_TRUE(orders().empty());
  c.ref = "nobody";
  c.client_id = "x.1";
  EXPECT_EQ(send(c).reason, "no pending order placed by nobody");
}

TEST_F(TradeActionsTest, ARefNamingSeveralPendingOrdersMustBeToldTheTicket) {
  link::OrderFrame first = pending("a.0", OrderType::kLimit, Side::kBuy, 1.09);
  link::OrderFrame second = pending("a.1", OrderType::kLimit, Side::kBuy, 1.08);
  first.uuid = second.uuid = "sig";
  send(first);
  send(second);
  link::OrderFrame c = frame("x.0", Action::kCancel);
  c.ref = "sig";
  const link::ResultFrame r = send(c);
  EXPECT_EQ(r.retcode, link::kRetcodeInvalid);
  EXPECT_EQ(r.reason, "sig names several pending orders");
  EXPECT_EQ(orders().size(), 2u);
}

TEST_F(TradeActionsTest, TheBrokersFillingModesAndMarketHoursApplyToClosesToo) {
  const link::ResultFrame open = send(market("a.0", 0.1));
  config_.symbol_filling["EURUSD"] = {"ioc"};
  restart();
  EXPECT_EQ(send(market("b.0", 0.1)).retcode, link::kRetcodeInvalidFill);
  EXPECT_EQ(send(close("c.0", open.position)).retcode, link::kRetcodeInvalidFill);
  config_.symbol_filling.clear();
  config_.market_closed_prob = 1.0;
  restart();
  EXPECT_EQ(send(close("c.1", open.position)).retcode, link::kRetcodeMarketClosed);
  EXPECT_EQ(positions().at(0).volume, 0.1);
  EXPECT_EQ(send(pending("d.0", OrderType::kLimit, Side::kBuy, 1.0)).retcode, link::kRetcodePlaced)
      << "a pending order rests while the market is closed";
}

}  // namespace
}  // namespace mtg::sim
