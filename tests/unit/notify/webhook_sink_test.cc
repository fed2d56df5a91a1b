#include "notify/webhook_sink.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <thread>

#include "fake_sinks.h"

namespace mtg::notify {
namespace {

using testing::FakePoster;

const Notification kEvent{1763900000000, Severity::kCritical, "demo-1", "instance_disabled",
                          "disabled after 10 reconnect attempts"};

struct WebhookHarness {
  WebhookHarness(int failures, int fail_code, int max_attempts) {
    auto fake = std::make_unique<FakePoster>(failures, fail_code);
    poster = fake.get();
    sink = std::make_unique<WebhookSink>(
        WebhookOptions{"https://hooks.example.com/T000/secret-token", 2'000, max_attempts, 100},
        std::move(fake), [this](int64_t ms) { sleeps_ms.push_back(ms); });
  }
  FakePoster* poster = nullptr;
  std::vector<int64_t> sleeps_ms;
  std::unique_ptr<WebhookSink> sink;
};

TEST(WebhookSinkTest, FailsTwiceThenDeliversOnTheThirdAttempt) {
  WebhookHarness h(2, 0, 5);
  const Status st = h.sink->deliver(kEvent);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(h.poster->attempts(), 3);
  EXPECT_EQ(h.poster->last_body(), to_json(kEvent));
  EXPECT_EQ(h.poster->last_timeout_ms(), 2'000);
  EXPECT_EQ(h.sleeps_ms, (std::vector<int64_t>{100, 200}));
}

TEST(WebhookSinkTest, Non2xxAnswersAreRetried) {
  WebhookHarness h(1, 503, 3);
  ASSERT_TRUE(h.sink->deliver(kEvent).is_ok());
  EXPECT_EQ(h.poster->attempts(), 2);
}

TEST(WebhookSinkTest, GivesUpAfterMaxAttemptsWithoutLeakingTheUrl) {
  WebhookHarness h(1000, 500, 4);
  const Status st = h.sink->deliver(kEvent);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_EQ(h.poster->attempts(), 4);
  EXPECT_EQ(h.sleeps_ms.size(), 3u);
  EXPECT_NE(st.message().find("HTTP 500"), std::string::npos);
  EXPECT_EQ(st.message().find("secret-token"), std::string::npos);
  EXPECT_EQ(h.sink->name(), "webhook(https://hooks.example.com)");
}

TEST(WebhookSinkTest, AttemptsAreBounded) {
  WebhookHarness h(1000, 0, 1'000'000);
  EXPECT_FALSE(h.sink->deliver(kEvent).is_ok());
  EXPECT_EQ(h.poster->attempts(), kMaxWebhookAttempts);
  for (int64_t ms : h.sleeps_ms) EXPECT_LE(ms, kMaxWebhookBackoffMs);
}

TEST(WebhookSinkTest, RedactUrlKeepsOnlySchemeHostAndPort) {
  EXPECT_EQ(redact_url("http://user:pw@10.0.0.1:8080/hook?token=x"), "http://10.0.0.1:8080");
  EXPECT_EQ(redact_url("https://example.com"), "https://example.com");
  EXPECT_EQ(redact_url("example.com/path"), "example.com");
}

// Never hang the test run if the client misbehaves (a guard, not a timing assertion).
constexpr timeval kGuard{30, 0};

// A one-shot HTTP server on 127.0.0.1:<ephemeral>: accepts one connection, reads one
// request (headers + Content-Length body) and answers 200.
class OneShotHttpServer {
 public:
  OneShotHttpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    auto* sa = reinterpret_cast<sockaddr*>(&addr);
    EXPECT_EQ(::bind(listen_fd_, sa, sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 1), 0);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(listen_fd_, sa, &len), 0);
    port_ = ntohs(addr.sin_port);
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_RCVTIMEO, &kGuard, sizeof kGuard);  // bounds accept()
    thread_ = std::thread([this] { serve_one(); });
  }
  ~OneShotHttpServer() {
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  // The raw request; call after the client finished.
  std::string wait_request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void serve_one() {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &kGuard, sizeof kGuard);
    char buf[4096];
    while (!complete()) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<size_t>(n));
    }
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    EXPECT_EQ(::write(fd, reply.data(), reply.size()), static_cast<ssize_t>(reply.size()));
    ::close(fd);
  }
  bool complete() const {
    const auto end = request_.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const auto cl = request_.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) return true;
    const size_t body_len = std::stoul(request_.substr(cl + 16));
    return request_.size() >= end + 4 + body_len;
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(WebhookSinkTest, RealCurlPostReachesALoopbackReceiver) {
  OneShotHttpServer server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/hooks/mtguard";
  WebhookSink sink(WebhookOptions{url, 10'000, 1, 0});
  const Status st = sink.deliver(kEvent);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  const std::string request = server.wait_request();
  EXPECT_EQ(request.rfind("POST /hooks/mtguard HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Content-Type: application/json\r\n"), std::string::npos);
  const std::string body = request.substr(request.find("\r\n\r\n") + 4);
  EXPECT_EQ(body, to_json(kEvent));
}

}  // namespace
}  // namespace mtg::notify
