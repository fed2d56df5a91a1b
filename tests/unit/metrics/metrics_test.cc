#include "metrics/metrics_server.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "metrics/families.h"
#include "metrics/notification_counter.h"
#include "testkit/http_get.h"
#include "testkit/metrics_text.h"

namespace mtg::metrics {
namespace {

TEST(MetricsServerTest, ServesTheRegistryInTheTextFormatOnLoopback) {
  auto server = MetricsServer::start("127.0.0.1:0");
  ASSERT_TRUE(server.is_ok()) << server.status().to_string();
  ASSERT_GT((*server)->port(), 0);
  auto& family = prometheus::BuildGauge()
                     .Name("mtguard_test_depth")
                     .Help("a test gauge")
                     .Register((*server)->registry());
  family.Add({{"kind", "redis"}}).Set(7);
  auto answer = testkit::http_get("http://127.0.0.1:" + std::to_string((*server)->port()) + "/metrics");
  ASSERT_TRUE(answer.is_ok()) << answer.status().to_string();
  EXPECT_EQ(answer->status, 200);
  auto text = testkit::MetricsText::parse(answer->body);
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  EXPECT_EQ(text->type("mtguard_test_depth"), "gauge");
  EXPECT_EQ(text->value("mtguard_test_depth", {{"kind", "redis"}}), 7.0);
}

TEST(MetricsServerTest, AnEmptyAddressKeepsTheRegistryWithoutAnEndpoint) {
  auto server = MetricsServer::start("");
  ASSERT_TRUE(server.is_ok()) << server.status().to_string();
  EXPECT_EQ((*server)->port(), 0);
  prometheus::BuildCounter()
      .Name("mtguard_test_total")
      .Help("h")
      .Register((*server)->registry())
      .Add({})
      .Increment();
}

TEST(MetricsServerTest, ATakenPortIsUnavailableNamingTheAddress) {
  auto first = MetricsServer::start("127.0.0.1:0");
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  const std::string address = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = MetricsServer::start(address);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  EXPECT_NE(second.status().message().find(address), std::string::npos) << second.status().message();
}

TEST(MetricsServerTest, MoreThanOneAddressIsRefused) {
  auto two = MetricsServer::start("127.0.0.1:0,127.0.0.1:0");
  ASSERT_FALSE(two.is_ok());
  EXPECT_EQ(two.status().code(), Code::kInvalidArgument);
}

// A process restarted at once (systemd's Restart=always) gets its port back right after
// it served a scrape (civetweb binds with SO_REUSEADDR).
TEST(MetricsServerTest, ARestartedServerBindsItsPortAgainAfterAScrape) {
  std::string address;
  {
    auto first = MetricsServer::start("127.0.0.1:0");
    ASSERT_TRUE(first.is_ok()) << first.status().to_string();
    address = "127.0.0.1:" + std::to_string((*first)->port());
    auto answer = testkit::http_get("http://" + address + "/metrics");
    ASSERT_TRUE(answer.is_ok()) << answer.status().to_string();
  }
  auto again = MetricsServer::start(address);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
}

TEST(NotificationCounterTest, CountsWhatWasSentByKindAndSeverity) {
  prometheus::Registry registry;
  auto sinks = notification_sinks(registry);
  ASSERT_EQ(sinks.size(), 1u);
  for (const char* kind : {"link_lost", "link_lost", "instance_disabled"}) {
    const auto severity = std::string(kind) == "link_lost" ? notify::Severity::kWarning : notify::Severity::kCritical;
    ASSERT_TRUE(sinks[0]->deliver({0, severity, "demo-1", kind, "m"}).is_ok());
  }
  auto text = testkit::MetricsText::parse(prometheus::TextSerializer().Serialize(registry.Collect()));
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  EXPECT_EQ(text->value("mtguard_notifications_total", {{"kind", "link_lost"}, {"severity", "warning"}}), 2.0);
  EXPECT_EQ(text->value("mtguard_notifications_total", {{"kind", "instance_disabled"}, {"severity", "critical"}}), 1.0);
  EXPECT_EQ(text->sum("mtguard_notifications_total"), 3.0);
}

TEST(CounterTotalTest, AdvancesTheCounterByWhatTheTotalGained) {
  prometheus::Registry registry;
  auto& counter = prometheus::BuildCounter().Name("mtguard_test_total").Help("h").Register(registry).Add({});
  advance_to(counter, 0);
  EXPECT_EQ(counter.Value(), 0);
  advance_to(counter, 5);
  advance_to(counter, 5);
  advance_to(counter, 12);
  EXPECT_EQ(counter.Value(), 12);
}

TEST(CounterTotalDeathTest, ATotalThatShrankStopsTheProcess) {
  prometheus::Registry registry;
  auto& counter = prometheus::BuildCounter().Name("mtguard_test_total").Help("h").Register(registry).Add({});
  advance_to(counter, 3);
  EXPECT_DEATH(advance_to(counter, 2), "");
}

}  // namespace
}  // namespace mtg::metrics
