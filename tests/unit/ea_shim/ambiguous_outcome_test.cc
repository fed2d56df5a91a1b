// The ambiguous-outcome matrix: whatever happens between the intent and the outcome
// (a crash on either side of OrderSend, 10012/10031 for an order that executed,
// comments cut or rewritten, history late after a restart), the order executes exactly
// once, and the engine is never told "unknown" while the broker may hold it.
#include "ea_fixture.h"

namespace mtg::ea_shim {
namespace {

class AmbiguousOutcomeTest : public EaFixture {};

TEST_F(AmbiguousOutcomeTest, CrashBetweenIntentAndOrderSendExecutesOnceAfterTheResend) {
  server_->faults().crash_before_execution = 1;
  EXPECT_THROW(send(market("a.0")), Crash);
  restart();
  EXPECT_EQ(known("a.0").state(), link::KnownState::kPending);  // history may still arrive
  advance(kGraceMs);
  EXPECT_EQ(known("a.0").state(), link::KnownState::kUnknown);
  EXPECT_EQ(result_of(market("a.0")).retcode, 10009);
  EXPECT_EQ(result_of(market("a.0")).retcode, 10009);  // a repeat answers, never executes
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

TEST_F(AmbiguousOutcomeTest, CrashBetweenOrderSendAndOutcomeSettlesFromHistory) {
  server_->faults().crash_after_execution = 1;
  EXPECT_THROW(send(market("a.0")), Crash);
  restart();
  const link::KnownOrder k = known("a.0");
  ASSERT_EQ(k.state(), link::KnownState::kDone);
  EXPECT_EQ(k.result->retcode, 10009);
  EXPECT_DOUBLE_EQ(k.result->filled_volume, 0.1);
  EXPECT_EQ(result_of(market("a.0")).retcode, 10009);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

TEST_F(AmbiguousOutcomeTest, TimeoutAfterAFillIsAnsweredWithTheFill) {
  server_->faults().ambiguous_retcode = 10012;
  server_->faults().ambiguous_sends = 1;
  const link::ResultFrame r = result_of(market("a.0"));
  EXPECT_EQ(r.retcode, 10009);
  EXPECT_DOUBLE_EQ(r.filled_volume, 0.1);
  EXPECT_NE(r.deal, 0);
  EXPECT_EQ(result_of(market("a.0")).deal, r.deal);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

TEST_F(AmbiguousOutcomeTest, NoConnectionAfterAFillIsAnsweredWithTheFill) {
  server_->faults().ambiguous_retcode = 10031;
  server_->faults().ambiguous_sends = 1;
  EXPECT_EQ(result_of(market("a.0")).retcode, 10009);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

TEST_F(AmbiguousOutcomeTest, ACutCommentIsFoundByMagic) {
  server_->faults().comment_chars = 8;
  server_->faults().crash_after_execution = 1;
  EXPECT_THROW(send(market("bxwqO01eT2CKmwwdLj9KWw.0")), Crash);
  restart();
  EXPECT_EQ(known("bxwqO01eT2CKmwwdLj9KWw.0").state(), link::KnownState::kDone);
  advance(kGraceMs);
  EXPECT_EQ(result_of(market("bxwqO01eT2CKmwwdLj9KWw.0")).retcode, 10009);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-bxwqO01eT2CKmwwdLj9KWw"), 0.1);
}

TEST_F(AmbiguousOutcomeTest, ACommentRewrittenByAnSlIsFoundByMagic) {
  server_->faults().comment_rewrite = "[sl 1.09500]";
  server_->faults().crash_after_execution = 1;
  EXPECT_THROW(send(market("a.0")), Crash);
  restart();
  EXPECT_EQ(known("a.0").state(), link::KnownState::kDone);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

TEST_F(AmbiguousOutcomeTest, HistoryLateAfterARestartIsAwaitedNotRepeated) {
  server_->faults().crash_after_execution = 1;
  EXPECT_THROW(send(market("a.0")), Crash);
  server_->faults().history_late_until_ms = clock_.now_ms() + kGraceMs / 2;
  restart();
  EXPECT_EQ(known("a.0").state(), link::KnownState::kPending);
  EXPECT_EQ(result_of(market("a.0")).retcode, 10012);  // not yet known: never executed again
  advance(kGraceMs / 2);
  EXPECT_EQ(known("a.0").state(), link::KnownState::kDone);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

TEST_F(AmbiguousOutcomeTest, ACrashWhileTheOutcomeIsWrittenSettlesFromHistory) {
  terminal_->faults().crash_at_flush = 2;  // the intent's flush, then the outcome's
  terminal_->faults().torn_flush_bytes = 30;
  EXPECT_THROW(send(market("a.0")), Crash);
  restart();
  EXPECT_EQ(known("a.0").state(), link::KnownState::kDone);
  EXPECT_EQ(result_of(market("a.0")).retcode, 10009);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

}  // namespace
}  // namespace mtg::ea_shim
