#include "engine/engine.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "engine/order_rules.h"
#include "engine_fakes.h"
#include "link/retcode.h"

namespace mtg {
namespace {

using testing::FakeLink;
using testing::MemoryOrderStore;

constexpr const char* kUuid = "6f1c0e4a-6a5b-4d7e-9c1a-0b2f3e4d5c6a";
constexpr const char* kUuid2 = "7a2d1f5b-7b6c-4e8f-8d2b-1c3a4f5e6d7b";

// A configuration with one instance, demo-1, trading EURUSD.
Config one_instance_config() {
  InstanceConfig inst;
  inst.id = "demo-1";
  inst.token = "0123456789abcdef0123";
  inst.symbols = {"EURUSD"};
  Config config;
  config.instances.push_back(inst);
  return config;
}

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : config_(one_instance_config()) { link_.connected.insert("demo-1"); }

  std::unique_ptr<Engine> make_engine() {
    auto e = std::make_unique<Engine>(config_, store_, link_, clock_);
    EXPECT_TRUE(e->start().is_ok());
    return e;
  }

  std::string signal(const std::string& uuid, double volume = 0.3, int64_t ttl_ms = 30000) const {
    return R"({"uuid":")" + uuid + R"(","instance":"demo-1","symbol":"EURUSD","side":"buy","volume":)" +
           std::to_string(volume) + R"(,"created_at":)" + std::to_string(clock_.now_ms()) +
           R"(,"ttl_ms":)" + std::to_string(ttl_ms) + "}";
  }

  static RtssEntry entry(const std::string& id, const std::string& payload) { return {id, payload, true}; }

  static link::LinkEvent result(const link::OrderFrame& order, int retcode, double filled) {
    link::ResultFrame r;
    r.client_id = order.client_id;
    r.uuid = order.uuid;
    r.leg = order.leg;
    r.retcode = retcode;
    r.filled_volume = filled;
    r.price = 1.1;
    return {link::LinkEvent::Kind::kFrame, "demo-1", r, ""};
  }

  Config config_;
  MemoryOrderStore store_;
  FakeLink link_;
  ManualClock clock_;
};

TEST_F(EngineTest, ValidSignalIsSentAfterRtsSaysSentAndFilledOnce) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid))}).is_ok());
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(store_.rts.at(kUuid).state, OrderState::kSent);
  EXPECT_LE(orders[0].client_id.size(), 26u);
  engine->on_link_events({result(orders[0], link::kRetcodeDone, 0.3)});
  auto finals = store_.finals(kUuid);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, ResultStatus::kFilled);
  EXPECT_DOUBLE_EQ(finals[0].filled_volume, 0.3);
  EXPECT_EQ(store_.acked.count("1-0"), 1u);
  EXPECT_EQ(engine->open_orders(), 0u);
  // The same result again (a terminal repeating itself) changes nothing.
  engine->on_link_events({result(orders[0], link::kRetcodeDone, 0.3)});
  EXPECT_EQ(store_.finals(kUuid).size(), 1u);
}

TEST_F(EngineTest, ABatchOfEntriesAndOfTheirResultsCostsOneStoreStepEach) {
  auto engine = make_engine();
  std::vector<RtssEntry> entries;
  for (int i = 0; i < 100; ++i) {
    char uuid[37];
    std::snprintf(uuid, sizeof uuid, "6f1c0e4a-6a5b-4d7e-9c1a-%012d", i);
    entries.push_back(entry(std::to_string(i + 1) + "-0", signal(uuid)));
  }
  const int writes_before = store_.write_batches;
  ASSERT_TRUE(engine->on_entries(entries).is_ok());
  EXPECT_EQ(store_.intake_batches, 1);               // every intake decision in one step
  EXPECT_EQ(store_.write_batches, writes_before + 1);  // every `sent` in one step
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 100u);
  for (const auto& o : orders) EXPECT_EQ(store_.rts.at(o.uuid).state, OrderState::kSent);
  std::vector<link::LinkEvent> results;
  for (const auto& o : orders) results.push_back(result(o, link::kRetcodeDone, 0.3));
  engine->on_link_events(results);
  EXPECT_EQ(store_.write_batches, writes_before + 2);  // every final in one step
  EXPECT_EQ(engine->open_orders(), 0u);
  for (const auto& o : orders) EXPECT_EQ(store_.finals(o.uuid).size(), 1u);
}

TEST_F(EngineTest, DuplicateUuidIsAnsweredDuplicateAndNeverSent) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid)), entry("2-0", signal(kUuid))}).is_ok());
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
  ASSERT_EQ(store_.rtrs.size(), 1u);
  EXPECT_EQ(store_.rtrs[0].status, ResultStatus::kDuplicate);
  EXPECT_EQ(store_.acked.count("2-0"), 1u);
  EXPECT_EQ(store_.acked.count("1-0"), 0u);  // the original is still open
}

TEST_F(EngineTest, MalformedAndInvalidInputIsRejectedWithReasonAndDeadLettered) {
  auto engine = make_engine();
  const std::string unknown_instance =
      R"({"uuid":")" + std::string(kUuid2) + R"(","instance":"demo-9","symbol":"EURUSD","side":"buy","volume":1,"created_at":1})";
  ASSERT_TRUE(engine->on_entries({entry("1-0", "{not json"), entry("2-0", unknown_instance),
                                  RtssEntry{"3-0", "", false}})
                  .is_ok());
  ASSERT_EQ(store_.rtrs.size(), 3u);
  for (const auto& r : store_.rtrs) {
    EXPECT_EQ(r.status, ResultStatus::kRejected);
    EXPECT_FALSE(r.reason.empty());
  }
  EXPECT_EQ(store_.rtrs[1].uuid, kUuid2);
  EXPECT_EQ(store_.dead_letters.size(), 2u);
  EXPECT_TRUE(link_.sent.empty());
  EXPECT_EQ(store_.acked.size(), 3u);
}

TEST_F(EngineTest, ExpiredSignalIsAnsweredExpiredAndNeverSent) {
  auto engine = make_engine();
  const std::string old = signal(kUuid, 0.3, 1000);
  clock_.advance_ms(1000);
  ASSERT_TRUE(engine->on_entries({entry("1-0", old)}).is_ok());
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].status, ResultStatus::kExpired);
  EXPECT_TRUE(link_.sent.empty());
}

TEST_F(EngineTest, SignalWaitingForAnAbsentTerminalExpiresOnTick) {
  link_.connected.clear();
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid, 0.3, 5000))}).is_ok());
  engine->on_tick();
  EXPECT_TRUE(store_.finals(kUuid).empty());
  clock_.advance_ms(5000);
  engine->on_tick();
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].status, ResultStatus::kExpired);
  EXPECT_TRUE(link_.sent.empty());
}

TEST_F(EngineTest, PartialFillContinuesWithTheRemainderAsANewLeg) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid, 0.3))}).is_ok());
  auto first = link_.sent_of<link::OrderFrame>("demo-1").at(0);
  engine->on_link_events({result(first, link::kRetcodeDonePartial, 0.1)});
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[1].leg, 1);
  EXPECT_NE(orders[1].client_id, first.client_id);
  EXPECT_NEAR(orders[1].volume, 0.2, 1e-9);
  EXPECT_EQ(store_.rts.at(kUuid).state, OrderState::kPartial);
  ASSERT_EQ(store_.rtrs.size(), 1u);
  EXPECT_EQ(store_.rtrs[0].status, ResultStatus::kPartial);
  engine->on_link_events({result(orders[1], link::kRetcodeDone, 0.2)});
  auto finals = store_.finals(kUuid);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, ResultStatus::kFilled);
  EXPECT_NEAR(finals[0].filled_volume, 0.3, 1e-9);
}

TEST_F(EngineTest, BrokerRejectEndsRejectedAndRequoteRetriesAsNextLeg) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid)), entry("2-0", signal(kUuid2))}).is_ok());
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  engine->on_link_events({result(orders[0], link::kRetcodeReject, 0)});
  engine->on_link_events({result(orders[1], link::kRetcodeRequote, 0)});
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].status, ResultStatus::kRejected);
  auto after = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[2].uuid, kUuid2);
  EXPECT_EQ(after[2].leg, 1);
}

// A real MT5 answers 10012 (request timed out) for orders that did execute. Read as
// "not executed", the leg would go again under a new client id and execute twice.
TEST_F(EngineTest, ATimeoutReportedForAnExecutedOrderIsAskedAboutNeverExecutedTwice) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid, 0.3))}).is_ok());
  auto first = link_.sent_of<link::OrderFrame>("demo-1").at(0);
  engine->on_link_events({result(first, link::kRetcodeTimeout, 0)});
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
  EXPECT_TRUE(store_.rtrs.empty());
  EXPECT_EQ(store_.rts.at(kUuid).state, OrderState::kSent);
  EXPECT_EQ(store_.rts.at(kUuid).leg, 0);
  EXPECT_EQ(engine->stats().unknown_outcomes, 1u);
  // Past expiry and past the query delay: still no resend and no final result, a query.
  clock_.advance_ms(60'000);
  engine->on_tick();
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
  EXPECT_TRUE(store_.rtrs.empty());
  auto queries = link_.sent_of<link::QueryFrame>("demo-1");
  ASSERT_EQ(queries.size(), 1u);
  ASSERT_EQ(queries[0].client_ids, std::vector<std::string>{first.client_id});
  // The terminal's durable history: it executed.
  link::ResultFrame done;
  done.client_id = first.client_id;
  done.uuid = kUuid;
  done.retcode = link::kRetcodeDone;
  done.filled_volume = 0.3;
  done.price = 1.1;
  engine->on_link_events({{link::LinkEvent::Kind::kFrame, "demo-1",
                           link::KnownFrame{{link::KnownOrder{first.client_id, done}}}, ""}});
  auto finals = store_.finals(kUuid);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, ResultStatus::kFilled);
  EXPECT_NEAR(finals[0].filled_volume, 0.3, 1e-9);
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
}

TEST_F(EngineTest, AnUnknownOutcomeIsAskedAboutUntilTheTerminalSettlesIt) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid, 0.3))}).is_ok());
  auto first = link_.sent_of<link::OrderFrame>("demo-1").at(0);
  for (int retcode : {link::kRetcodeError, 0, 10099}) {
    engine->on_link_events({result(first, retcode, 0)});
    clock_.advance_ms(EngineLimits{}.query_after_ms);
    engine->on_tick();
  }
  EXPECT_EQ(link_.sent_of<link::QueryFrame>("demo-1").size(), 3u);
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
  EXPECT_TRUE(store_.rtrs.empty());
  // The terminal says it never executed the leg: the same leg (same client id) goes again.
  engine->on_link_events({{link::LinkEvent::Kind::kFrame, "demo-1",
                           link::KnownFrame{{link::KnownOrder{first.client_id, std::nullopt}}}, ""}});
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[1].client_id, first.client_id);
  engine->on_link_events({result(orders[1], link::kRetcodeDone, 0.3)});
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].status, ResultStatus::kFilled);
}

TEST_F(EngineTest, OverFillByTheTerminalNeverExceedsTheSignalVolume) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid, 0.3))}).is_ok());
  auto first = link_.sent_of<link::OrderFrame>("demo-1").at(0);
  engine->on_link_events({result(first, link::kRetcodeDone, 0.5)});
  for (const auto& r : store_.rtrs) EXPECT_LE(r.filled_volume, 0.3 + 1e-9);
}

TEST_F(EngineTest, ResultArrivingWhileTheStoreIsDownIsAppliedOnceLater) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid))}).is_ok());
  auto first = link_.sent_of<link::OrderFrame>("demo-1").at(0);
  store_.fail_next = 1;
  engine->on_link_events({result(first, link::kRetcodeDone, 0.3)});
  EXPECT_TRUE(store_.finals(kUuid).empty());
  EXPECT_FALSE(engine->accepting());
  engine->on_tick();
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_TRUE(engine->accepting());
}

TEST_F(EngineTest, StoreDownAtIntakeLeavesTheEntryToBeDecidedAgain) {
  auto engine = make_engine();
  store_.fail_next = 1;
  EXPECT_FALSE(engine->on_entries({entry("1-0", signal(kUuid))}).is_ok());
  EXPECT_TRUE(store_.rtrs.empty());
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid))}).is_ok());
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
}

TEST_F(EngineTest, RestartAsksTheTerminalBeforeAnyResend) {
  {
    auto engine = make_engine();
    ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid)), entry("2-0", signal(kUuid2))}).is_ok());
  }  // crash: both orders in flight, no result heard
  link_.sent.clear();
  link_.connected.clear();
  auto engine = make_engine();
  EXPECT_EQ(engine->open_orders(), 2u);
  // Replaying the pending RTSS entries does not resend anything.
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid)), entry("2-0", signal(kUuid2))}).is_ok());
  EXPECT_TRUE(link_.sent.empty());
  link_.connected.insert("demo-1");
  engine->on_link_events({{link::LinkEvent::Kind::kConnected, "demo-1", link::Heartbeat{}, ""}});
  EXPECT_TRUE(link_.sent_of<link::OrderFrame>("demo-1").empty());
  auto queries = link_.sent_of<link::QueryFrame>("demo-1");
  ASSERT_EQ(queries.size(), 1u);
  ASSERT_EQ(queries[0].client_ids.size(), 2u);
  // The terminal executed the first, never saw the second.
  link::KnownFrame known;
  link::ResultFrame done;
  const bool first_is_uuid1 = store_.rts.at(kUuid).signal.uuid == kUuid;
  ASSERT_TRUE(first_is_uuid1);
  for (const auto& id : queries[0].client_ids) {
    link::KnownOrder k;
    k.client_id = id;
    if (k.client_id == link_.sent_of<link::QueryFrame>("demo-1")[0].client_ids[0]) {
      done.client_id = id;
      done.retcode = link::kRetcodeDone;
      done.filled_volume = 0.3;
      done.price = 1.1;
      k.result = done;
    }
    known.orders.push_back(k);
  }
  engine->on_link_events({{link::LinkEvent::Kind::kFrame, "demo-1", known, ""}});
  auto resent = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].client_id, queries[0].client_ids[1]);
  EXPECT_EQ(engine->open_orders(), 1u);
}

}  // namespace
}  // namespace mtg

namespace mtg {
namespace {

class LinkPolicyTest : public ::testing::Test {
 protected:
  LinkPolicyTest() : config_(one_instance_config()) {}

  std::string signal(const std::string& uuid) const {
    return R"({"uuid":")" + uuid + R"(","instance":"demo-1","symbol":"EURUSD","side":"buy","volume":0.1,"created_at":)" +
           std::to_string(clock_.now_ms()) + R"(,"ttl_ms":600000})";
  }

  // Advances the clock by one attempt interval and ticks, `n` times.
  void attempts(Engine& e, int n) {
    for (int i = 0; i < n; ++i) {
      clock_.advance_ms(3000);
      e.on_tick();
    }
  }

  Config config_;
  testing::MemoryOrderStore store_;
  testing::FakeLink link_;
  ManualClock clock_;
  std::vector<std::string> recovered_;
};

TEST_F(LinkPolicyTest, AttemptsCountEveryIntervalThenDisableDropsUnsentAndRunsRecovery) {
  EngineHooks hooks;
  hooks.recovery = [&](const std::string& id) { recovered_.push_back(id); };
  Engine e(config_, store_, link_, clock_, {}, {}, hooks);
  ASSERT_TRUE(e.start().is_ok());
  ASSERT_TRUE(e.on_entries({{"1-0", signal("6f1c0e4a-6a5b-4d7e-9c1a-0b2f3e4d5c6a"), true}}).is_ok());
  e.on_tick();  // starts counting
  attempts(e, 4);
  EXPECT_EQ(store_.ris.at("demo-1").attempts, 4);
  EXPECT_TRUE(store_.ris.at("demo-1").enabled);
  attempts(e, 6);
  EXPECT_EQ(store_.ris.at("demo-1").attempts, 10);
  EXPECT_FALSE(store_.ris.at("demo-1").enabled);
  ASSERT_EQ(store_.finals("6f1c0e4a-6a5b-4d7e-9c1a-0b2f3e4d5c6a").size(), 1u);
  EXPECT_EQ(store_.finals("6f1c0e4a-6a5b-4d7e-9c1a-0b2f3e4d5c6a")[0].status, ResultStatus::kDropped);
  clock_.advance_ms(RecoveryBudget{}.jitter_ms);  // the recovery action waits out its jitter
  e.on_tick();
  EXPECT_EQ(recovered_, std::vector<std::string>{"demo-1"});
  // New signals for the disabled instance are dropped at intake, never sent.
  ASSERT_TRUE(e.on_entries({{"2-0", signal("7a2d1f5b-7b6c-4e8f-8d2b-1c3a4f5e6d7b"), true}}).is_ok());
  EXPECT_EQ(store_.finals("7a2d1f5b-7b6c-4e8f-8d2b-1c3a4f5e6d7b")[0].status, ResultStatus::kDropped);
  // The terminal comes back with nothing in flight: re-enabled on the next tick.
  link_.connected.insert("demo-1");
  e.on_link_events({{link::LinkEvent::Kind::kConnected, "demo-1", link::Heartbeat{0, true}, ""}});
  e.on_tick();
  EXPECT_TRUE(store_.ris.at("demo-1").enabled);
  EXPECT_EQ(store_.ris.at("demo-1").attempts, 0);
}

TEST_F(LinkPolicyTest, OperatorDisableIsNotUndoneByAReconnect) {
  link_.connected.insert("demo-1");
  Engine e(config_, store_, link_, clock_);
  ASSERT_TRUE(e.start().is_ok());
  ASSERT_TRUE(e.set_enabled("demo-1", false).is_ok());
  e.on_link_events({{link::LinkEvent::Kind::kConnected, "demo-1", link::Heartbeat{0, true}, ""}});
  attempts(e, 2);
  EXPECT_FALSE(store_.ris.at("demo-1").enabled);
  EXPECT_FALSE(e.set_enabled("nope", true).is_ok());
  ASSERT_TRUE(e.set_enabled("demo-1", true).is_ok());
  EXPECT_TRUE(store_.ris.at("demo-1").enabled);
}

}  // namespace
}  // namespace mtg

#include "testkit/temp_dir.h"

namespace mtg {
namespace {

TEST_F(EngineTest, ResultRefusedByTheStoreSurvivesAnEngineCrashInTheSpillJournal) {
  testkit::TempDir dir;
  SpillJournal spill(dir.file("engine/spill.journal"));
  EngineHooks hooks;
  hooks.spill = &spill;
  link::OrderFrame sent;
  {
    Engine e(config_, store_, link_, clock_, {}, {}, hooks);
    ASSERT_TRUE(e.start().is_ok());
    ASSERT_TRUE(e.on_entries({entry("1-0", signal(kUuid))}).is_ok());
    sent = link_.sent_of<link::OrderFrame>("demo-1").at(0);
    store_.fail_next = 1;  // Redis down when the fill arrives
    e.on_link_events({result(sent, link::kRetcodeDone, 0.3)});
    EXPECT_EQ(spill.size(), 1u);
  }  // the engine crashes before Redis is back
  link_.connected.clear();  // and the terminal is not even there to be asked
  Engine e(config_, store_, link_, clock_, {}, {}, hooks);
  ASSERT_TRUE(e.start().is_ok());
  e.on_tick();
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].status, ResultStatus::kFilled);
  EXPECT_EQ(spill.size(), 0u);
  // Replaying the journal again (a crash before it was cleared) changes nothing.
  SpillJournal again(dir.file("engine/spill.journal"));
  EXPECT_TRUE(again.load()->empty());
}

}  // namespace
}  // namespace mtg

namespace mtg {
namespace {

// User preferences change what the engine decides without a restart.
TEST_F(EngineTest, PreferencesCapVolumesAndSetTheDefaultTtl) {
  auto e = make_engine();
  Prefs prefs;
  prefs.max_volume["demo-1"] = 0.2;
  prefs.default_ttl_ms = 5'000;
  e->apply_prefs(prefs);
  ASSERT_TRUE(e->on_entries({entry("1-0", signal(kUuid, 0.3))}).is_ok());
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].status, ResultStatus::kRejected);
  EXPECT_NE(store_.finals(kUuid)[0].reason.find("cap"), std::string::npos) << store_.finals(kUuid)[0].reason;
  const std::string no_ttl = R"({"uuid":")" + std::string(kUuid2) +
                             R"(","instance":"demo-1","symbol":"EURUSD","side":"buy","volume":0.1,"created_at":)" +
                             std::to_string(clock_.now_ms()) + "}";
  ASSERT_TRUE(e->on_entries({entry("2-0", no_ttl)}).is_ok());
  ASSERT_EQ(store_.rts.count(kUuid2), 1u);
  EXPECT_EQ(store_.rts.at(kUuid2).signal.ttl_ms, 5'000);
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
}

}  // namespace
}  // namespace mtg

namespace mtg {
namespace {

// Read again after a restart, the entry of an open order changes nothing, even when a
// volume cap lowered meanwhile would now refuse the signal.
TEST_F(EngineTest, ThePendingEntryOfAnOpenOrderIsNotDecidedAgain) {
  link_.connected.clear();  // the order stays open (unsent)
  const RtssEntry e1 = entry("1-0", signal(kUuid, 0.3));
  {
    auto first = make_engine();
    ASSERT_TRUE(first->on_entries({e1}).is_ok());
    ASSERT_EQ(first->open_orders(), 1u);
  }
  auto e = make_engine();  // restarted: the order is loaded from the store
  ASSERT_EQ(e->open_orders(), 1u);
  Prefs prefs;
  prefs.max_volume["demo-1"] = 0.1;
  e->apply_prefs(prefs);
  const size_t results_before = store_.rtrs.size();
  store_.fail_next = 1;  // any store call would fail, and consume this
  ASSERT_TRUE(e->on_entries({e1}).is_ok());
  EXPECT_EQ(store_.fail_next, 1) << "no store round trip";
  store_.fail_next = 0;
  EXPECT_EQ(store_.rtrs.size(), results_before);
  EXPECT_TRUE(store_.finals(kUuid).empty());
  EXPECT_EQ(e->open_orders(), 1u);
}

}  // namespace
}  // namespace mtg

namespace mtg {
namespace {

// A Redis that crashed lost the last seconds: the dedup record and the state of an
// order still open here. Its producer sends it again; it is answered `duplicate` and
// sent to no terminal (it used to trip the engine's own check: a second open order).
TEST_F(EngineTest, AResubmissionOfAnOrderOpenHereIsADuplicateEvenWhenRedisLostItsDedupRecord) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid))}).is_ok());
  store_.dedup.clear();
  store_.rts.clear();
  store_.open.clear();
  ASSERT_TRUE(engine->on_entries({entry("9-0", signal(kUuid))}).is_ok());
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 1u);
  ASSERT_EQ(store_.rtrs.size(), 1u);
  EXPECT_EQ(store_.rtrs[0].status, ResultStatus::kDuplicate);
  EXPECT_EQ(store_.dedup.at(kUuid), "1-0") << "the original's record is back";
  EXPECT_EQ(store_.open.count(kUuid), 1u);
}

// A Redis that crashed lost the last seconds: an order the engine finished there lost
// its final result, its final state and its dedup record, and RTS holds it open as
// `sent`. Its producer had settled and is gone. After the restart the engine gives back
// the final result it wrote (with state and dedup record), sending and asking nothing;
// a resubmission arriving before the restart is noticed is a duplicate all the same.
TEST_F(EngineTest, ARedisRestartGetsBackTheFinalResultsOfItsLastSeconds) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid)), entry("2-0", signal(kUuid2))}).is_ok());
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 2u);
  const Order sent_state = store_.rts.at(kUuid);  // as RTS had it before the final result
  engine->on_link_events({result(orders[0], link::kRetcodeDone, 0.3), result(orders[1], link::kRetcodeDone, 0.3)});
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  const TradeResult written = store_.finals(kUuid)[0];
  // Lost: kUuid's final result, final state and dedup record; all of kUuid2.
  const auto lose_last_seconds = [&] {
    store_.rtrs.clear();
    store_.rts = {{kUuid, sent_state}};
    store_.open = {kUuid};
    store_.dedup.clear();
  };
  lose_last_seconds();
  ASSERT_TRUE(engine->on_entries({entry("9-0", signal(kUuid))}).is_ok()) << "kUuid's producer sends it again";
  ASSERT_EQ(store_.rtrs.size(), 2u);
  EXPECT_EQ(store_.rtrs[0].result_id, written.result_id) << "the final result, given back";
  EXPECT_EQ(store_.rtrs[1].status, ResultStatus::kDuplicate) << "the resubmission";
  lose_last_seconds();
  ASSERT_TRUE(engine->on_store_restarted().is_ok());
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].to_json(), written.to_json());
  ASSERT_EQ(store_.finals(kUuid2).size(), 1u);
  EXPECT_EQ(store_.dedup.at(kUuid), "1-0");
  EXPECT_EQ(store_.dedup.at(kUuid2), "2-0");
  EXPECT_TRUE(is_final(store_.rts.at(kUuid).state));
  EXPECT_TRUE(store_.open.empty());
  EXPECT_TRUE(link_.sent_of<link::QueryFrame>("demo-1").empty()) << "nothing to ask: the engine knows";
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 2u) << "nothing sent again";
  ASSERT_TRUE(engine->on_store_restarted().is_ok());
  EXPECT_EQ(store_.finals(kUuid).size(), 1u) << "a final RTS holds is not written twice";
}

// After a Redis restart: what the engine holds open is written again, and an order RTS
// holds open that the engine finished longer ago than it keeps final results (the final
// result was lost all the same) is taken up again: its terminal is asked, and its answer
// finishes it.
TEST_F(EngineTest, ARedisRestartWritesBackOpenOrdersAndTakesUpThoseWhoseFinalResultWasLost) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kUuid, 0.3, 600'000)), entry("2-0", signal(kUuid2, 0.3, 600'000))})
                  .is_ok());
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 2u);
  const Order sent_state = store_.rts.at(kUuid);  // as RTS had it before the final result
  engine->on_link_events({result(orders[0], link::kRetcodeDone, 0.3)});
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  clock_.advance_ms(EngineLimits{}.recent_finals_window_ms + 1);  // kUuid's final is forgotten
  // The restart lost kUuid's final result and state, and all of kUuid2.
  store_.rtrs.clear();
  store_.rts = {{kUuid, sent_state}};
  store_.open = {kUuid};
  store_.dedup = {{kUuid, "1-0"}};
  ASSERT_TRUE(engine->on_store_restarted().is_ok());
  EXPECT_EQ(store_.open.count(kUuid2), 1u) << "written again";
  EXPECT_EQ(store_.dedup.at(kUuid2), "2-0");
  auto queries = link_.sent_of<link::QueryFrame>("demo-1");
  ASSERT_EQ(queries.size(), 1u) << "asked about the order taken up, never sent again";
  EXPECT_EQ(link_.sent_of<link::OrderFrame>("demo-1").size(), 2u);
  engine->on_link_events({result(orders[0], link::kRetcodeDone, 0.3)});  // the terminal's answer
  ASSERT_EQ(store_.finals(kUuid).size(), 1u);
  EXPECT_EQ(store_.finals(kUuid)[0].result_id, final_result_id(kUuid));
}

}  // namespace
}  // namespace mtg
