// testkit::LinkProxy: forwards both ways, resets on kReset, holds everything on
// kBlackhole and delivers it on restore(). Needs no stack (an echo server of its own).
#include "testkit/link_proxy.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mtg::testkit {
namespace {

constexpr int kAnswerTimeoutMs = 10'000;  // generous: only a broken proxy waits this long
constexpr int kSilenceMs = 300;           // how long "nothing arrives" is observed

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Echoes every byte back, one thread per connection; counts the bytes it received.
class EchoServer {
 public:
  EchoServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = loopback(0);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] {
      for (;;) {
        const int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        workers_.emplace_back([this, c] { echo(c); });
      }
    });
  }
  ~EchoServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    acceptor_.join();
    for (auto& w : workers_) w.join();
  }
  int port() const { return port_; }
  int64_t received() const { return received_; }

 private:
  void echo(int c) {
    char buf[4096];
    for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;) {
      received_ += n;
      (void)!write(c, buf, static_cast<size_t>(n));
    }
    close(c);
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int64_t> received_{0};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

int dial(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback(port);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  return fd;
}

// Reads up to n bytes within timeout_ms. Empty on silence; "<eof>" when the peer closed
// or reset the connection.
std::string read_some(int fd, size_t n, int timeout_ms) {
  std::string out;
  while (out.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return out;
    char buf[256];
    const ssize_t got = read(fd, buf, std::min(sizeof buf, n - out.size()));
    if (got <= 0) return out + "<eof>";
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

std::string round_trip(int fd, const std::string& text) {
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  return read_some(fd, text.size(), kAnswerTimeoutMs);
}

TEST(LinkProxyTest, ForwardsBothWays) {
  EchoServer echo;
  LinkProxy proxy(echo.port());
  EXPECT_NE(proxy.port(), echo.port());
  const int a = dial(proxy.port());
  const int b = dial(proxy.port());
  EXPECT_EQ(round_trip(a, "hello"), "hello");
  EXPECT_EQ(round_trip(b, std::string(100'000, 'x')), std::string(100'000, 'x'));
  EXPECT_EQ(proxy.accepted(), 2);
  close(a);
  close(b);
}

TEST(LinkProxyTest, ResetClosesOpenConnectionsAndRefusesNewOnesUntilRestored) {
  EchoServer echo;
  LinkProxy proxy(echo.port());
  const int open = dial(proxy.port());
  ASSERT_EQ(round_trip(open, "ping"), "ping");
  proxy.cut(CutMode::kReset);
  EXPECT_EQ(proxy.mode(), CutMode::kReset);
  EXPECT_EQ(read_some(open, 1, kAnswerTimeoutMs), "<eof>");
  const int refused = dial(proxy.port());
  EXPECT_EQ(read_some(refused, 1, kAnswerTimeoutMs), "<eof>");
  proxy.restore();
  const int again = dial(proxy.port());
  EXPECT_EQ(round_trip(again, "back"), "back");
  for (int fd : {open, refused, again}) close(fd);
}

TEST(LinkProxyTest, BlackholeHoldsBytesSilentlyAndDeliversThemOnRestore) {
  EchoServer echo;
  LinkProxy proxy(echo.port());
  const int fd = dial(proxy.port());
  ASSERT_EQ(round_trip(fd, "one"), "one");
  proxy.cut(CutMode::kBlackhole);
  ASSERT_EQ(write(fd, "two", 3), 3);
  EXPECT_EQ(read_some(fd, 3, kSilenceMs), "");  // silence, not a close
  EXPECT_EQ(echo.received(), 3);                // "two" never reached the target
  const int during = dial(proxy.port());        // accepted, but goes nowhere
  proxy.restore();
  EXPECT_EQ(read_some(fd, 3, kAnswerTimeoutMs), "two");
  EXPECT_EQ(read_some(during, 1, kAnswerTimeoutMs), "<eof>");
  close(fd);
  close(during);
}

TEST(LinkProxyTest, TargetDownResetsTheClient) {
  int port = 0;
  {
    EchoServer gone;
    port = gone.port();
  }
  LinkProxy proxy(port);
  const int fd = dial(proxy.port());
  EXPECT_EQ(read_some(fd, 1, kAnswerTimeoutMs), "<eof>");
  close(fd);
}

}  // namespace
}  // namespace mtg::testkit
