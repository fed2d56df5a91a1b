// The engine with trade actions (contract version 2): what each action's outcome
// becomes, which actions wait for which, and what a version-1 terminal is spared.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine_fakes.h"
#include "link/retcode.h"
#include "notify/notifier.h"
#include "unit/notify/fake_sinks.h"

namespace mtg {
namespace {

using testing::FakeLink;
using testing::MemoryOrderStore;

constexpr const char* kOpenUuid = "6f1c0e4a-6a5b-4d7e-9c1a-0b2f3e4d5c6a";
constexpr const char* kCloseUuid = "7a2d1f5b-7b6c-4e8f-8d2b-1c3a4f5e6d7b";
constexpr const char* kOtherUuid = "8b3e2a6c-8c7d-4f90-9e3c-2d4b5a6f7e8c";

Config one_instance_config() {
  InstanceConfig inst;
  inst.id = "demo-1";
  inst.token = "0123456789abcdef0123";
  inst.symbols = {"EURUSD", "GBPUSD"};
  Config config;
  config.instances.push_back(inst);
  return config;
}

class EngineActionsTest : public ::testing::Test {
 protected:
  EngineActionsTest() : config_(one_instance_config()) {}

  std::unique_ptr<Engine> connected_engine(int version = link::kProtocolVersion, EngineHooks hooks = {}) {
    auto e = std::make_unique<Engine>(config_, store_, link_, clock_, EngineLimits{}, LinkPolicy{}, hooks);
    EXPECT_TRUE(e->start().is_ok());
    link_.connected.insert("demo-1");
    e->on_link_events({hello(version)});
    return e;
  }
  static link::LinkEvent hello(int version = link::kProtocolVersion) {
    return {link::LinkEvent::Kind::kConnected, "demo-1", link::Heartbeat{0, true}, "", version};
  }
  static link::LinkEvent frame(link::Frame f) { return {link::LinkEvent::Kind::kFrame, "demo-1", std::move(f), ""}; }
  static link::LinkEvent positions(std::vector<Position> held) {
    link::Positions p;
    p.positions = std::move(held);
    return frame(p);
  }

  // A signal JSON with the common fields and `fields` (a JSON fragment without braces).
  std::string signal(const std::string& uuid, const std::string& fields) const {
    return R"({"uuid":")" + uuid + R"(","instance":"demo-1",)" + fields + R"(,"created_at":)" +
           std::to_string(clock_.now_ms()) + "}";
  }
  std::string market_open(const std::string& uuid, const std::string& symbol = "EURUSD") const {
    return signal(uuid, R"("symbol":")" + symbol + R"(","side":"buy","volume":0.3)");
  }

  static RtssEntry entry(const std::string& id, const std::string& payload) { return {id, payload, true}; }

  static link::LinkEvent result(const link::OrderFrame& order, int retcode, double filled, int64_t ticket = 0,
                                int64_t position = 0) {
    link::ResultFrame r;
    r.client_id = order.client_id;
    r.uuid = order.uuid;
    r.leg = order.leg;
    r.retcode = retcode;
    r.filled_volume = filled;
    r.price = filled > 0 ? 1.1 : 0;
    r.ticket = ticket;
    r.deal = ticket > 0 ? ticket + 1000 : 0;
    r.position = position;
    return {link::LinkEvent::Kind::kFrame, "demo-1", r, ""};
  }

  std::vector<link::OrderFrame> orders() const { return link_.sent_of<link::OrderFrame>("demo-1"); }

  Config config_;
  MemoryOrderStore store_;
  FakeLink link_;
  ManualClock clock_;
};

TEST_F(EngineActionsTest, APendingOpenIsPlacedOnceWithItsTicket) {
  auto engine = connected_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kOpenUuid, R"("symbol":"EURUSD","side":"buy","type":"limit","volume":0.3,"price":1.05)"))})
                  .is_ok());
  auto sent = orders();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].order_type, OrderType::kLimit);
  EXPECT_EQ(sent[0].price, 1.05);
  engine->on_link_events({result(sent[0], link::kRetcodePlaced, 0, 42)});
  auto finals = store_.finals(kOpenUuid);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, ResultStatus::kPlaced);
  EXPECT_EQ(finals[0].ticket, 42u);
  EXPECT_EQ(finals[0].retcode, link::kRetcodePlaced);
  EXPECT_EQ(finals[0].retcode_name, "TRADE_RETCODE_PLACED");
  EXPECT_EQ(orders().size(), 1u);  // a placed order is never a reason for another leg
}

TEST_F(EngineActionsTest, AMarketOrderPlacedWithoutADealIsAskedAboutNeverSentAgain) {
  auto engine = connected_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", market_open(kOpenUuid))}).is_ok());
  auto sent = orders();
  ASSERT_EQ(sent.size(), 1u);
  engine->on_link_events({result(sent[0], link::kRetcodePlaced, 0, 7)});
  EXPECT_TRUE(store_.finals(kOpenUuid).empty());
  clock_.advance_ms(6000);
  engine->on_tick();
  EXPECT_EQ(orders().size(), 1u);  // no second leg
  auto queries = link_.sent_of<link::QueryFrame>("demo-1");
  ASSERT_FALSE(queries.empty());
  EXPECT_EQ(queries.back().client_ids.front(), sent[0].client_id);
}

TEST_F(EngineActionsTest, ACloseWaitsForTheOpenOnItsSymbolAndOtherSymbolsDoNot) {
  auto engine = connected_engine();
  ASSERT_TRUE(engine
                  ->on_entries({entry("1-0", market_open(kOpenUuid)),
                                entry("2-0", signal(kCloseUuid, R"("action":"close","symbol":"EURUSD","ref":")" +
                                                                    std::string(kOpenUuid) + R"(")")),
                                entry("3-0", market_open(kOtherUuid, "GBPUSD"))})
                  .is_ok());
  auto sent = orders();
  ASSERT_EQ(sent.size(), 2u);  // the open and the GBPUSD open; the close waits
  EXPECT_EQ(sent[0].uuid, kOpenUuid);
  EXPECT_EQ(sent[1].uuid, kOtherUuid);
  engine->on_link_events({result(sent[0], link::kRetcodeDone, 0.3, 11, 11)});
  sent = orders();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].uuid, kCloseUuid);
  EXPECT_EQ(sent[2].action, Action::kClose);
  EXPECT_EQ(sent[2].ref, kOpenUuid);
  EXPECT_EQ(sent[2].volume, 0);  // all of it
  engine->on_link_events({result(sent[2], link::kRetcodeDone, 0.3, 12, 11)});
  auto finals = store_.finals(kCloseUuid);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, ResultStatus::kFilled);
  EXPECT_EQ(finals[0].action, "close");
  EXPECT_DOUBLE_EQ(finals[0].filled_volume, 0.3);
  EXPECT_EQ(finals[0].position, 11u);
}

TEST_F(EngineActionsTest, ACloseByTicketCarriesTheVolumeThePositionHeldAndItsNextLegTheRest) {
  auto engine = connected_engine();
  link::Positions held;
  held.positions.push_back(Position{77, "EURUSD", Side::kBuy, 0.5, 1.1, 0, 0, kOpenUuid});
  engine->on_link_events({{link::LinkEvent::Kind::kFrame, "demo-1", held, ""}});
  ASSERT_EQ(store_.holdings.at("demo-1").positions.size(), 1u);
  ASSERT_TRUE(engine->on_entries({entry("1-0", signal(kCloseUuid, R"("action":"close","position":77,"volume":0.4)"))})
                  .is_ok());
  auto sent = orders();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].position, 77);
  EXPECT_DOUBLE_EQ(sent[0].expected_volume, 0.5);
  EXPECT_DOUBLE_EQ(sent[0].volume, 0.4);
  engine->on_link_events({result(sent[0], link::kRetcodeDonePartial, 0.1, 5, 77)});
  sent = orders();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].leg, 1);
  EXPECT_DOUBLE_EQ(sent[1].volume, 0.3);
  EXPECT_DOUBLE_EQ(sent[1].expected_volume, 0.4);  // what the position holds after the first leg
}

TEST_F(EngineActionsTest, ModifyAndCancelEndModifiedAndCancelled) {
  auto engine = connected_engine();
  ASSERT_TRUE(engine
                  ->on_entries({entry("1-0", signal(kOpenUuid, R"("action":"modify","position":5,"sl":1.09)")),
                                entry("2-0", signal(kCloseUuid, R"("action":"cancel","order":9)"))})
                  .is_ok());
  auto sent = orders();
  ASSERT_EQ(sent.size(), 1u);  // neither names a symbol: each is alone on the instance
  EXPECT_EQ(sent[0].sl, 1.09);
  EXPECT_FALSE(sent[0].tp.has_value());  // unchanged
  engine->on_link_events({result(sent[0], link::kRetcodeDone, 0, 0, 5)});
  EXPECT_EQ(store_.finals(kOpenUuid).at(0).status, ResultStatus::kModified);
  sent = orders();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].action, Action::kCancel);
  EXPECT_EQ(sent[1].order, 9);
  engine->on_link_events({result(sent[1], link::kRetcodeDone, 0, 9)});
  EXPECT_EQ(store_.finals(kCloseUuid).at(0).status, ResultStatus::kCancelled);
}

TEST_F(EngineActionsTest, AVersion1TerminalGetsMarketOpensAndTheRestIsRefused) {
  auto engine = connected_engine(1);
  ASSERT_TRUE(engine
                  ->on_entries({entry("1-0", signal(kCloseUuid, R"("action":"close","position":5)")),
                                entry("2-0", market_open(kOpenUuid))})
                  .is_ok());
  auto finals = store_.finals(kCloseUuid);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, ResultStatus::kRejected);
  EXPECT_NE(finals[0].reason.find("terminal speaks protocol 1"), std::string::npos) << finals[0].reason;
  auto sent = orders();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].uuid, kOpenUuid);
}

TEST_F(EngineActionsTest, AKnownPendingLegIsAskedAboutAgainNeverResent) {
  auto engine = connected_engine();
  ASSERT_TRUE(engine->on_entries({entry("1-0", market_open(kOpenUuid))}).is_ok());
  auto sent = orders();
  ASSERT_EQ(sent.size(), 1u);
  link::KnownFrame known;
  known.orders.push_back(link::KnownOrder{sent[0].client_id, std::nullopt, true});
  engine->on_link_events({{link::LinkEvent::Kind::kFrame, "demo-1", known, ""}});
  EXPECT_EQ(orders().size(), 1u);
  clock_.advance_ms(6000);
  engine->on_tick();
  EXPECT_EQ(orders().size(), 1u);
  EXPECT_FALSE(link_.sent_of<link::QueryFrame>("demo-1").empty());
}

TEST_F(EngineActionsTest, AnEventDeliveredTwiceIsStoredOnceAndAcknowledgedEachTime) {
  auto engine = connected_engine();
  TradeEvent e;
  e.id = "deal:31";
  e.kind = EventKind::kStopLoss;
  e.symbol = "EURUSD";
  e.side = Side::kSell;
  e.volume = 0.1;
  e.price = 1.095;
  e.deal = 31;
  e.position = 30;
  e.ref = kOpenUuid;
  e.reason = "[sl 1.09500]";
  link::LinkEvent ev{link::LinkEvent::Kind::kFrame, "demo-1", link::EventFrame{e}, ""};
  engine->on_link_events({ev, ev});
  ASSERT_EQ(store_.events.size(), 1u);
  EXPECT_EQ(store_.events[0].id, "demo-1:deal:31");
  EXPECT_EQ(store_.events[0].instance, "demo-1");
  auto acks = link_.sent_of<link::EventAck>("demo-1");
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].ids, std::vector<std::string>{"deal:31"});
}

TEST_F(EngineActionsTest, AnEventTheStoreRefusedIsNotAcknowledged) {
  auto engine = connected_engine();
  TradeEvent e;
  e.id = "deal:32";
  e.symbol = "EURUSD";
  store_.fail_next = 1;
  engine->on_link_events({{link::LinkEvent::Kind::kFrame, "demo-1", link::EventFrame{e}, ""}});
  EXPECT_TRUE(store_.events.empty());
  EXPECT_TRUE(link_.sent_of<link::EventAck>("demo-1").empty());
}

TEST_F(EngineActionsTest, WaitingOrdersAreSentInStreamOrderAfterAReconnect) {
  auto engine = std::make_unique<Engine>(config_, store_, link_, clock_);
  ASSERT_TRUE(engine->start().is_ok());
  // Disconnected: everything waits.
  ASSERT_TRUE(engine
                  ->on_entries({entry("1-9", market_open(kOpenUuid)),
                                entry("1-10", signal(kCloseUuid, R"("action":"close","symbol":"EURUSD","ref":")" +
                                                                     std::string(kOpenUuid) + R"(")"))})
                  .is_ok());
  EXPECT_TRUE(orders().empty());
  link_.connected.insert("demo-1");
  engine->on_link_events({{link::LinkEvent::Kind::kConnected, "demo-1", link::Heartbeat{0, true}, "", 2}});
  auto sent = orders();
  ASSERT_EQ(sent.size(), 1u);  // "1-9" before "1-10", and the close waits for it
  EXPECT_EQ(sent[0].uuid, kOpenUuid);
  EXPECT_EQ(link_.sent_of<link::PositionsRequest>("demo-1").size(), 1u);
}

}  // namespace
}  // namespace mtg

namespace mtg {
namespace {

// After a reconnect: positions the engine's results and events do not explain.
class PositionsAuditTest : public EngineActionsTest {
 protected:
  PositionsAuditTest() {
    auto sink = std::make_unique<notify::testing::RecordingSink>();
    sink_ = sink.get();
    notifier_ = std::make_unique<notify::Notifier>(clock_, sinks_of(std::move(sink)));
  }
  static std::vector<std::unique_ptr<notify::Sink>> sinks_of(std::unique_ptr<notify::Sink> sink) {
    std::vector<std::unique_ptr<notify::Sink>> sinks;
    sinks.push_back(std::move(sink));
    return sinks;
  }
  std::unique_ptr<Engine> audited_engine() {
    EngineHooks hooks;
    hooks.notifier = notifier_.get();
    return connected_engine(link::kProtocolVersion, hooks);
  }
  // The link drops and comes back.
  static std::vector<link::LinkEvent> reconnect() {
    return {{link::LinkEvent::Kind::kDisconnected, "demo-1", link::Heartbeat{}, "link lost"}, hello()};
  }
  std::vector<TradeEvent> mismatches() const {
    std::vector<TradeEvent> out;
    for (const TradeEvent& e : store_.events) {
      if (e.kind == EventKind::kPositionsMismatch) out.push_back(e);
    }
    return out;
  }
  std::vector<notify::Notification> notified() {
    EXPECT_TRUE(notifier_->flush(5'000));
    std::vector<notify::Notification> out;
    for (const auto& n : sink_->seen()) {
      if (n.kind == "positions_mismatch") out.push_back(n);
    }
    return out;
  }

  const Position eurusd_{77, "EURUSD", Side::kBuy, 0.5, 1.1, 0, 0, kOpenUuid};
  const Position gbpusd_{78, "GBPUSD", Side::kSell, 0.2, 1.27, 0, 0, kOtherUuid};
  notify::testing::RecordingSink* sink_ = nullptr;
  std::unique_ptr<notify::Notifier> notifier_;
};

TEST_F(PositionsAuditTest, APositionGoneWhileTheLinkWasDownIsAdoptedRecordedAndNotified) {
  auto engine = audited_engine();
  engine->on_link_events({positions({eurusd_, gbpusd_})});
  engine->on_link_events(reconnect());
  engine->on_link_events({positions({gbpusd_})});  // 77 was stopped out; no event said so
  const auto found = mismatches();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].position, 77);
  EXPECT_EQ(found[0].symbol, "EURUSD");
  EXPECT_DOUBLE_EQ(found[0].volume, 0.5);
  EXPECT_EQ(found[0].instance, "demo-1");
  ASSERT_EQ(store_.holdings.at("demo-1").positions.size(), 1u);  // adopted
  EXPECT_EQ(store_.holdings.at("demo-1").positions[0].ticket, 78);
  const auto said = notified();
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].severity, notify::Severity::kWarning);
  EXPECT_NE(said[0].message.find("77"), std::string::npos) << said[0].message;
  // Adopted: the next reconnect with the same positions finds nothing new.
  engine->on_link_events(reconnect());
  engine->on_link_events({positions({gbpusd_})});
  EXPECT_EQ(mismatches().size(), 1u);
}

TEST_F(PositionsAuditTest, AManualTradeWhileAwayIsAMismatchButAnEventExplainsItsSymbol) {
  auto engine = audited_engine();
  engine->on_link_events({positions({eurusd_})});
  engine->on_link_events(reconnect());
  link::EventFrame sl;
  sl.event.id = "deal:9";
  sl.event.kind = EventKind::kStopLoss;
  sl.event.symbol = "EURUSD";
  sl.event.volume = 0.5;
  sl.event.position = 77;
  engine->on_link_events({frame(sl)});
  Position manual{90, "GBPUSD", Side::kBuy, 1.0, 1.27, 0, 0, ""};
  engine->on_link_events({positions({manual})});  // 77 closed by its SL (reported), 90 opened by hand
  const auto found = mismatches();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].position, 90);
  EXPECT_DOUBLE_EQ(found[0].volume, 1.0);
  EXPECT_EQ(notified().size(), 1u);
}

TEST_F(PositionsAuditTest, PositionsThatChangeWhileConnectedOrMatchAfterAReconnectAreNoMismatch) {
  auto engine = audited_engine();
  engine->on_link_events({positions({eurusd_})});
  engine->on_link_events({positions({eurusd_, gbpusd_})});  // connected: no audit
  engine->on_link_events(reconnect());
  engine->on_link_events({positions({eurusd_, gbpusd_})});
  EXPECT_TRUE(mismatches().empty());
  EXPECT_TRUE(notified().empty());
}

TEST_F(PositionsAuditTest, TheAuditWaitsForTheOrdersInFlightAtTheReconnect) {
  auto engine = audited_engine();
  engine->on_link_events({positions({gbpusd_})});
  ASSERT_TRUE(engine->on_entries({entry("1-0", market_open(kOpenUuid))}).is_ok());
  ASSERT_EQ(orders().size(), 1u);
  engine->on_link_events(reconnect());
  const Position opened{77, "EURUSD", Side::kBuy, 0.3, 1.1, 0, 0, kOpenUuid};
  engine->on_link_events({positions({opened, gbpusd_})});  // the open executed while the link was down
  engine->on_tick();
  EXPECT_TRUE(mismatches().empty()) << "audited before the order in flight was settled";
  const auto sent = orders();
  engine->on_link_events({result(sent.front(), link::kRetcodeDone, 0.3, 77, 77)});
  ASSERT_EQ(store_.finals(kOpenUuid).size(), 1u);
  engine->on_tick();
  EXPECT_TRUE(mismatches().empty());
  EXPECT_TRUE(notified().empty());
}

}  // namespace
}  // namespace mtg
