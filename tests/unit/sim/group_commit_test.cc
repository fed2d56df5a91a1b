// The simulator's group commit: frames read together are answered after one sync of
// each ledger file, nothing is answered before its lines are durable, and a crash in
// the middle of a group loses only lines that were never answered.
#include <gtest/gtest.h>

#include <cerrno>

#include "testkit/faulty_file_system.h"
#include "unit/sim/sim_fixture.h"

namespace mtg::sim {
namespace {

using testkit::FaultyFileSystem;
using testkit::FsOp;

constexpr int kOrders = 20;

class GroupCommitTest : public SimTest {
 protected:
  void SetUp() override {
    fs_ = &faulty_;
    SimTest::SetUp();
    set_mid("EURUSD", 1.10);
  }
  std::vector<link::Frame> group(const std::string& prefix) const {
    std::vector<link::Frame> frames;
    for (int i = 0; i < kOrders; ++i) frames.emplace_back(market(prefix + std::to_string(i) + ".0", 0.1));
    return frames;
  }
  // A power loss: the simulator dies, its files keep only what was synced, it restarts.
  void power_loss() {
    sim_.reset();
    faulty_.crash();
    restart();
  }
  std::optional<link::ResultFrame> known(const std::string& client_id) const {
    return sim_->answer(link::QueryFrame{{client_id}}).at(0).orders.at(0).result;
  }

  FaultyFileSystem faulty_;
};

TEST_F(GroupCommitTest, FramesReadTogetherCostOneSyncPerFile) {
  const int syncs_before = faulty_.calls(FsOp::kSync);
  auto replies = sim_->handle_all(group("a"));
  ASSERT_TRUE(replies.is_ok()) << replies.status().to_string();
  ASSERT_EQ(replies->size(), static_cast<size_t>(kOrders));
  for (const Reply& reply : *replies) EXPECT_EQ(std::get<link::ResultFrame>(reply.frames.at(0)).retcode, link::kRetcodeDone);
  EXPECT_EQ(faulty_.calls(FsOp::kSync) - syncs_before, 2) << "one for the ledger, one for the journal";
  EXPECT_EQ(ledger_lines().size(), static_cast<size_t>(kOrders));
  EXPECT_EQ(journal_lines().size(), static_cast<size_t>(kOrders)) << "an intent per order";
}

TEST_F(GroupCommitTest, EverythingAnsweredSurvivesAPowerLoss) {
  auto replies = sim_->handle_all(group("a"));
  ASSERT_TRUE(replies.is_ok());
  power_loss();
  for (int i = 0; i < kOrders; ++i) {
    const std::optional<link::ResultFrame> r = known("a" + std::to_string(i) + ".0");
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(*r, std::get<link::ResultFrame>(replies->at(static_cast<size_t>(i)).frames.at(0)));
  }
  EXPECT_EQ(sim_->ledger().cut_lines(), 0u);
}

TEST_F(GroupCommitTest, AFailedGroupCommitAnswersNothingAndItsOrdersRunOnceOnResend) {
  ASSERT_TRUE(sim_->handle_all(group("a")).is_ok());
  faulty_.fail(FsOp::kSync, 1, EIO);
  auto failed = sim_->handle_all(group("b"));
  ASSERT_FALSE(failed.is_ok()) << "no reply leaves when the group's lines may not be on disk";
  EXPECT_FALSE(sim_->handle(market("c.0", 0.1)).is_ok()) << "a ledger that failed a sync refuses to go on";
  power_loss();
  for (int i = 0; i < kOrders; ++i) EXPECT_FALSE(known("b" + std::to_string(i) + ".0").has_value()) << i;
  auto again = sim_->handle_all(group("b"));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(opened_per_uuid().size(), static_cast<size_t>(2 * kOrders));
  for (const auto& [uuid, lots] : opened_per_uuid()) EXPECT_NEAR(lots, 0.1, 1e-9) << uuid;
}

// The ledger file's sync went through, the journal's did not: the deals on disk follow
// intents that are gone, so the group is cut off at the first missing line.
TEST_F(GroupCommitTest, APowerLossBetweenTheTwoFilesSyncsCutsTheUnfinishedGroup) {
  ASSERT_TRUE(sim_->handle_all(group("a")).is_ok());
  faulty_.fail(FsOp::kSync, 2, EIO);
  ASSERT_FALSE(sim_->handle_all(group("b")).is_ok());
  power_loss();
  EXPECT_EQ(sim_->ledger().cut_lines(), static_cast<size_t>(kOrders)) << "the group's deals, past the gap";
  EXPECT_EQ(ledger_lines().size(), static_cast<size_t>(kOrders));
  EXPECT_EQ(positions().size(), 1u) << "netting: the first group's buys, one position";
  EXPECT_NEAR(positions().at(0).volume, 0.1 * kOrders, 1e-9);
  for (int i = 0; i < kOrders; ++i) EXPECT_FALSE(known("b" + std::to_string(i) + ".0").has_value()) << i;
  ASSERT_TRUE(sim_->handle_all(group("b")).is_ok());
  for (const auto& [uuid, lots] : opened_per_uuid()) EXPECT_NEAR(lots, 0.1, 1e-9) << uuid;
  EXPECT_EQ(opened_per_uuid().size(), static_cast<size_t>(2 * kOrders));
}

TEST_F(GroupCommitTest, AGroupStopsAtAReplyThatDropsTheLink) {
  SimConfig c = config_;
  c.link_drop_after_fill_prob = 1.0;
  use(c);
  auto replies = sim_->handle_all(group("a"));
  ASSERT_TRUE(replies.is_ok());
  ASSERT_EQ(replies->size(), 1u) << "the frames after it came over the dropped connection";
  EXPECT_TRUE(replies->front().drop_link);
  EXPECT_EQ(ledger_lines().size(), 1u);
}

}  // namespace
}  // namespace mtg::sim
