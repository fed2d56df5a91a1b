#include "sim/terminal_sim.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "link/retcode.h"
#include "testkit/temp_dir.h"

namespace mtg::sim {
namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class TerminalSimTest : public ::testing::Test {
 protected:
  std::unique_ptr<TerminalSim> open_sim(const SimConfig& config = SimConfig{}) {
    auto sim = TerminalSim::open(ledger_, config, clock_, [this](int ms) { slept_ms_ += ms; });
    EXPECT_TRUE(sim.is_ok()) << sim.status().to_string();
    return sim.is_ok() ? std::move(*sim) : nullptr;
  }
  link::OrderFrame order(const std::string& client_id, double volume, link::Side side = link::Side::kBuy) {
    return link::OrderFrame{client_id, "uuid-" + client_id, 0, "EURUSD", side, link::OrderType::kMarket, volume, 0, 0, 0,
                            clock_.now_ms() + 30'000};
  }
  link::ResultFrame exec(TerminalSim& sim, const link::OrderFrame& o) {
    auto r = sim.execute(o);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? *r : link::ResultFrame{};
  }

  testkit::TempDir dir_;
  std::string ledger_ = dir_.file("ledger.jsonl");
  ManualClock clock_;
  int slept_ms_ = 0;
};

TEST_F(TerminalSimTest, RepeatedClientIdAnswersTheFirstResultAndExecutesOnce) {
  auto sim = open_sim();
  const link::ResultFrame first = exec(*sim, order("a.0", 0.1));
  EXPECT_EQ(first.retcode, link::kRetcodeDone);
  EXPECT_EQ(first.filled_volume, 0.1);
  EXPECT_GT(first.ticket, 0);
  EXPECT_GT(first.deal, 0);
  const link::ResultFrame again = exec(*sim, order("a.0", 0.1));
  EXPECT_EQ(again, first);
  ASSERT_EQ(lines_of(ledger_).size(), 1u);
  const auto line = nlohmann::json::parse(lines_of(ledger_)[0]);
  EXPECT_EQ(line["uuid"], "uuid-a.0");
  EXPECT_EQ(line["client_id"], "a.0");
  EXPECT_EQ(line["volume"], 0.1);
  EXPECT_EQ(line["ticket"], first.ticket);
  EXPECT_EQ(line["deal"], first.deal);
  EXPECT_EQ(line["price"], first.price);
  EXPECT_EQ(line["symbol"], "EURUSD");
  EXPECT_EQ(line["side"], "buy");
  EXPECT_EQ(line["ts"], clock_.now_ms());
}

TEST_F(TerminalSimTest, RestartReloadsHistoryPositionsAndTickets) {
  std::vector<link::ResultFrame> results;
  std::vector<link::Position> positions;
  {
    auto sim = open_sim();
    results.push_back(exec(*sim, order("a.0", 0.3)));
    results.push_back(exec(*sim, order("b.0", 0.1, link::Side::kSell)));
    link::OrderFrame gold = order("c.0", 1.0);
    gold.symbol = "XAUUSD";
    results.push_back(exec(*sim, gold));
    positions = sim->positions().positions;
    ASSERT_EQ(positions.size(), 2u);
  }  // "crash": the object is gone, only the files remain
  auto sim = open_sim();
  EXPECT_EQ(sim->positions().positions, positions);
  EXPECT_EQ(sim->ledger().history_size(), 3u);
  for (const auto& r : results) EXPECT_EQ(exec(*sim, order(r.client_id, 0.3)), r) << r.client_id;
  EXPECT_EQ(lines_of(ledger_).size(), 3u);
  const auto known = sim->answer(link::QueryFrame{{"a.0", "zz.0"}});
  ASSERT_EQ(known.size(), 1u);
  ASSERT_EQ(known[0].orders.size(), 2u);
  EXPECT_EQ(known[0].orders[0].result, results[0]);
  EXPECT_FALSE(known[0].orders[1].result.has_value());
  const link::ResultFrame fresh = exec(*sim, order("d.0", 0.1));
  EXPECT_GT(fresh.ticket, results.back().ticket);
  EXPECT_GT(fresh.deal, results.back().deal);
}

TEST_F(TerminalSimTest, TornLastLedgerLineIsDroppedOnReload) {
  {
    auto sim = open_sim();
    exec(*sim, order("a.0", 0.1));
  }
  std::ofstream(ledger_, std::ios::app) << R"({"uuid":"uuid-b.0","client_id":"b.)";
  {
    auto sim = open_sim();
    EXPECT_EQ(sim->ledger().torn_lines(), 1);
    EXPECT_EQ(sim->ledger().history_size(), 1u);
    EXPECT_EQ(sim->ledger().interrupted(), std::vector<std::string>{});
    exec(*sim, order("b.0", 0.2));
  }
  auto sim = open_sim();
  EXPECT_EQ(sim->ledger().torn_lines(), 0);
  EXPECT_EQ(sim->ledger().history_size(), 2u);
  EXPECT_EQ(lines_of(ledger_).size(), 2u);
}

TEST_F(TerminalSimTest, DamageBeforeTheLastLineIsCorruption) {
  {
    auto sim = open_sim();
    exec(*sim, order("a.0", 0.1));
  }
  std::string text = lines_of(ledger_)[0];
  std::ofstream(ledger_, std::ios::trunc) << "{broken\n" << text << "\n";
  auto sim = TerminalSim::open(ledger_, SimConfig{}, clock_, [](int) {});
  ASSERT_FALSE(sim.is_ok());
  EXPECT_EQ(sim.status().code(), Code::kCorruption);
}

TEST_F(TerminalSimTest, IntentWithoutDealCountsAsNotExecuted) {
  {
    auto sim = open_sim();
    exec(*sim, order("a.0", 0.1));
  }
  // A crash after the intent of b.0 was journaled, before its deal line.
  std::ofstream(ledger_ + ".journal", std::ios::app)
      << R"({"rec":"intent","client_id":"b.0","uuid":"uuid-b.0","leg":0,"symbol":"EURUSD","side":"buy","volume":0.2,"ts":1})"
      << "\n";
  auto sim = open_sim();
  EXPECT_EQ(sim->ledger().interrupted(), std::vector<std::string>{"b.0"});
  EXPECT_FALSE(sim->answer(link::QueryFrame{{"b.0"}})[0].orders[0].result.has_value());
  EXPECT_EQ(exec(*sim, order("b.0", 0.2)).retcode, link::kRetcodeDone);
  EXPECT_EQ(lines_of(ledger_).size(), 2u);
}

TEST_F(TerminalSimTest, ExpiredOrderIsNotExecutedAndStaysExpired) {
  auto sim = open_sim();
  link::OrderFrame late = order("a.0", 0.1);
  late.expires_at = clock_.now_ms() - 1;
  const link::ResultFrame r = exec(*sim, late);
  EXPECT_EQ(r.retcode, link::kRetcodeInvalidExpiration);
  EXPECT_EQ(r.reason, "expired before execution");
  EXPECT_EQ(r.filled_volume, 0);
  EXPECT_EQ(r.ticket, 0);
  EXPECT_TRUE(lines_of(ledger_).empty());
  EXPECT_EQ(exec(*sim, order("a.0", 0.1)).retcode, link::kRetcodeInvalidExpiration);
  EXPECT_TRUE(sim->positions().positions.empty());
  sim.reset();
  auto reopened = open_sim();
  EXPECT_EQ(exec(*reopened, order("a.0", 0.1)), r);
}

TEST_F(TerminalSimTest, FailedOutcomesAreRecordedAndLatencyIsSlept) {
  SimConfig c;
  c.reject_prob = 1.0;
  c.latency_ms_min = c.latency_ms_max = 7;
  auto sim = open_sim(c);
  const link::ResultFrame r = exec(*sim, order("a.0", 0.1));
  EXPECT_EQ(r.retcode, link::kRetcodeReject);
  EXPECT_EQ(slept_ms_, 7);
  EXPECT_EQ(exec(*sim, order("a.0", 0.1)), r);
  EXPECT_EQ(slept_ms_, 7);
  EXPECT_TRUE(lines_of(ledger_).empty());
}

TEST_F(TerminalSimTest, ATimeoutAfterAFillIsAnsweredButTheHistoryKeepsTheExecution) {
  SimConfig c;
  c.timeout_after_fill_prob = 1.0;
  auto sim = open_sim(c);
  const link::ResultFrame r = exec(*sim, order("a.0", 0.1));
  EXPECT_EQ(r.retcode, link::kRetcodeTimeout);
  EXPECT_EQ(r.filled_volume, 0);
  ASSERT_EQ(lines_of(ledger_).size(), 1u);
  ASSERT_EQ(sim->positions().positions.size(), 1u);
  // A query, or the same client id again, reads the real outcome: executed once.
  auto known = sim->answer(link::QueryFrame{{"a.0"}});
  ASSERT_EQ(known.size(), 1u);
  ASSERT_TRUE(known[0].orders.at(0).result.has_value());
  EXPECT_EQ(known[0].orders[0].result->retcode, link::kRetcodeDone);
  EXPECT_NEAR(known[0].orders[0].result->filled_volume, 0.1, 1e-9);
  EXPECT_EQ(exec(*sim, order("a.0", 0.1)).retcode, link::kRetcodeDone);
  EXPECT_EQ(lines_of(ledger_).size(), 1u);
}

TEST_F(TerminalSimTest, HandleAnswersQueriesInChunksAndPositions) {
  auto sim = open_sim();
  exec(*sim, order("a.0", 0.1));
  link::QueryFrame q;
  for (int i = 0; i < 40; ++i) q.client_ids.push_back("id." + std::to_string(i));
  auto frames = sim->handle(q);
  ASSERT_TRUE(frames.is_ok());
  ASSERT_EQ(frames->size(), 2u);
  EXPECT_EQ(std::get<link::KnownFrame>((*frames)[0]).orders.size(), link::kMaxKnownPerFrame);
  EXPECT_EQ(std::get<link::KnownFrame>((*frames)[1]).orders.size(), 8u);
  auto empty = sim->handle(link::QueryFrame{});
  ASSERT_TRUE(empty.is_ok());
  ASSERT_EQ(empty->size(), 1u);
  auto pos = sim->handle(link::PositionsRequest{});
  ASSERT_TRUE(pos.is_ok());
  ASSERT_EQ(pos->size(), 1u);
  EXPECT_EQ(std::get<link::Positions>((*pos)[0]).positions.size(), 1u);
  auto none = sim->handle(link::Heartbeat{1, std::nullopt});
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace mtg::sim
