// The broker's draws, its market and the position book of netting and hedging accounts.
#include "sim/broker.h"

#include <gtest/gtest.h>

#include <map>

#include "link/retcode.h"
#include "sim/position_book.h"

namespace mtg::sim {
namespace {

SimConfig faulty(uint64_t seed) {
  SimConfig c;
  c.seed = seed;
  c.partial_fill_prob = 0.2;
  c.requote_prob = 0.2;
  c.reject_prob = 0.2;
  c.latency_ms_min = 5;
  c.latency_ms_max = 50;
  return c;
}

std::vector<std::tuple<int, int64_t, double, int>> run(uint64_t seed, int orders) {
  Broker broker(faulty(seed), std::make_unique<SeededRng>(seed));
  std::vector<std::tuple<int, int64_t, double, int>> out;
  for (int i = 0; i < orders; ++i) {
    const Side side = i % 2 == 0 ? Side::kBuy : Side::kSell;
    const Execution e = broker.fill(i % 3 == 0 ? "XAUUSD" : "EURUSD", side, 50);
    out.emplace_back(e.retcode, e.filled_cents, e.price, broker.draw_latency_ms());
  }
  return out;
}

TEST(Broker, SameSeedReplaysTheSameOutcomes) {
  const auto a = run(42, 300);
  EXPECT_EQ(a, run(42, 300));
  EXPECT_NE(a, run(43, 300));
  std::map<int, int> by_retcode;
  for (const auto& [retcode, filled, price, latency] : a) {
    ++by_retcode[retcode];
    EXPECT_GE(latency, 5);
    EXPECT_LE(latency, 50);
  }
  for (int code :
       {link::kRetcodeDone, link::kRetcodeDonePartial, link::kRetcodeRequote, link::kRetcodeReject}) {
    EXPECT_GT(by_retcode[code], 0) << code;
  }
}

TEST(Broker, PartialFillsAreWholeLotCentsBelowTheVolume) {
  SimConfig c;
  c.partial_fill_prob = 1.0;
  Broker broker(c, std::make_unique<SeededRng>(9));
  for (int64_t cents = 2; cents <= 500; cents += 7) {
    const Execution e = broker.fill("EURUSD", Side::kBuy, cents);
    ASSERT_EQ(e.retcode, link::kRetcodeDonePartial);
    EXPECT_GE(e.filled_cents, 1);
    EXPECT_LT(e.filled_cents, cents);
  }
  // 0.01 lots cannot fill partly: it fills fully.
  EXPECT_EQ(broker.fill("EURUSD", Side::kBuy, 1).retcode, link::kRetcodeDone);
}

TEST(Broker, VolumesAreWholeLotCents) {
  for (double v : {0.0, -0.1, 0.015, 1e-9, 1e12}) EXPECT_EQ(to_lot_cents(v), -1) << v;
  EXPECT_EQ(to_lot_cents(0.07), 7);
  EXPECT_EQ(to_lot_cents(1.1), 110);
}

TEST(Broker, FillsBuysAtAskAndSellsAtBidNearTheBasePrice) {
  Broker broker(SimConfig{}, std::make_unique<SeededRng>(3));
  const Execution buy = broker.fill("USDJPY", Side::kBuy, 100);
  EXPECT_EQ(buy.retcode, link::kRetcodeDone);
  const Quote q = broker.market().quote("USDJPY");
  EXPECT_EQ(buy.price, q.ask);
  EXPECT_GT(q.ask, q.bid);
  EXPECT_NEAR(buy.price, 150.0, 1.0);
  EXPECT_NEAR(broker.market().quote("EURUSD").bid, 1.10, 0.01);
  EXPECT_NEAR(broker.market().quote("GBPUSD").bid, 1.27, 0.01);
  EXPECT_NEAR(broker.market().quote("XAUUSD").bid, 2000, 10);
  const Execution sell = broker.fill("XAUUSD", Side::kSell, 1);
  EXPECT_EQ(sell.price, broker.market().quote("XAUUSD").bid);
}

TEST(Broker, SymbolsCarryTheAccountsSuffix) {
  SimConfig c;
  c.symbol_suffix = ".m";
  Broker broker(c, std::make_unique<SeededRng>(1));
  EXPECT_FALSE(broker.check_symbol("EURUSD.m").has_value());
  ASSERT_TRUE(broker.check_symbol("EURUSD").has_value());
  EXPECT_EQ(broker.check_symbol("EURUSD")->retcode, link::kRetcodeInvalid);
  EXPECT_EQ(broker.check_symbol("EURUSD")->reason, "unknown symbol EURUSD");
}

TEST(Broker, AFillingModeTheSymbolDoesNotAllowIsRefused) {
  SimConfig c;
  c.filling = "fok";
  c.symbol_filling["XAUUSD"] = {"ioc", "return"};
  Broker broker(c, std::make_unique<SeededRng>(1));
  EXPECT_EQ(broker.fill("XAUUSD", Side::kBuy, 10).retcode, link::kRetcodeInvalidFill);
  EXPECT_EQ(broker.fill("EURUSD", Side::kBuy, 10).retcode, link::kRetcodeDone);
}

TEST(Broker, AClosedMarketRefusesExecutions) {
  SimConfig c;
  c.market_closed_prob = 1.0;
  Broker broker(c, std::make_unique<SeededRng>(1));
  const Execution e = broker.fill("EURUSD", Side::kSell, 10);
  EXPECT_EQ(e.retcode, link::kRetcodeMarketClosed);
  EXPECT_EQ(e.filled_cents, 0);
}

TEST(Broker, FaultDrawsFollowTheirProbabilities) {
  SimConfig c;
  c.link_drop_after_fill_prob = 1.0;
  c.slow_result_prob = 1.0;
  c.slow_result_ms = 7000;
  Broker broker(c, std::make_unique<SeededRng>(1));
  EXPECT_TRUE(broker.draw_link_drop_after_fill());
  EXPECT_EQ(broker.draw_result_delay_ms(), 7000);
  EXPECT_FALSE(broker.draw_timeout_after_fill());
  EXPECT_EQ(broker_comment(std::string(40, 'x')), std::string(31, 'x'));
}

TEST(Market, SetMidPutsThePriceAndTheWalkStaysNearIt) {
  Market market("");
  market.set_mid("EURUSD", 1.2);
  EXPECT_EQ(market.quote("EURUSD").bid, 1.19995);
  EXPECT_EQ(market.quote("EURUSD").ask, 1.20005);
  EXPECT_EQ(market.format("EURUSD", 1.095), "1.09500");
  EXPECT_EQ(market.format("XAUUSD", 1999.5), "1999.50");
  SeededRng rng(5);
  market.walk("EURUSD", rng);
  EXPECT_NEAR(market.quote("EURUSD").bid, 1.2, 1.2 * 0.0003);
  market.set_mid("EURUSD", 100);  // clamped to twice the base price
  EXPECT_NEAR(market.quote("EURUSD").bid, 2.2, 0.001);
}

Deal opening(const std::string& symbol, Side side, double volume, double price, int64_t ticket) {
  return Deal{symbol, side, volume, price, ticket, ticket};
}

TEST(PositionBook, NettingAccountNetsReducesAndReverses) {
  PositionBook book(false);
  EXPECT_EQ(book.apply(opening("EURUSD", Side::kBuy, 0.3, 1.1, 1)), (DealEffect{1, DealEntry::kIn}));
  EXPECT_EQ(book.apply(opening("EURUSD", Side::kBuy, 0.1, 1.2, 2)), (DealEffect{1, DealEntry::kIn}));
  ASSERT_EQ(book.all().size(), 1u);
  EXPECT_EQ(book.all()[0].volume, 0.4);
  EXPECT_NEAR(book.all()[0].price, 1.125, 1e-12);
  EXPECT_EQ(book.apply(opening("EURUSD", Side::kSell, 0.1, 1.3, 3)), (DealEffect{1, DealEntry::kOut}));
  EXPECT_EQ(book.all()[0].volume, 0.3);
  EXPECT_EQ(book.apply(opening("EURUSD", Side::kSell, 0.5, 1.3, 4)), (DealEffect{4, DealEntry::kInOut}));
  ASSERT_EQ(book.all().size(), 1u);
  EXPECT_EQ(book.all()[0], (Position{4, "EURUSD", Side::kSell, 0.2, 1.3, 0, 0, ""}));
  EXPECT_EQ(book.apply(opening("EURUSD", Side::kBuy, 0.2, 1.3, 5)), (DealEffect{4, DealEntry::kOut}));
  EXPECT_TRUE(book.all().empty());
}

TEST(PositionBook, HedgingAccountKeepsEveryDealAsAPosition) {
  PositionBook book(true);
  book.apply(opening("EURUSD", Side::kBuy, 0.3, 1.1, 10));
  book.apply(opening("EURUSD", Side::kSell, 0.3, 1.1, 11));
  EXPECT_EQ(book.all().size(), 2u);
  EXPECT_EQ(book.matching("EURUSD", CloseSide::kShort).size(), 1u);
  EXPECT_EQ(book.matching("GBPUSD", CloseSide::kBoth).size(), 0u);
}

TEST(PositionBook, AClosingDealMustFitItsPosition) {
  PositionBook book(false);
  Deal open = opening("EURUSD", Side::kBuy, 0.3, 1.1, 1);
  open.ref = "u1";
  open.sl = 1.0;
  book.apply(open);
  const Deal too_much{"EURUSD", Side::kSell, 0.4, 1.1, 2, 2, 1};
  EXPECT_EQ(book.plan(too_much).status().code(), Code::kCorruption);
  const Deal same_side{"EURUSD", Side::kBuy, 0.1, 1.1, 2, 2, 1};
  EXPECT_EQ(book.plan(same_side).status().code(), Code::kCorruption);
  const Deal elsewhere{"EURUSD", Side::kSell, 0.1, 1.1, 2, 2, 9};
  EXPECT_EQ(book.plan(elsewhere).status().code(), Code::kCorruption);
  const Deal part{"EURUSD", Side::kSell, 0.1, 1.1, 2, 2, 1};
  EXPECT_EQ(book.apply(part), (DealEffect{1, DealEntry::kOut}));
  ASSERT_NE(book.find(1), nullptr);
  EXPECT_EQ(book.find(1)->volume, 0.2);
  EXPECT_EQ(book.find(1)->ref, "u1");
  EXPECT_EQ(book.find(1)->sl, 1.0);
  EXPECT_EQ(book.with_ref("u1").size(), 1u);
}

}  // namespace
}  // namespace mtg::sim
