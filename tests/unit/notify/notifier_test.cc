#include "notify/notifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "fake_sinks.h"
#include "notify/log_sink.h"

namespace mtg::notify {
namespace {

using testing::GatedSink;
using testing::RecordingSink;

// Generous: only a guard against a hung test, never a performance threshold.
constexpr int64_t kFlushTimeoutMs = 30'000;

Notification link_lost(const std::string& instance, const std::string& msg = "link lost") {
  return Notification{0, Severity::kWarning, instance, "link_lost", msg};
}

struct Harness {
  explicit Harness(NotifierOptions options = {}, bool fail = false) {
    auto sink = std::make_unique<RecordingSink>(fail);
    recorder = sink.get();
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(sink));
    notifier = std::make_unique<Notifier>(clock, std::move(sinks), options);
  }
  ManualClock clock;
  RecordingSink* recorder = nullptr;
  std::unique_ptr<Notifier> notifier;
};

TEST(NotificationTest, ToJsonHasEveryField) {
  const Notification n{1763900000000, Severity::kCritical, "demo-1", "instance_disabled", "10 reconnects"};
  const auto j = nlohmann::json::parse(to_json(n));
  EXPECT_EQ(j["ts_ms"], 1763900000000);
  EXPECT_EQ(j["severity"], "critical");
  EXPECT_EQ(j["instance"], "demo-1");
  EXPECT_EQ(j["kind"], "instance_disabled");
  EXPECT_EQ(j["message"], "10 reconnects");
  EXPECT_NO_THROW(nlohmann::json::parse(to_json({0, Severity::kInfo, "x", "k", "bad \xff utf8"})));
}

TEST(NotifierTest, BurstPassesRestSuppressedAndCountReportedAfterWindow) {
  Harness h;
  for (int i = 0; i < 10; ++i) h.notifier->notify(link_lost("demo-1"));
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  EXPECT_EQ(h.recorder->seen().size(), 3u);
  EXPECT_EQ(h.notifier->stats().suppressed, 7);

  h.clock.advance_ms(59'999);
  h.notifier->notify(link_lost("demo-1"));
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  EXPECT_EQ(h.recorder->seen().size(), 3u);  // still inside the window

  h.clock.advance_ms(1);
  h.notifier->notify(link_lost("demo-1", "link lost again"));
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  const auto seen = h.recorder->seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen.back().message, "link lost again (8 similar suppressed)");
  h.notifier->notify(link_lost("demo-1", "plain"));
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  EXPECT_EQ(h.recorder->seen().back().message, "plain");
}

TEST(NotifierTest, LimitsAreIndependentPerInstanceAndKind) {
  Harness h;
  for (int i = 0; i < 5; ++i) {
    h.notifier->notify(link_lost("demo-1"));
    h.notifier->notify(link_lost("demo-2"));
    h.notifier->notify({0, Severity::kCritical, "demo-1", "instance_disabled", "off"});
  }
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  EXPECT_EQ(h.recorder->seen().size(), 9u);
  EXPECT_EQ(h.notifier->stats().suppressed, 6);
}

TEST(NotifierTest, FillsMissingTimestampFromTheClock) {
  Harness h;
  h.notifier->notify(link_lost("demo-1"));
  h.notifier->notify({42, Severity::kInfo, "demo-1", "instance_enabled", "on"});
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  const auto seen = h.recorder->seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].ts_ms, h.clock.now_ms());
  EXPECT_EQ(seen[1].ts_ms, 42);
}

TEST(NotifierTest, FullQueueDropsTheOldestAndCountsThem) {
  ManualClock clock;
  auto gated = std::make_unique<GatedSink>();
  GatedSink* gate = gated.get();
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::move(gated));
  NotifierOptions options;
  options.queue_limit = 10;
  options.rate_limit.burst = 1000;
  Notifier notifier(clock, std::move(sinks), options);

  notifier.notify(link_lost("demo-1", "m0"));
  gate->wait_until_delivery_blocked();  // m0 is in the sink; the queue is empty
  for (int i = 1; i <= 15; ++i) notifier.notify(link_lost("demo-1", "m" + std::to_string(i)));
  EXPECT_EQ(notifier.stats().dropped, 5);
  gate->open();
  ASSERT_TRUE(notifier.flush(kFlushTimeoutMs));
  const auto seen = gate->seen();
  ASSERT_EQ(seen.size(), 11u);
  EXPECT_EQ(seen[0].message, "m0");
  EXPECT_EQ(seen[1].message, "m6");  // m1..m5 were the oldest and were dropped
  EXPECT_EQ(seen.back().message, "m15");
  EXPECT_EQ(notifier.stats().delivered, 11);
}

TEST(NotifierTest, NotifyDoesNotWaitForASlowSink) {
  ManualClock clock;
  auto gated = std::make_unique<GatedSink>();
  GatedSink* gate = gated.get();
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::move(gated));
  Notifier notifier(clock, std::move(sinks));
  notifier.notify(link_lost("demo-1"));
  gate->wait_until_delivery_blocked();
  notifier.notify(link_lost("demo-2"));  // returns although the sink is stuck
  EXPECT_FALSE(notifier.flush(0));
  gate->open();
  ASSERT_TRUE(notifier.flush(kFlushTimeoutMs));
  EXPECT_EQ(gate->seen().size(), 2u);
}

TEST(NotifierTest, FailingSinkIsCountedAndOtherSinksStillReceive) {
  ManualClock clock;
  auto failing = std::make_unique<RecordingSink>(true);
  auto good = std::make_unique<RecordingSink>(false);
  RecordingSink* good_ptr = good.get();
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::move(failing));
  sinks.push_back(std::make_unique<LogSink>());
  sinks.push_back(std::move(good));
  Notifier notifier(clock, std::move(sinks));
  notifier.notify(link_lost("demo-1"));
  notifier.notify(link_lost("demo-2"));
  ASSERT_TRUE(notifier.flush(kFlushTimeoutMs));
  EXPECT_EQ(good_ptr->seen().size(), 2u);
  EXPECT_EQ(notifier.stats().sink_failures, 2);
  EXPECT_EQ(notifier.stats().delivered, 2);
}

TEST(NotifierTest, ConcurrentCallersAreAllAccountedFor) {
  NotifierOptions options;
  options.rate_limit.burst = 5;
  Harness h(options);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < kPerThread; ++i) h.notifier->notify(link_lost("inst-" + std::to_string(t)));
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  const NotifierStats s = h.notifier->stats();
  EXPECT_EQ(s.accepted, kThreads * 5);
  EXPECT_EQ(s.accepted + s.suppressed, kThreads * kPerThread);
  EXPECT_EQ(h.recorder->seen().size(), static_cast<size_t>(kThreads * 5));
}

TEST(NotifierTest, OversizedMessageIsTruncated) {
  Harness h;
  h.notifier->notify(link_lost("demo-1", std::string(100'000, 'x')));
  ASSERT_TRUE(h.notifier->flush(kFlushTimeoutMs));
  EXPECT_EQ(h.recorder->seen().at(0).message.size(), kMaxMessageBytes);
}

TEST(RateLimiterTest, FullKeyTablePrunesExpiredWindowsThenSuppresses) {
  RateLimiter limiter({1, 100, 2});
  EXPECT_TRUE(limiter.admit("a", "k", 0).allow);
  EXPECT_TRUE(limiter.admit("b", "k", 0).allow);
  EXPECT_FALSE(limiter.admit("c", "k", 50).allow);
  EXPECT_EQ(limiter.overflow_suppressed(), 1);
  EXPECT_TRUE(limiter.admit("c", "k", 100).allow);  // a and b expired and were pruned
  EXPECT_LE(limiter.tracked_keys(), 2u);
}

}  // namespace
}  // namespace mtg::notify
