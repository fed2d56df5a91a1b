// The engine process's metrics (EngineMetrics through MeteredOrderStore) against the
// in-memory store: what the families say equals what the store holds.
#include "engine/service_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "engine/metered_order_store.h"
#include "engine_fakes.h"
#include "link/retcode.h"
#include "testkit/metrics_text.h"

namespace mtg {
namespace {

constexpr const char* kUuid = "6f1c0e4a-6a5b-4d7e-9c1a-0b2f3e4d5c6a";
constexpr const char* kUuid2 = "7a2d1f5b-7b6c-4e8f-8d2b-1c3a4f5e6d7b";
constexpr const char* kUuid3 = "8b3e2a6c-8c7d-4f9a-9e3c-2d4b5a6f7e8c";

Config one_instance_config() {
  InstanceConfig inst;
  inst.id = "demo-1";
  inst.token = "0123456789abcdef0123";
  inst.symbols = {"EURUSD"};
  Config config;
  config.instances.push_back(inst);
  return config;
}

class EngineMetricsTest : public ::testing::Test {
 protected:
  EngineMetricsTest() : config_(one_instance_config()) { link_.connected.insert("demo-1"); }

  std::unique_ptr<Engine> make_engine() {
    auto e = std::make_unique<Engine>(config_, metered_, link_, clock_);
    EXPECT_TRUE(e->start().is_ok());
    return e;
  }

  std::string signal(const std::string& uuid, int64_t created_at_ms) const {
    return R"({"uuid":")" + uuid + R"(","instance":"demo-1","symbol":"EURUSD","side":"buy","volume":0.3,)" +
           R"("created_at":)" + std::to_string(created_at_ms) + R"(,"ttl_ms":30000})";
  }

  // An RTSS entry added `ago_ms` before the clock's now.
  RtssEntry entry(const std::string& uuid, int64_t ago_ms, int64_t created_ago_ms = 0) const {
    const int64_t added = clock_.now_ms() - ago_ms;
    return {std::to_string(added) + "-0", signal(uuid, clock_.now_ms() - created_ago_ms), true};
  }

  link::LinkEvent result(const link::OrderFrame& order, int retcode, double filled) const {
    link::ResultFrame r;
    r.client_id = order.client_id;
    r.uuid = order.uuid;
    r.leg = order.leg;
    r.retcode = retcode;
    r.filled_volume = filled;
    r.price = 1.1;
    return {link::LinkEvent::Kind::kFrame, "demo-1", r, ""};
  }

  testkit::MetricsText scrape() {
    auto text = testkit::MetricsText::parse(prometheus::TextSerializer().Serialize(registry_.Collect()));
    EXPECT_TRUE(text.is_ok()) << text.status().to_string();
    return *text;
  }

  Config config_;
  testing::MemoryOrderStore store_;
  testing::FakeLink link_;
  ManualClock clock_;
  prometheus::Registry registry_;
  EngineMetrics metrics_{registry_};
  MeteredOrderStore metered_{store_, metrics_};
};

TEST_F(EngineMetricsTest, ResultsByStatusAreTheResultsTheStoreWrote) {
  auto engine = make_engine();
  // Filled in two legs, a duplicate, one expired at intake, one rejected by the broker.
  ASSERT_TRUE(
      engine->on_entries({entry(kUuid, 2'000), entry(kUuid, 1'000), entry(kUuid2, 0, 60'000)}).is_ok());
  ASSERT_TRUE(engine->on_entries({entry(kUuid3, 500)}).is_ok());
  auto orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 2u);
  engine->on_link_events({result(orders[0], link::kRetcodeDonePartial, 0.1)});
  engine->on_link_events({result(orders[1], link::kRetcodeReject, 0)});
  orders = link_.sent_of<link::OrderFrame>("demo-1");
  ASSERT_EQ(orders.size(), 3u);
  engine->on_link_events({result(orders[2], link::kRetcodeDone, 0.2)});
  ASSERT_EQ(engine->open_orders(), 0u);

  const auto text = scrape();
  std::map<std::string, double> written;
  for (const TradeResult& r : store_.rtrs) written[result_status_name(r.status)] += 1;
  EXPECT_EQ(written, (std::map<std::string, double>{
                         {"duplicate", 1}, {"expired", 1}, {"filled", 1}, {"partial", 1}, {"rejected", 1}}));
  for (const auto& [status, n] : written) {
    EXPECT_EQ(text.value("mtguard_engine_results_total", {{"status", status}}), n) << status;
  }
  EXPECT_EQ(text.sum("mtguard_engine_results_total"), static_cast<double>(store_.rtrs.size()));
  // Every final result with an RTSS entry id: filled, expired, rejected.
  EXPECT_EQ(text.value("mtguard_engine_signal_latency_seconds_count"), 3.0);
  EXPECT_EQ(text.value("mtguard_engine_signal_latency_seconds_sum"), 2.0 + 0.0 + 0.5);
  EXPECT_EQ(text.value("mtguard_engine_signal_latency_seconds_bucket", {{"le", "0.5"}}), 2.0);
  EXPECT_EQ(text.value("mtguard_engine_signal_latency_seconds_bucket", {{"le", "+Inf"}}), 3.0);
}

TEST_F(EngineMetricsTest, InFlightFollowsTheStoredStatesAcrossARestart) {
  {
    auto engine = make_engine();
    ASSERT_TRUE(engine->on_entries({entry(kUuid, 0), entry(kUuid2, 0)}).is_ok());
    EXPECT_EQ(metered_.in_flight(), 2u);
    auto orders = link_.sent_of<link::OrderFrame>("demo-1");
    engine->on_link_events({result(orders[0], link::kRetcodeDone, 0.3)});
    EXPECT_EQ(metered_.in_flight(), 1u);
  }  // crash: one order still in flight
  MeteredOrderStore restarted(store_, metrics_);
  Engine engine(config_, restarted, link_, clock_);
  ASSERT_TRUE(engine.start().is_ok());
  EXPECT_EQ(restarted.in_flight(), 1u);
  metrics_.observe(engine, restarted.in_flight(), 0, StreamGroupInfo{"1-0", 4, 1});
  const auto text = scrape();
  EXPECT_EQ(text.value("mtguard_engine_in_flight_orders"), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_open_orders"), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_rtss_pending_entries"), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_rtss_lag_entries"), 4.0);
}

TEST_F(EngineMetricsTest, ObserveReadsTheDecisionCountersAndTheInstances) {
  auto engine = make_engine();
  ASSERT_TRUE(engine->on_entries({entry(kUuid, 1), entry(kUuid, 0), entry(kUuid2, 0, 60'000)}).is_ok());
  ASSERT_TRUE(engine->set_enabled("demo-1", false).is_ok());
  metrics_.observe(*engine, metered_.in_flight(), 3, Status::unavailable("redis down"));
  auto text = scrape();
  EXPECT_EQ(text.value("mtguard_engine_signals_total", {{"outcome", "accepted"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_signals_total", {{"outcome", "duplicate"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_signals_total", {{"outcome", "expired"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_signals_total", {{"outcome", "rejected"}}), 0.0);
  EXPECT_EQ(text.value("mtguard_engine_signals_total", {{"outcome", "dropped"}}), 0.0);
  EXPECT_EQ(text.value("mtguard_engine_instance_enabled", {{"instance_id", "demo-1"}}), 0.0);
  EXPECT_EQ(text.value("mtguard_engine_spill_journal_entries"), 3.0);
  EXPECT_EQ(text.value("mtguard_engine_rtss_pending_entries"), 0.0);  // Redis could not tell: as it was
  // Observed again, counters only advance by what the engine added.
  ASSERT_TRUE(engine->on_entries({entry(kUuid3, 0)}).is_ok());  // dropped: demo-1 is disabled
  metrics_.observe(*engine, metered_.in_flight(), 0, StreamGroupInfo{});
  text = scrape();
  EXPECT_EQ(text.value("mtguard_engine_signals_total", {{"outcome", "accepted"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_signals_total", {{"outcome", "dropped"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_engine_instance_connected", {{"instance_id", "demo-1"}}),
            1.0);  // linked, though disabled
  EXPECT_EQ(text.type("mtguard_engine_signals_total"), "counter");
  EXPECT_EQ(text.type("mtguard_engine_signal_latency_seconds"), "histogram");
}

TEST_F(EngineMetricsTest, TradeEventsCountTheEventsAppended) {
  auto engine = make_engine();
  TradeEvent e;
  e.id = "deal:31";
  e.kind = EventKind::kStopLoss;
  e.symbol = "EURUSD";
  e.side = Side::kSell;
  e.volume = 0.1;
  e.price = 1.095;
  link::LinkEvent ev{link::LinkEvent::Kind::kFrame, "demo-1", link::EventFrame{e}, ""};
  engine->on_link_events({ev, ev});  // delivered twice, appended once
  ASSERT_EQ(store_.events.size(), 1u);
  metrics_.observe(*engine, metered_.in_flight(), 0, StreamGroupInfo{});
  const auto text = scrape();
  EXPECT_EQ(text.value("mtguard_engine_trade_events_total"), 1.0);
  EXPECT_EQ(text.type("mtguard_engine_trade_events_total"), "counter");
}

}  // namespace
}  // namespace mtg
