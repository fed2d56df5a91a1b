// The terminal's duties for market opens (docs/protocol.md "Terminal duties"): exactly
// once per client_id, expiry, write-ahead, recovery from its own files.
#include <gtest/gtest.h>

#include "unit/sim/sim_fixture.h"

namespace mtg::sim {
namespace {

using TerminalSimTest = SimTest;

TEST_F(TerminalSimTest, RepeatedClientIdAnswersTheFirstResultAndExecutesOnce) {
  const link::ResultFrame first = send(market("a.0", 0.1));
  EXPECT_EQ(first.retcode, link::kRetcodeDone);
  EXPECT_EQ(first.filled_volume, 0.1);
  EXPECT_GT(first.ticket, 0);
  EXPECT_GT(first.deal, 0);
  EXPECT_EQ(first.position, first.ticket);
  const std::vector<link::Frame> again = handle(market("a.0", 0.1));
  ASSERT_EQ(again.size(), 1u) << "a repeat changes nothing, so no holdings follow";
  EXPECT_EQ(std::get<link::ResultFrame>(again[0]), first);
  ASSERT_EQ(ledger_lines().size(), 1u);
  const auto line = ledger_lines()[0];
  EXPECT_EQ(line["uuid"], "uuid-a.0");
  EXPECT_EQ(line["client_id"], "a.0");
  EXPECT_EQ(line["action"], "open");
  EXPECT_EQ(line["entry"], "in");
  EXPECT_EQ(line["volume"], 0.1);
  EXPECT_EQ(line["ticket"], first.ticket);
  EXPECT_EQ(line["deal"], first.deal);
  EXPECT_EQ(line["position"], first.position);
  EXPECT_EQ(line["price"], first.price);
  EXPECT_EQ(line["symbol"], "EURUSD");
  EXPECT_EQ(line["side"], "buy");
  EXPECT_EQ(line["ref"], "uuid-a.0");
  EXPECT_EQ(line["comment"], "a.0");
  EXPECT_EQ(line["ts"], clock_.now_ms());
}

TEST_F(TerminalSimTest, AnOrderThatChangedTheBookIsFollowedByWhatChanged) {
  const std::vector<link::Frame> frames = handle(market("a.0", 0.1));
  ASSERT_EQ(frames.size(), 2u) << "the positions changed, the pending orders did not";
  const auto& result = std::get<link::ResultFrame>(frames[0]);
  const auto& held = std::get<link::Positions>(frames[1]);
  ASSERT_EQ(held.positions.size(), 1u);
  EXPECT_EQ(held.positions[0].ticket, result.position);
  EXPECT_EQ(held.positions[0].ref, "uuid-a.0");
  set_mid("EURUSD", 1.10);
  const std::vector<link::Frame> placed = handle(pending("b.0", OrderType::kLimit, Side::kBuy, 1.09));
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(std::get<link::Orders>(placed[1]).orders.size(), 1u);
}

TEST_F(TerminalSimTest, RestartReloadsHistoryPositionsAndTickets) {
  std::vector<link::ResultFrame> results;
  results.push_back(send(market("a.0", 0.3)));
  results.push_back(send(market("b.0", 0.1, Side::kSell)));
  results.push_back(send(market("c.0", 1.0, Side::kBuy, "XAUUSD")));
  const std::vector<Position> before = positions();
  ASSERT_EQ(before.size(), 2u);
  restart();
  EXPECT_EQ(positions(), before);
  EXPECT_EQ(sim_->ledger().history_size(), 3u);
  for (const auto& r : results) EXPECT_EQ(send(market(r.client_id, 0.3)), r) << r.client_id;
  EXPECT_EQ(ledger_lines().size(), 3u);
  const auto known = sim_->answer(link::QueryFrame{{"a.0", "zz.0"}});
  ASSERT_EQ(known.size(), 1u);
  ASSERT_EQ(known[0].orders.size(), 2u);
  EXPECT_EQ(known[0].orders[0].result, results[0]);
  EXPECT_FALSE(known[0].orders[1].result.has_value());
  const link::ResultFrame fresh = send(market("d.0", 0.1));
  EXPECT_GT(fresh.ticket, results.back().ticket);
  EXPECT_GT(fresh.deal, results.back().deal);
}

TEST_F(TerminalSimTest, TornLastLedgerLineIsDroppedOnReload) {
  send(market("a.0", 0.1));
  std::ofstream(ledger_, std::ios::app) << R"({"uuid":"uuid-b.0","client_id":"b.)";
  restart();
  EXPECT_EQ(sim_->ledger().torn_lines(), 1);
  EXPECT_EQ(sim_->ledger().history_size(), 1u);
  EXPECT_EQ(sim_->ledger().interrupted(), std::vector<std::string>{});
  send(market("b.0", 0.2));
  restart();
  EXPECT_EQ(sim_->ledger().torn_lines(), 0);
  EXPECT_EQ(sim_->ledger().history_size(), 2u);
  EXPECT_EQ(ledger_lines().size(), 2u);
}

TEST_F(TerminalSimTest, DamageBeforeTheLastLineIsCorruption) {
  send(market("a.0", 0.1));
  const std::string text = ledger_lines()[0].dump();
  std::ofstream(ledger_, std::ios::trunc) << "{broken\n" << text << "\n";
  sim_.reset();
  auto sim = TerminalSim::open(ledger_, config_, clock_, [](int) {});
  ASSERT_FALSE(sim.is_ok());
  EXPECT_EQ(sim.status().code(), Code::kCorruption);
}

TEST_F(TerminalSimTest, ALedgerLineThatDoesNotFitTheBookIsCorruption) {
  send(market("a.0", 0.1));
  nlohmann::json line = ledger_lines()[0];
  line["seq"] = 3;  // the next record (intent 1, deal 2): lines past a gap would be cut
  line["client_id"] = "b.0";
  line["action"] = "close";  // closes position `position` on its own side
  std::ofstream(ledger_, std::ios::app) << line.dump() << "\n";
  sim_.reset();
  auto sim = TerminalSim::open(ledger_, config_, clock_, [](int) {});
  ASSERT_FALSE(sim.is_ok());
  EXPECT_EQ(sim.status().code(), Code::kCorruption);
  EXPECT_NE(sim.status().message().find("seq 3"), std::string::npos) << sim.status().to_string();
}

TEST_F(TerminalSimTest, IntentWithoutDealCountsAsNotExecuted) {
  send(market("a.0", 0.1));
  send(market("b.0", 0.2));
  drop_last_lines(ledger_, 1);  // a crash after the intent of b.0, before its deal line
  restart();
  EXPECT_EQ(sim_->ledger().interrupted(), std::vector<std::string>{"b.0"});
  EXPECT_FALSE(sim_->answer(link::QueryFrame{{"b.0"}})[0].orders[0].result.has_value());
  EXPECT_EQ(positions().at(0).volume, 0.1);
  EXPECT_EQ(send(market("b.0", 0.2)).retcode, link::kRetcodeDone);
  EXPECT_EQ(ledger_lines().size(), 2u);
  EXPECT_EQ(opened_per_uuid().at("uuid-b.0"), 0.2);
}

TEST_F(TerminalSimTest, ExpiredOrderIsNotExecutedAndStaysExpired) {
  link::OrderFrame late = market("a.0", 0.1);
  late.expires_at = clock_.now_ms() - 1;
  const link::ResultFrame r = send(late);
  EXPECT_EQ(r.retcode, link::kRetcodeInvalidExpiration);
  EXPECT_EQ(r.reason, "expired before execution");
  EXPECT_EQ(r.filled_volume, 0);
  EXPECT_EQ(r.ticket, 0);
  EXPECT_TRUE(ledger_lines().empty());
  EXPECT_EQ(send(market("a.0", 0.1)).retcode, link::kRetcodeInvalidExpiration);
  EXPECT_TRUE(positions().empty());
  restart();
  EXPECT_EQ(send(market("a.0", 0.1)), r);
}

TEST_F(TerminalSimTest, FailedOutcomesAreRecordedAndLatencyIsSlept) {
  config_.reject_prob = 1.0;
  config_.latency_ms_min = config_.latency_ms_max = 7;
  int slept_ms = 0;
  sim_.reset();
  auto opened = TerminalSim::open(ledger_, config_, clock_, [&](int ms) { slept_ms += ms; });
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  sim_ = std::move(opened).value();
  const link::ResultFrame r = send(market("a.0", 0.1));
  EXPECT_EQ(r.retcode, link::kRetcodeReject);
  EXPECT_EQ(slept_ms, 7);
  EXPECT_EQ(send(market("a.0", 0.1)), r);
  EXPECT_EQ(slept_ms, 7);
  EXPECT_TRUE(ledger_lines().empty());
}

TEST_F(TerminalSimTest, ATimeoutAfterAFillIsAnsweredButTheHistoryKeepsTheExecution) {
  config_.timeout_after_fill_prob = 1.0;
  restart();
  const link::ResultFrame r = send(market("a.0", 0.1));
  EXPECT_EQ(r.retcode, link::kRetcodeTimeout);
  EXPECT_EQ(r.filled_volume, 0);
  ASSERT_EQ(ledger_lines().size(), 1u);
  ASSERT_EQ(positions().size(), 1u);
  // A query, or the same client id again, reads the real outcome: executed once.
  auto known = sim_->answer(link::QueryFrame{{"a.0"}});
  ASSERT_EQ(known.size(), 1u);
  ASSERT_TRUE(known[0].orders.at(0).result.has_value());
  EXPECT_EQ(known[0].orders[0].result->retcode, link::kRetcodeDone);
  EXPECT_NEAR(known[0].orders[0].result->filled_volume, 0.1, 1e-9);
  EXPECT_EQ(send(market("a.0", 0.1)).retcode, link::kRetcodeDone);
  EXPECT_EQ(ledger_lines().size(), 1u);
}

TEST_F(TerminalSimTest, HandleAnswersQueriesInChunksAndHoldings) {
  send(market("a.0", 0.1));
  link::QueryFrame q;
  for (int i = 0; i < 40; ++i) q.client_ids.push_back("id." + std::to_string(i));
  const auto frames = handle(q);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(std::get<link::KnownFrame>(frames[0]).orders.size(), link::kMaxKnownPerFrame);
  EXPECT_EQ(std::get<link::KnownFrame>(frames[1]).orders.size(), 8u);
  EXPECT_EQ(handle(link::QueryFrame{}).size(), 1u);
  const auto held = handle(link::PositionsRequest{});
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(std::get<link::Positions>(held[0]).positions.size(), 1u);
  EXPECT_TRUE(std::get<link::Orders>(held[1]).orders.empty());
  EXPECT_TRUE(handle(link::Heartbeat{1, std::nullopt}).empty());
}

TEST_F(TerminalSimTest, HoldingsFramesAreTruncatedToTheirLimit) {
  config_.account = "hedging";
  restart();
  for (size_t i = 0; i <= link::kMaxPositionsPerFrame; ++i) send(market("p." + std::to_string(i), 0.01));
  EXPECT_EQ(positions().size(), link::kMaxPositionsPerFrame);
  EXPECT_TRUE(sim_->positions().truncated);
  set_mid("EURUSD", 1.10);
  for (size_t i = 0; i <= link::kMaxOrdersPerFrame; ++i) {
    send(pending("o." + std::to_string(i), OrderType::kLimit, Side::kBuy, 1.0));
  }
  EXPECT_EQ(orders().size(), link::kMaxOrdersPerFrame);
  EXPECT_TRUE(sim_->orders().truncated);
  EXPECT_FALSE(handle(link::PositionsRequest{}).empty());
}

}  // namespace
}  // namespace mtg::sim
