// The terminal duties of docs/protocol.md, one promise per test, kept by the EA's core
// on the shim: expiry, exactly once per client id, closes that never close twice,
// events kept until acknowledged, filling chosen per symbol, jittered backoff.
#include "ea_fixture.h"

namespace mtg::ea_shim {
namespace {

class EaDutiesTest : public EaFixture {};

TEST_F(EaDutiesTest, AnOrderReceivedAfterItsExpiryIsNotExecuted) {
  link::OrderFrame o = market("a.0");
  o.expires_at = clock_.now_ms() - 1;
  const link::ResultFrame r = result_of(o);
  EXPECT_EQ(r.retcode, 10022);
  EXPECT_EQ(r.reason, "expired before execution");
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0);
  restart();
  EXPECT_EQ(known("a.0").result->retcode, 10022);  // the outcome is recorded
}

TEST_F(EaDutiesTest, ARepeatedClientIdIsAnsweredFromTheJournalAcrossRestarts) {
  const link::ResultFrame first = result_of(market("a.0"));
  restart();
  EXPECT_EQ(result_of(market("a.0")), first);
  EXPECT_DOUBLE_EQ(executed_lots("uuid-a"), 0.1);
}

TEST_F(EaDutiesTest, ACloseExecutesOnlyWhileThePositionHoldsWhatTheEngineSaw) {
  const link::ResultFrame open = result_of(market("a.0", Side::kBuy, 0.3));
  ASSERT_NE(open.position, 0);
  link::OrderFrame close = market("c.0");
  close.action = Action::kClose;
  close.position = open.position;
  close.volume = 0.1;
  close.expected_volume = 0.3;
  close.price.reset();
  close.sl.reset();
  close.tp.reset();
  const link::ResultFrame closed = result_of(close);
  EXPECT_EQ(closed.retcode, 10009);
  EXPECT_DOUBLE_EQ(closed.filled_volume, 0.1);
  close.client_id = "c.1";  // a repeat under a new leg: the position now holds 0.2
  const link::ResultFrame refused = result_of(close);
  EXPECT_EQ(refused.retcode, 10013);
  EXPECT_EQ(refused.reason, "position " + std::to_string(open.position) + " holds 0.20 lots, expected 0.30");
  close.client_id = "c.2";
  close.position = 999;
  EXPECT_EQ(result_of(close).retcode, 10036);
}

TEST_F(EaDutiesTest, CloseByRefClosesWhatTheSignalOpenedAndReportsThePositions) {
  result_of(market("a.0", Side::kBuy, 0.2));
  link::OrderFrame close = market("c.0");
  close.action = Action::kClose;
  close.ref = "uuid-a";
  close.volume = 0;
  close.price.reset();
  close.sl.reset();
  close.tp.reset();
  send(close);
  auto frames = take();
  ASSERT_FALSE(frames.empty());
  const auto& r = std::get<link::ResultFrame>(frames[0]);
  EXPECT_EQ(r.retcode, 10009);
  EXPECT_DOUBLE_EQ(r.filled_volume, 0.2);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_TRUE(std::get<link::Positions>(frames[1]).positions.empty());
}

TEST_F(EaDutiesTest, AnSlHitIsReportedUntilTheEngineAcknowledgesIt) {
  link::OrderFrame o = market("a.0");
  o.sl = 1.0;
  ASSERT_EQ(result_of(o).retcode, 10009);
  server_->broker().market().set_mid("EURUSD", 0.9);
  ASSERT_TRUE(server_->tick().is_ok());
  advance(100);
  auto events = take_all<link::EventFrame>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.kind, EventKind::kStopLoss);
  EXPECT_EQ(events[0].event.ref, "uuid-a");
  restart();  // start() welcomes: the event comes again
  send(link::Welcome{2, 1000});
  auto again = take_all<link::EventFrame>();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].event.id, events[0].event.id);
  send(link::EventAck{{events[0].event.id}});
  restart();
  send(link::Welcome{2, 1000});
  EXPECT_TRUE(take_all<link::EventFrame>().empty());
}

TEST_F(EaDutiesTest, TheFillingModeIsTheOneTheSymbolAllows) {
  config_.symbol_filling["XAUUSD"] = {"ioc"};
  core_.reset();
  server_.reset();
  open_server();
  start();
  link::OrderFrame o = market("g.0");
  o.symbol = "XAUUSD";
  EXPECT_EQ(result_of(o).retcode, 10009);  // not the 10030 a hard-coded FOK gets
  EXPECT_EQ(MtgFillingFor("XAUUSD", "fok"), ORDER_FILLING_FOK);
  EXPECT_EQ(MtgFillingFor("XAUUSD", ""), ORDER_FILLING_IOC);
  EXPECT_EQ(MtgFillingFor("EURUSD", ""), ORDER_FILLING_FOK);
}

TEST_F(EaDutiesTest, ANoticeOfAnotherVersionClosesTheLink) {
  core_->OnConnected();
  take();
  send(link::Welcome{3, 1000});
  EXPECT_TRUE(core_->CloseRequested());
  auto errors = take_all<link::ErrorFrame>();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].reason, "protocol error: expected a welcome of protocol version 1..2");
}

TEST(EaBackoffTest, WaitsAreJitteredHalvesDoublingTo5000Ms) {
  Backoff b;
  EXPECT_EQ(b.NextWaitMs(0), 125);
  EXPECT_EQ(b.NextWaitMs(32767), 500);
  for (int i = 0; i < 10; ++i) b.NextWaitMs(16000);
  EXPECT_EQ(b.NextWaitMs(0), 2500);
  EXPECT_EQ(b.NextWaitMs(32767), 5000);
  b.Reset();
  EXPECT_EQ(b.NextWaitMs(32767), 250);
}

}  // namespace
}  // namespace mtg::ea_shim
