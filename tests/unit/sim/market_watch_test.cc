// What the broker does on its own (TerminalSim::tick): pending orders trigger and
// expire, SL and TP close positions, each reported as a trade event that is kept until
// the engine acknowledges it.
#include <gtest/gtest.h>

#include "unit/sim/sim_fixture.h"

namespace mtg::sim {
namespace {

class MarketWatchTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    set_mid("EURUSD", 1.10);
  }
  // The one event among the frames of a tick.
  static TradeEvent only_event(const std::vector<link::Frame>& frames) {
    const std::vector<TradeEvent> events = events_in(frames);
    EXPECT_EQ(events.size(), 1u);
    return events.empty() ? TradeEvent{} : events[0];
  }
  link::ResultFrame open_with_stops(const std::string& client_id, Side side, double volume, double sl,
                                    double tp) {
    link::OrderFrame o = market(client_id, volume, side);
    if (sl > 0) o.sl = sl;
    if (tp > 0) o.tp = tp;
    return send(o);
  }
};

TEST_F(MarketWatchTest, ABuyLimitFillsAtItsPriceWhenTheAskReachesIt) {
  link::OrderFrame o = pending("a.0", OrderType::kLimit, Side::kBuy, 1.09);
  o.sl = 1.08;
  o.tp = 1.10;
  const link::ResultFrame placed = send(o);
  EXPECT_TRUE(tick().empty()) << "not reached: nothing happens, nothing is sent";
  set_mid("EURUSD", 1.0895);
  const std::vector<link::Frame> frames = tick();
  ASSERT_EQ(frames.size(), 3u);
  const TradeEvent e = only_event(frames);
  EXPECT_EQ(e.kind, EventKind::kOrderTriggered);
  EXPECT_EQ(e.id, "deal:" + std::to_string(e.deal));
  EXPECT_EQ(e.symbol, "EURUSD");
  EXPECT_EQ(e.side, Side::kBuy);
  EXPECT_EQ(e.volume, 0.1);
  EXPECT_EQ(e.price, 1.09);
  EXPECT_EQ(e.order, placed.ticket);
  EXPECT_EQ(e.position, placed.ticket);
  EXPECT_EQ(e.ref, "uuid-a.0");
  EXPECT_EQ(e.ts_ms, clock_.now_ms());
  const auto& held = std::get<link::Positions>(frames[1]).positions;
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0], (Position{placed.ticket, "EURUSD", Side::kBuy, 0.1, 1.09, 1.08, 1.10, "uuid-a.0"}));
  EXPECT_TRUE(std::get<link::Orders>(frames[2]).orders.empty());
  const auto line = ledger_lines().at(0);
  EXPECT_EQ(line["action"], "order_triggered");
  EXPECT_EQ(line["entry"], "in");
  EXPECT_EQ(line["uuid"], "uuid-a.0") << "the execution of the signal that placed the order";
  EXPECT_FALSE(line.contains("client_id"));
  EXPECT_EQ(opened_per_uuid().at("uuid-a.0"), 0.1);
  EXPECT_EQ(line["event"]["id"], e.id);
  EXPECT_TRUE(tick().empty()) << "an order triggers once";
}

TEST_F(MarketWatchTest, AnOrderThatFilledIsNamedWhenModifiedOrCancelled) {
  const link::ResultFrame placed = send(pending("a.0", OrderType::kLimit, Side::kBuy, 1.09));
  set_mid("EURUSD", 1.0895);
  const TradeEvent e = only_event(tick());
  const link::ResultFrame c = send(cancel("x.0", placed.ticket));
  EXPECT_EQ(c.retcode, link::kRetcodeInvalid);
  EXPECT_EQ(c.reason, "filled: position " + std::to_string(e.position));
  EXPECT_EQ(c.position, e.position);
  link::OrderFrame m = frame("m.0", Action::kModifyOrder);
  m.ref = "uuid-a.0";
  m.price = 1.08;
  EXPECT_EQ(send(m).reason, c.reason);
  EXPECT_EQ(positions().size(), 1u) << "a late cancel never touches what the order became";
}

TEST_F(MarketWatchTest, ASellStopFillsAtTheBid) {
  send(pending("a.0", OrderType::kStop, Side::kSell, 1.09));
  set_mid("EURUSD", 1.0895);
  const TradeEvent e = only_event(tick());
  EXPECT_EQ(e.side, Side::kSell);
  EXPECT_LE(e.price, 1.09);
  EXPECT_EQ(positions().at(0).price, e.price);
}

TEST_F(MarketWatchTest, OnANettingAccountATriggeredOrderReducesTheOppositePosition) {
  const link::ResultFrame open = send(market("a.0", 0.3));
  send(pending("b.0", OrderType::kLimit, Side::kSell, 1.11));
  set_mid("EURUSD", 1.1105);
  const TradeEvent e = only_event(tick());
  EXPECT_EQ(e.position, open.position) << "the symbol's one position";
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0].side, Side::kBuy);
  EXPECT_NEAR(positions()[0].volume, 0.2, 1e-9);
  EXPECT_EQ(ledger_lines().back()["entry"], "out");
}

TEST_F(MarketWatchTest, AStopLimitBecomesALimitAtItsStopAndThenFills) {
  link::OrderFrame o = pending("a.0", OrderType::kStopLimit, Side::kBuy, 1.11);
  o.stop_limit_price = 1.105;
  const link::ResultFrame placed = send(o);
  set_mid("EURUSD", 1.111);
  const std::vector<link::Frame> activated = tick();
  ASSERT_EQ(activated.size(), 1u) << "no event: the order is still pending";
  const auto& now_limit = std::get<link::Orders>(activated[0]).orders;
  ASSERT_EQ(now_limit.size(), 1u);
  EXPECT_EQ(now_limit[0].ticket, placed.ticket);
  EXPECT_EQ(now_limit[0].type, OrderType::kLimit);
  EXPECT_EQ(now_limit[0].price, 1.105);
  EXPECT_EQ(now_limit[0].stop_limit_price, 0);
  EXPECT_EQ(journal_lines().back()["rec"], "activated");
  set_mid("EURUSD", 1.1045);
  const TradeEvent e = only_event(tick());
  EXPECT_EQ(e.kind, EventKind::kOrderTriggered);
  EXPECT_EQ(e.price, 1.105);
  EXPECT_EQ(e.order, placed.ticket);
}

TEST_F(MarketWatchTest, APendingOrderExpiresAtItsExpiration) {
  link::OrderFrame o = pending("a.0", OrderType::kLimit, Side::kBuy, 1.09);
  o.expiration = clock_.now_ms() + 1'000;
  const link::ResultFrame placed = send(o);
  clock_.advance_ms(999);
  EXPECT_TRUE(tick().empty());
  clock_.advance_ms(1);
  const std::vector<link::Frame> frames = tick();
  ASSERT_EQ(frames.size(), 2u);
  const TradeEvent e = only_event(frames);
  EXPECT_EQ(e.kind, EventKind::kOrderExpired);
  EXPECT_EQ(e.id, "order:" + std::to_string(placed.ticket) + ":expired");
  EXPECT_EQ(e.volume, 0);
  EXPECT_EQ(e.price, 1.09);
  EXPECT_EQ(e.order, placed.ticket);
  EXPECT_EQ(e.ref, "uuid-a.0");
  EXPECT_TRUE(std::get<link::Orders>(frames[1]).orders.empty());
  EXPECT_EQ(send(cancel("x.0", placed.ticket)).reason, "expired");
  set_mid("EURUSD", 1.08);
  EXPECT_TRUE(tick().empty()) << "an expired order never fills";
}

TEST_F(MarketWatchTest, AStopLossClosesALongWithTheServersComment) {
  const link::ResultFrame open = open_with_stops("a.0", Side::kBuy, 0.1, 1.095, 0);
  set_mid("EURUSD", 1.096);
  EXPECT_TRUE(tick().empty());
  set_mid("EURUSD", 1.094);
  const std::vector<link::Frame> frames = tick();
  ASSERT_EQ(frames.size(), 2u);
  const TradeEvent e = only_event(frames);
  EXPECT_EQ(e.kind, EventKind::kStopLoss);
  EXPECT_EQ(e.reason, "[sl 1.09500]");
  EXPECT_EQ(e.side, Side::kSell) << "the closing deal's side";
  EXPECT_EQ(e.volume, 0.1);
  EXPECT_EQ(e.position, open.position);
  EXPECT_EQ(e.ref, "uuid-a.0");
  EXPECT_LT(e.price, 1.095);
  EXPECT_TRUE(std::get<link::Positions>(frames[1]).positions.empty());
  const auto line = ledger_lines().back();
  EXPECT_EQ(line["action"], "sl");
  EXPECT_EQ(line["entry"], "out");
  EXPECT_EQ(line["side"], "sell");
  EXPECT_EQ(line["comment"], "[sl 1.09500]");
  EXPECT_FALSE(line.contains("uuid"));
  EXPECT_EQ(send(close("c.0", open.position)).retcode, link::kRetcodePositionClosed);
}

TEST_F(MarketWatchTest, ATakeProfitClosesAShortAtTheAsk) {
  set_mid("XAUUSD", 2000);
  link::OrderFrame o = market("a.0", 0.2, Side::kSell, "XAUUSD");
  o.tp = 1990;
  const link::ResultFrame open = send(o);
  set_mid("XAUUSD", 1985);
  const TradeEvent e = only_event(tick());
  EXPECT_EQ(e.kind, EventKind::kTakeProfit);
  EXPECT_EQ(e.reason, "[tp 1990.00]");
  EXPECT_EQ(e.position, open.position);
  EXPECT_EQ(e.volume, 0.2);
  EXPECT_TRUE(positions().empty());
}

TEST_F(MarketWatchTest, EventsAreKeptUntilAcknowledgedAcrossRestarts) {
  open_with_stops("a.0", Side::kBuy, 0.1, 1.095, 0);
  send(pending("b.0", OrderType::kLimit, Side::kBuy, 1.09));
  set_mid("EURUSD", 1.0895);
  const std::vector<TradeEvent> events = events_in(tick());
  ASSERT_EQ(events.size(), 2u);  // the limit filled, the stop loss hit
  EXPECT_EQ(events_in(sim_->on_connect()), events);
  restart();
  EXPECT_EQ(events_in(sim_->on_connect()), events) << "unacknowledged events survive a restart";
  const size_t journal_before = journal_lines().size();
  EXPECT_TRUE(handle(link::EventAck{{events[0].id, "deal:999"}}).empty());
  EXPECT_EQ(journal_lines().size(), journal_before + 1);
  EXPECT_EQ(journal_lines().back()["ids"], nlohmann::json::array({events[0].id})) << "only ids it holds";
  EXPECT_EQ(events_in(sim_->on_connect()), std::vector<TradeEvent>{events[1]});
  handle(link::EventAck{{events[0].id}});
  EXPECT_EQ(journal_lines().size(), journal_before + 1) << "an ack of nothing held writes nothing";
  restart();
  EXPECT_EQ(events_in(sim_->on_connect()), std::vector<TradeEvent>{events[1]});
  handle(link::EventAck{{events[1].id}});
  restart();
  EXPECT_TRUE(sim_->on_connect().empty());
}

TEST_F(MarketWatchTest, ARestartKeepsPendingOrdersStopsRefsAndTickets) {
  config_.account = "hedging";
  restart();
  set_mid("EURUSD", 1.10);
  const link::ResultFrame open = open_with_stops("a.0", Side::kBuy, 0.3, 1.08, 1.13);
  link::OrderFrame limit = pending("b.0", OrderType::kLimit, Side::kSell, 1.12);
  limit.expiration = clock_.now_ms() + 60'000;
  const link::ResultFrame placed = send(limit);
  link::OrderFrame stop_limit = pending("c.0", OrderType::kStopLimit, Side::kBuy, 1.11);
  stop_limit.stop_limit_price = 1.105;
  send(stop_limit);
  const link::ResultFrame modified = send(modify("m.0", open.position, 1.085, std::nullopt));
  const link::ResultFrame partly = send(close("d.0", open.position, 0.1));
  const std::vector<Position> held = positions();
  const std::vector<PendingOrder> resting = orders();
  ASSERT_EQ(resting.size(), 2u);
  restart();
  EXPECT_EQ(positions(), held);
  EXPECT_EQ(orders(), resting);
  EXPECT_EQ(positions()[0].sl, 1.085);
  EXPECT_EQ(positions()[0].ref, "uuid-a.0");
  EXPECT_EQ(send(modify("m.0", open.position, 1.085, std::nullopt)), modified);
  EXPECT_EQ(send(close("d.0", open.position, 0.1)), partly);
  EXPECT_EQ(positions()[0].volume, 0.2) << "a repeated close after a restart closes nothing";
  // The broker goes on where it was: orders trigger, tickets keep rising.
  set_mid("EURUSD", 1.1205);
  const TradeEvent e = only_event(tick());
  EXPECT_EQ(e.order, placed.ticket);
  const link::ResultFrame next = send(market("e.0", 0.1));
  EXPECT_GT(next.ticket, placed.ticket);
  EXPECT_GT(next.deal, e.deal);
}

TEST_F(MarketWatchTest, TheSameSeedAndFramesWriteTheSameLedger) {
  const auto run = [this](const std::string& path) {
    ledger_ = path;
    restart();
    set_mid("EURUSD", 1.10);
    send(pending("a.0", OrderType::kLimit, Side::kBuy, 1.0998));
    open_with_stops("b.0", Side::kSell, 0.2, 1.1008, 1.0992);
    for (int i = 0; i < 200; ++i) {
      clock_.advance_ms(kTickMs);
      tick();
    }
    std::vector<nlohmann::json> lines = ledger_lines();
    for (const auto& line : journal_lines()) lines.push_back(line);
    return lines;
  };
  const auto first = run(dir_.file("one.jsonl"));
  clock_ = ManualClock();
  const auto second = run(dir_.file("two.jsonl"));
  EXPECT_EQ(first, second);
  EXPECT_GE(first.size(), 5u);
}

}  // namespace
}  // namespace mtg::sim
