#include "sim/broker.h"

#include <gtest/gtest.h>

#include "link/retcode.h"

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

std::vector<std::tuple<int, double, double, int>> run(uint64_t seed, int orders) {
  Broker broker(faulty(seed), std::make_unique<SeededRng>(seed));
  std::vector<std::tuple<int, double, double, int>> out;
  for (int i = 0; i < orders; ++i) {
    const link::Side side = i % 2 == 0 ? link::Side::kBuy : link::Side::kSell;
    const Execution e = broker.execute(BrokerOrder{i % 3 == 0 ? "XAUUSD" : "EURUSD", side, 0.5});
    out.emplace_back(e.retcode, e.filled_volume, e.price, broker.draw_latency_ms());
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
  for (int code : {link::kRetcodeDone, link::kRetcodeDonePartial, link::kRetcodeRequote, link::kRetcodeReject}) {
    EXPECT_GT(by_retcode[code], 0) << code;
  }
}

TEST(Broker, PartialFillsAreWholeLotCentsBelowTheVolume) {
  SimConfig c;
  c.partial_fill_prob = 1.0;
  Broker broker(c, std::make_unique<SeededRng>(9));
  for (int cents = 2; cents <= 500; cents += 7) {
    const double volume = static_cast<double>(cents) / 100;
    const Execution e = broker.execute(BrokerOrder{"EURUSD", link::Side::kBuy, volume});
    ASSERT_EQ(e.retcode, link::kRetcodeDonePartial);
    EXPECT_GE(e.filled_volume, 0.01);
    EXPECT_LT(e.filled_volume, volume);
    EXPECT_GT(to_lot_cents(e.filled_volume), 0) << e.filled_volume;
  }
  // 0.01 lots cannot fill partly: it fills fully.
  EXPECT_EQ(broker.execute(BrokerOrder{"EURUSD", link::Side::kBuy, 0.01}).retcode, link::kRetcodeDone);
}

TEST(Broker, InvalidVolumeAndUnknownSymbolAreRefused) {
  Broker broker(SimConfig{}, std::make_unique<SeededRng>(1));
  for (double v : {0.0, -0.1, 0.015, 1e-9}) {
    EXPECT_EQ(broker.execute(BrokerOrder{"EURUSD", link::Side::kBuy, v}).retcode, link::kRetcodeInvalidVolume) << v;
  }
  EXPECT_EQ(broker.execute(BrokerOrder{"NOPE", link::Side::kBuy, 0.1}).retcode, link::kRetcodeReject);
  EXPECT_EQ(to_lot_cents(0.07), 7);
  EXPECT_EQ(to_lot_cents(1.1), 110);
}

TEST(Broker, FillsBuysAtAskAndSellsAtBidNearTheBasePrice) {
  Broker broker(SimConfig{}, std::make_unique<SeededRng>(3));
  const Execution buy = broker.execute(BrokerOrder{"USDJPY", link::Side::kBuy, 1});
  EXPECT_EQ(buy.retcode, link::kRetcodeDone);
  EXPECT_EQ(buy.price, broker.ask("USDJPY"));
  EXPECT_GT(broker.ask("USDJPY"), broker.bid("USDJPY"));
  EXPECT_NEAR(buy.price, 150.0, 1.0);
  EXPECT_NEAR(broker.bid("EURUSD"), 1.10, 0.01);
  EXPECT_NEAR(broker.bid("GBPUSD"), 1.27, 0.01);
  EXPECT_NEAR(broker.bid("XAUUSD"), 2000, 10);
}

TEST(Broker, NettingAccountNetsReducesAndReverses) {
  Broker broker(SimConfig{}, std::make_unique<SeededRng>(1));
  broker.book_deal(Deal{"EURUSD", link::Side::kBuy, 0.3, 1.1, 1, 1});
  broker.book_deal(Deal{"EURUSD", link::Side::kBuy, 0.1, 1.2, 2, 2});
  ASSERT_EQ(broker.positions().size(), 1u);
  EXPECT_EQ(broker.positions()[0].volume, 0.4);
  EXPECT_NEAR(broker.positions()[0].price, 1.125, 1e-12);
  broker.book_deal(Deal{"EURUSD", link::Side::kSell, 0.1, 1.3, 3, 3});
  EXPECT_EQ(broker.positions()[0].volume, 0.3);
  broker.book_deal(Deal{"EURUSD", link::Side::kSell, 0.5, 1.3, 4, 4});
  ASSERT_EQ(broker.positions().size(), 1u);
  EXPECT_EQ(broker.positions()[0], (link::Position{4, "EURUSD", link::Side::kSell, 0.2, 1.3}));
  broker.book_deal(Deal{"EURUSD", link::Side::kBuy, 0.2, 1.3, 5, 5});
  EXPECT_TRUE(broker.positions().empty());
  EXPECT_EQ(broker.next_ticket(), 6);
  EXPECT_EQ(broker.next_deal(), 6);
}

TEST(Broker, HedgingAccountKeepsEveryDealAsAPosition) {
  SimConfig c;
  c.account = "hedging";
  Broker broker(c, std::make_unique<SeededRng>(1));
  broker.book_deal(Deal{"EURUSD", link::Side::kBuy, 0.3, 1.1, 10, 20});
  broker.book_deal(Deal{"EURUSD", link::Side::kSell, 0.3, 1.1, 11, 21});
  EXPECT_EQ(broker.positions().size(), 2u);
  EXPECT_EQ(broker.next_ticket(), 12);
}

}  // namespace
}  // namespace mtg::sim
