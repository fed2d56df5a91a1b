// docs/requirements.md R6-4 and the connection-loss policy (§3.3, §5.1) on real processes:
// a terminal gone for longer than the disable threshold. Notifications at attempt 5
// (warning) and 10 (critical) reach a local webhook receiver, the instance's waiting
// signals are answered `dropped`, and the instance is enabled again once its terminal
// is back and reconciled. Intervals are shortened by configuration (200 ms per attempt).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "integration/system.h"
#include "prefs/prefs_store.h"
#include "testkit/eventually.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

// A minimal HTTP receiver on 127.0.0.1: answers 200 to every POST and keeps the bodies.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~WebhookReceiver() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  void serve() {
    while (!stop_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      size_t want = std::string::npos;
      while (want == std::string::npos || req.size() < want) {
        const ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
        const auto head_end = req.find("\r\n\r\n");
        const auto cl = req.find("Content-Length: ");
        if (head_end != std::string::npos && cl != std::string::npos) {
          want = head_end + 4 + std::stoul(req.substr(cl + 16));
        }
      }
      const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!write(c, ok.data(), ok.size());
      close(c);
      const auto head_end = req.find("\r\n\r\n");
      std::lock_guard lock(mu_);
      if (head_end != std::string::npos) bodies_.push_back(req.substr(head_end + 4));
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

using testkit::eventually;

size_t count_with(const std::vector<std::string>& bodies, const std::string& a, const std::string& b) {
  size_t n = 0;
  for (const auto& body : bodies) n += body.find(a) != std::string::npos && body.find(b) != std::string::npos;
  return n;
}

TEST(OutageTest, TerminalGoneBeyondTheThresholdIsNotifiedDroppedAndReenabledAfterReconciliation) {
  MTG_REQUIRE_STACK();
  WebhookReceiver hook;
  testkit::SystemOptions options;
  options.engine_toml = "attempt_interval_ms = 200\nnotify_after_attempts = 5\ndisable_after_attempts = 10\n";
  options.extra_toml = "[notify]\nwebhook_url = \"http://127.0.0.1:" + std::to_string(hook.port()) + "/hook\"\n";
  testkit::System sys(options);
  sys.start_engine();
  sys.start_sims();
  auto field = [&](const std::string& name) {
    auto r = sys.redis().command({"HGET", sys.config().redis.prefix + "ris:demo-1", name});
    return r && r->type == RedisReply::Type::kString ? r->str : std::string();
  };
  auto submit = [&](int n) {
    std::vector<std::string> payloads;
    std::set<std::string> uuids;
    for (int i = 0; i < n; ++i) {
      const std::string uuid = testkit::System::new_uuid();
      uuids.insert(uuid);
      payloads.push_back(sys.signal(uuid, 0, 0.1, SystemClock::instance().now_ms(), 600'000));
    }
    sys.submit(payloads);
    return uuids;
  };
  auto before = submit(3);
  ASSERT_TRUE(sys.wait_final(before, 30'000)) << sys.log_tail(sys.engine().log_path());

  sys.sim(0).kill9();  // the terminal of demo-1 is gone
  auto waiting = submit(4);
  ASSERT_TRUE(eventually([&] { return field("enabled") == "0"; }, 20'000)) << sys.log_tail(sys.engine().log_path());
  ASSERT_TRUE(sys.wait_final(waiting, 10'000));
  for (const auto& r : sys.results()) {
    if (waiting.count(r.uuid) && is_final(r.status)) {
      EXPECT_EQ(r.status, ResultStatus::kDropped) << r.reason;
    }
  }
  ASSERT_TRUE(eventually([&] { return count_with(hook.bodies(), "instance_disabled", "demo-1") == 1; }, 10'000));
  const auto bodies = hook.bodies();
  EXPECT_EQ(count_with(bodies, "link_lost", "\"warning\""), 1u);
  EXPECT_EQ(count_with(bodies, "instance_disabled", "\"critical\""), 1u);

  sys.sim(0).restart();  // back: reconciled, then enabled again
  ASSERT_TRUE(eventually([&] { return field("enabled") == "1"; }, 20'000)) << sys.log_tail(sys.engine().log_path());
  EXPECT_TRUE(eventually([&] { return count_with(hook.bodies(), "instance_enabled", "demo-1") == 1; }, 10'000));
  EXPECT_EQ(field("attempts"), "0");
  // The same notifications are kept as records in Redis.
  auto records = sys.redis().command({"XRANGE", sys.config().redis.prefix + "notifications", "-", "+"});
  ASSERT_TRUE(records.is_ok());
  std::vector<std::string> kept;
  for (const auto& e : records->elements) kept.push_back(e.elements[1].elements[1].str);
  EXPECT_EQ(count_with(kept, "link_lost", "demo-1"), 1u);
  EXPECT_EQ(count_with(kept, "instance_disabled", "demo-1"), 1u);
  EXPECT_EQ(count_with(kept, "instance_enabled", "demo-1"), 1u);
  auto after = submit(3);
  ASSERT_TRUE(sys.wait_final(after, 30'000));
  for (const auto& r : sys.results()) {
    if (after.count(r.uuid) && is_final(r.status)) {
      EXPECT_EQ(r.status, ResultStatus::kFilled) << r.reason;
    }
  }
}

// The webhook URLs of the user preferences get the same notifications, set while the
// engine runs (no [notify] webhook_url in the configuration).
TEST(OutageTest, PreferredWebhooksReceiveNotificationsWithoutARestart) {
  MTG_REQUIRE_STACK();
  WebhookReceiver hook;
  testkit::SystemOptions options;
  options.engine_toml = "attempt_interval_ms = 200\nnotify_after_attempts = 5\ndisable_after_attempts = 10\n";
  testkit::System sys(options);
  sys.start_engine();
  sys.start_sims();
  PrefsStore prefs(sys.redis(), sys.config().redis.prefix, sys.config().prefs_file);
  ASSERT_TRUE(prefs.set("notify.webhook_urls", "[\"http://127.0.0.1:" + std::to_string(hook.port()) + "/hook\"]").is_ok());
  sys.sim(0).kill9();
  ASSERT_TRUE(eventually([&] { return count_with(hook.bodies(), "instance_disabled", "demo-1") == 1; }, 30'000))
      << sys.log_tail(sys.engine().log_path());
  EXPECT_EQ(count_with(hook.bodies(), "link_lost", "demo-1"), 1u);
}

}  // namespace
}  // namespace mtg
