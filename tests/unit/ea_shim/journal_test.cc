// The EA's write-ahead journal (mql5/Include/MtGuard/Journal.mqh) on the shim's files:
// it survives a crash at any flush, drops only a torn last line, refuses any other
// damage and another account's journal, and locks out a second EA.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ea_shim/ea_core.h"

namespace {

using mtg::ea_shim::Crash;
using mtg::ea_shim::Terminal;

class EaJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/ea_journal_XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    terminal_ = std::make_unique<Terminal>(dir_, clock_);
    mtg::ea_shim::set_current(terminal_.get());
  }
  void TearDown() override {
    terminal_.reset();
    std::system(("rm -rf " + dir_).c_str());
  }
  std::string read_file() {
    std::ifstream in(dir_ + "/j.log", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write_file(const std::string& text) { std::ofstream(dir_ + "/j.log", std::ios::binary) << text; }
  static IntentMsg intent(const std::string& client_id) {
    return IntentMsg{client_id, "uuid-" + client_id, 0, MTG_ACTION_OPEN, "EURUSD", MTG_SIDE_BUY, 0.1, 1000};
  }
  static ResultMsg outcome(const std::string& client_id) {
    return ResultMsg{client_id, "uuid-" + client_id, 0, 10009, 0.1, 1.1, 7, 8, "", 7};
  }

  mtg::ManualClock clock_;
  std::string dir_;
  std::unique_ptr<Terminal> terminal_;
};

TEST_F(EaJournalTest, ReplaysIntentsOutcomesEventsAndAcks) {
  {
    Journal j;
    string error;
    ASSERT_TRUE(j.Open("j.log", "42@Demo", error)) << error;
    ASSERT_TRUE(j.RecordIntent(intent("a.0")));
    ASSERT_TRUE(j.RecordOutcome(outcome("a.0")));
    ASSERT_TRUE(j.RecordIntent(intent("b.0")));
    EventMsg e = {"deal:9", MTG_EVENT_TP, "EURUSD", MTG_SIDE_SELL, 0.1, 1.2, 3, 9, 7, "u", "[tp 1.20000]", 5};
    ASSERT_TRUE(j.RecordEvent(e));
    e.id = "order:3:expired";
    ASSERT_TRUE(j.RecordEvent(e));
    MqlArray<string> ids;
    ids.items = {"deal:9", "nobody"};
    ASSERT_TRUE(j.RecordAck(ids));
    j.Close();
  }
  Journal j;
  string error;
  ASSERT_TRUE(j.Open("j.log", "42@Demo", error)) << error;
  ASSERT_EQ(j.Orders(), 2);
  ASSERT_TRUE(j.Settled(j.Find("a.0")));
  ResultMsg r;
  j.GetOutcome(j.Find("a.0"), r);
  EXPECT_EQ(r.retcode, 10009);
  EXPECT_EQ(r.position, 7);
  EXPECT_FALSE(j.Settled(j.Find("b.0")));
  ASSERT_EQ(j.Events(), 2);
  EXPECT_TRUE(j.Acked(0));
  EXPECT_FALSE(j.Acked(1));
  EventMsg e;
  j.GetEvent(1, e);
  EXPECT_EQ(e.id, "order:3:expired");
  EXPECT_EQ(e.reason, "[tp 1.20000]");
}

TEST_F(EaJournalTest, ACrashMidWriteLosesOnlyTheTornLastLine) {
  {
    Journal j;
    string error;
    ASSERT_TRUE(j.Open("j.log", "42@Demo", error)) << error;
    ASSERT_TRUE(j.RecordIntent(intent("a.0")));
    terminal_->faults().crash_at_flush = 1;
    terminal_->faults().torn_flush_bytes = 20;
    EXPECT_THROW(j.RecordOutcome(outcome("a.0")), Crash);
    terminal_->crash();
  }
  for (int restart = 0; restart < 2; ++restart) {
    Journal j;
    string error;
    ASSERT_TRUE(j.Open("j.log", "42@Demo", error)) << error;
    ASSERT_EQ(j.Orders(), 1);
    EXPECT_FALSE(j.Settled(0));  // the intent stands, its outcome never reached the disk
    EXPECT_EQ(read_file().back(), '\n');
    j.Close();
  }
}

TEST_F(EaJournalTest, RefusesDamageBeforeTheLastLine) {
  {
    Journal j;
    string error;
    ASSERT_TRUE(j.Open("j.log", "42@Demo", error));
    ASSERT_TRUE(j.RecordIntent(intent("a.0")));
    ASSERT_TRUE(j.RecordIntent(intent("b.0")));
    j.Close();
  }
  std::string text = read_file();
  const size_t at = text.find("a.0");
  ASSERT_NE(at, std::string::npos);
  text[at] = 'x';  // a flipped byte in a complete line
  write_file(text);
  Journal j;
  string error;
  EXPECT_FALSE(j.Open("j.log", "42@Demo", error));
  EXPECT_NE(error.find("line 2: checksum mismatch"), std::string::npos) << error;
}

TEST_F(EaJournalTest, RefusesAnotherAccountsJournal) {
  {
    Journal j;
    string error;
    ASSERT_TRUE(j.Open("j.log", "42@Demo", error));
    j.Close();
  }
  Journal j;
  string error;
  EXPECT_FALSE(j.Open("j.log", "43@Demo", error));
  EXPECT_NE(error.find("journal of account 42@Demo"), std::string::npos) << error;
}

TEST_F(EaJournalTest, ASecondEaOfTheInstanceIsLockedOut) {
  Journal first;
  string error;
  ASSERT_TRUE(first.Open("j.log", "42@Demo", error));
  Journal second;
  EXPECT_FALSE(second.Open("j.log", "42@Demo", error));
  EXPECT_NE(error.find("another MtGuard EA"), std::string::npos) << error;
  first.Close();
  EXPECT_TRUE(second.Open("j.log", "42@Demo", error)) << error;
}

TEST(EaHashTest, MagicIsFnv1a64OfTheClientId) {
  EXPECT_EQ(MtgMagic(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(MtgMagic("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_NE(MtgMagic("bxwqO01eT2CKmwwdLj9KWw.0"), MtgMagic("bxwqO01eT2CKmwwdLj9KWw.1"));
  MqlArray<uchar> bytes;
  StringToCharArray("123456789", bytes);
  EXPECT_EQ(MtgCrc32(bytes, 0, 9), 0xCBF43926u);  // the CRC-32 check value
  EXPECT_EQ(MtgHex32(0xCBF43926u), "cbf43926");
}

}  // namespace
