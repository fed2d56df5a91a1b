// A crash of the simulator in the middle of anything: its files are cut where the crash
// stopped the writes, it restarts, and nothing is executed twice.
#include <gtest/gtest.h>

#include "unit/sim/sim_fixture.h"

namespace mtg::sim {
namespace {

class CrashTest : public SimTest {
 protected:
  void SetUp() override {
    config_.account = "hedging";
    SimTest::SetUp();
    set_mid("EURUSD", 1.10);
  }
  std::string journal() const { return ledger_ + ".journal"; }
  std::optional<link::ResultFrame> known(const std::string& client_id) const {
    return sim_->answer(link::QueryFrame{{client_id}}).at(0).orders.at(0).result;
  }
};

TEST_F(CrashTest, ACrashBetweenTheDealsOfACloseAllLeavesAPartialResultNeverARepeat) {
  send(market("a.0", 0.1));
  send(market("b.0", 0.2));
  const link::ResultFrame whole = send(close_all("x.0", "EURUSD", CloseSide::kBoth));
  EXPECT_EQ(whole.retcode, link::kRetcodeDone);
  EXPECT_NEAR(whole.filled_volume, 0.3, 1e-9);
  drop_last_lines(ledger_, 1);  // the crash came before the second close deal was written
  restart();
  const std::optional<link::ResultFrame> r = known("x.0");
  ASSERT_TRUE(r.has_value()) << "a deal was recorded: the close_all executed, in part";
  EXPECT_EQ(r->retcode, link::kRetcodeDonePartial);
  EXPECT_NEAR(r->filled_volume, 0.1, 1e-9);
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0].volume, 0.2);
  EXPECT_EQ(send(close_all("x.0", "EURUSD", CloseSide::kBoth)), *r) << "the repeat closes nothing more";
  EXPECT_EQ(positions().size(), 1u);
  EXPECT_EQ(ledger_lines().size(), 3u);
}

TEST_F(CrashTest, ACrashAfterTheIntentOfACancelCancelsOnceOnResend) {
  const link::ResultFrame placed = send(pending("a.0", OrderType::kLimit, Side::kBuy, 1.09));
  send(cancel("x.0", placed.ticket));
  drop_last_lines(journal(), 1);  // the "cancelled" line never reached the disk
  restart();
  EXPECT_EQ(sim_->ledger().interrupted(), std::vector<std::string>{"x.0"});
  EXPECT_FALSE(known("x.0").has_value()) << "never executed: the engine may send it again";
  EXPECT_EQ(orders().size(), 1u);
  EXPECT_EQ(send(cancel("x.0", placed.ticket)).retcode, link::kRetcodeDone);
  EXPECT_TRUE(orders().empty());
  EXPECT_EQ(send(cancel("x.0", placed.ticket)).retcode, link::kRetcodeDone);
  size_t cancels = 0;
  for (const auto& line : journal_lines()) cancels += line["rec"] == "cancelled";
  EXPECT_EQ(cancels, 1u);
}

TEST_F(CrashTest, ATornPlacementLeavesNoOrderAndTheOpenRunsOnResend) {
  const link::OrderFrame o = pending("a.0", OrderType::kLimit, Side::kBuy, 1.09);
  send(o);
  std::string last = journal_lines().back().dump();
  drop_last_lines(journal(), 1);
  std::ofstream(journal(), std::ios::app) << last.substr(0, last.size() / 2);
  restart();
  EXPECT_EQ(sim_->ledger().torn_lines(), 1);
  EXPECT_TRUE(orders().empty());
  EXPECT_EQ(send(o).retcode, link::kRetcodePlaced);
  EXPECT_EQ(orders().size(), 1u);
}

TEST_F(CrashTest, ARestartAnswersRepeatsOfEveryActionFromHistory) {
  const link::ResultFrame open = send(market("a.0", 0.3));
  const link::ResultFrame placed = send(pending("b.0", OrderType::kStop, Side::kBuy, 1.11));
  std::vector<std::pair<link::OrderFrame, link::ResultFrame>> done;
  for (const link::OrderFrame& o :
       {close("c.0", open.position, 0.1), modify("m.0", open.position, 1.09, 1.12),
        cancel("x.0", placed.ticket), close_all("y.0", "", CloseSide::kLong)}) {
    done.emplace_back(o, send(o));
  }
  const size_t ledger_size = ledger_lines().size();
  const size_t journal_size = journal_lines().size();
  restart();
  for (const auto& [o, r] : done) EXPECT_EQ(send(o), r) << o.client_id;
  EXPECT_EQ(ledger_lines().size(), ledger_size);
  EXPECT_EQ(journal_lines().size(), journal_size);
  EXPECT_TRUE(positions().empty());
  EXPECT_TRUE(orders().empty());
}

TEST_F(CrashTest, AnEventRecordedBeforeACrashIsSentAfterTheRestart) {
  link::OrderFrame o = market("a.0", 0.1);
  o.sl = 1.095;
  send(o);
  set_mid("EURUSD", 1.094);
  const std::vector<TradeEvent> events = events_in(tick());
  ASSERT_EQ(events.size(), 1u);
  restart();  // the engine never saw the event frame
  EXPECT_EQ(events_in(sim_->on_connect()), events);
  EXPECT_TRUE(positions().empty());
  set_mid("EURUSD", 1.093);
  EXPECT_TRUE(tick().empty()) << "a stop closes a position once";
}

TEST_F(CrashTest, DuplicateSeqIsCorruption) {
  send(market("a.0", 0.1));
  std::ofstream(journal(), std::ios::app) << journal_lines().front().dump() << "\n";
  sim_.reset();
  auto sim = TerminalSim::open(ledger_, config_, clock_, [](int) {});
  ASSERT_FALSE(sim.is_ok());
  EXPECT_EQ(sim.status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace mtg::sim
