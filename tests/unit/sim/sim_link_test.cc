// End to end over loopback: the engine's LinkServer <-> `mtguard sim` (run_sim).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "link/link_server.h"
#include "link/retcode.h"
#include "link/token_compare.h"
#include "sim/sim_main.h"
#include "testkit/temp_dir.h"

namespace mtg::sim {
namespace {

constexpr int kMaxPumps = 1000;  // 10 ms poll rounds before the test gives up

size_t line_count(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

class SimLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = link::LinkServer::listen("127.0.0.1", 0, [](const std::string& i, const std::string& t) {
      return i == "demo-1" && link::tokens_equal(t, "tok-1");
    }, SystemClock::instance(), link::LinkLimits{});
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    server_ = std::move(*s);
    config_.engine.link_host = "127.0.0.1";
    config_.engine.link_port = server_->port();
    InstanceConfig instance;
    instance.id = "demo-1";
    instance.token = "tok-1";
    config_.instances.push_back(instance);
    options_.ledger_path = dir_.file("ledger.jsonl");
  }
  void TearDown() override {
    stop_ = true;
    if (sim_thread_.joinable()) sim_thread_.join();
  }
  void start_sim() {
    sim_thread_ = std::thread([this] { sim_status_ = run_sim(config_, "demo-1", options_, stop_); });
  }
  // Polls the server until pred holds for an event; returns that event.
  std::optional<link::LinkEvent> wait_for(const std::function<bool(const link::LinkEvent&)>& pred) {
    std::vector<link::LinkEvent> events;
    for (int i = 0; i < kMaxPumps; ++i) {
      events.clear();
      server_->poll(10, events);
      for (auto& e : events) {
        if (pred(e)) return e;
      }
    }
    return std::nullopt;
  }
  static bool is_result(const link::LinkEvent& e) {
    return e.kind == link::LinkEvent::Kind::kFrame && std::holds_alternative<link::ResultFrame>(e.frame);
  }

  testkit::TempDir dir_;
  std::unique_ptr<link::LinkServer> server_;
  Config config_;
  SimOptions options_;
  std::atomic<bool> stop_{false};
  std::thread sim_thread_;
  Status sim_status_;
};

TEST_F(SimLinkTest, OrderInResultOutLedgerLineWrittenFirst) {
  start_sim();
  ASSERT_TRUE(wait_for([](const link::LinkEvent& e) { return e.kind == link::LinkEvent::Kind::kConnected; }));
  const link::OrderFrame order{"AbCdEfGhIjKlMnOpQrStUv.0", "6f1c-uuid", 0, "EURUSD", link::Side::kBuy, link::OrderType::kMarket,
                               0.25, 0, 0, 0, SystemClock::instance().now_ms() + 30'000};
  ASSERT_TRUE(server_->send("demo-1", order));
  auto event = wait_for(is_result);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(line_count(options_.ledger_path), 1u) << "the deal line is on disk before the result arrives";
  const auto& result = std::get<link::ResultFrame>(event->frame);
  EXPECT_EQ(result.client_id, order.client_id);
  EXPECT_EQ(result.uuid, order.uuid);
  EXPECT_EQ(result.retcode, link::kRetcodeDone);
  EXPECT_EQ(result.filled_volume, 0.25);

  ASSERT_TRUE(server_->send("demo-1", order));  // a resend after a lost result
  auto again = wait_for(is_result);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(std::get<link::ResultFrame>(again->frame), result);
  EXPECT_EQ(line_count(options_.ledger_path), 1u);

  ASSERT_TRUE(server_->send("demo-1", link::QueryFrame{{order.client_id, "unknown.0"}}));
  auto known = wait_for([](const link::LinkEvent& e) { return std::holds_alternative<link::KnownFrame>(e.frame); });
  ASSERT_TRUE(known.has_value());
  const auto& orders = std::get<link::KnownFrame>(known->frame).orders;
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0].result, result);
  EXPECT_FALSE(orders[1].result.has_value());

  ASSERT_TRUE(server_->send("demo-1", link::PositionsRequest{}));
  auto positions = wait_for([](const link::LinkEvent& e) { return std::holds_alternative<link::Positions>(e.frame); });
  ASSERT_TRUE(positions.has_value());
  ASSERT_EQ(std::get<link::Positions>(positions->frame).positions.size(), 1u);
  EXPECT_EQ(std::get<link::Positions>(positions->frame).positions[0].volume, 0.25);

  stop_ = true;
  sim_thread_.join();
  EXPECT_TRUE(sim_status_.is_ok()) << sim_status_.to_string();
}

// A market open as the engine sends it, expiring 30 s from now.
link::OrderFrame market_open(const std::string& client_id) {
  link::OrderFrame order;
  order.client_id = client_id;
  order.uuid = "uuid-" + client_id;
  order.symbol = "EURUSD";
  order.volume = 0.1;
  order.expires_at = SystemClock::instance().now_ms() + 30'000;
  return order;
}

bool is_connected(const link::LinkEvent& e) { return e.kind == link::LinkEvent::Kind::kConnected; }

TEST_F(SimLinkTest, ALinkDroppedAfterAFillLeavesTheResultToTheQuery) {
  config_.instances[0].sim.link_drop_after_fill_prob = 1.0;
  start_sim();
  ASSERT_TRUE(wait_for(is_connected));
  const link::OrderFrame order = market_open("AbCdEfGhIjKlMnOpQrStUv.0");
  ASSERT_TRUE(server_->send("demo-1", order));
  auto dropped = wait_for([](const link::LinkEvent& e) {
    return is_result(e) || e.kind == link::LinkEvent::Kind::kDisconnected;
  });
  ASSERT_TRUE(dropped.has_value());
  EXPECT_EQ(dropped->kind, link::LinkEvent::Kind::kDisconnected) << "no result before the drop";
  EXPECT_EQ(line_count(options_.ledger_path), 1u) << "executed and recorded";
  ASSERT_TRUE(wait_for(is_connected));
  ASSERT_TRUE(server_->send("demo-1", link::QueryFrame{{order.client_id}}));
  auto known = wait_for([](const link::LinkEvent& e) { return std::holds_alternative<link::KnownFrame>(e.frame); });
  ASSERT_TRUE(known.has_value());
  const auto& answer = std::get<link::KnownFrame>(known->frame).orders.at(0);
  ASSERT_TRUE(answer.result.has_value());
  EXPECT_EQ(answer.result->retcode, link::kRetcodeDone);
  EXPECT_EQ(answer.result->filled_volume, 0.1);
}

TEST_F(SimLinkTest, ASlowResultIsHeldBackWhileAQueryIsAnsweredFromHistory) {
  config_.instances[0].sim.slow_result_prob = 1.0;
  config_.instances[0].sim.slow_result_ms = kMaxSlowResultMs;  // far beyond this test
  start_sim();
  ASSERT_TRUE(wait_for(is_connected));
  const link::OrderFrame order = market_open("AbCdEfGhIjKlMnOpQrStUv.0");
  ASSERT_TRUE(server_->send("demo-1", order));
  ASSERT_TRUE(server_->send("demo-1", link::QueryFrame{{order.client_id}}));
  auto first = wait_for([](const link::LinkEvent& e) {
    return is_result(e) || std::holds_alternative<link::KnownFrame>(e.frame);
  });
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(std::holds_alternative<link::KnownFrame>(first->frame)) << "the result is still held back";
  const auto& answer = std::get<link::KnownFrame>(first->frame).orders.at(0);
  ASSERT_TRUE(answer.result.has_value());
  EXPECT_EQ(answer.result->retcode, link::kRetcodeDone);
}

TEST_F(SimLinkTest, UnknownInstanceIsAnError) {
  const Status st = run_sim(config_, "nope", options_, stop_);
  EXPECT_EQ(st.code(), Code::kNotFound);
  options_.reject_prob = 0.7;
  options_.requote_prob = 0.7;
  EXPECT_EQ(run_sim(config_, "demo-1", options_, stop_).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace mtg::sim
