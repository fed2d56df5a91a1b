#include "link/link_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <optional>

#include "crypto/certificate.h"
#include "link/codec.h"
#include "link/link_client.h"
#include "link/tls.h"
#include "link/token_compare.h"
#include "testkit/temp_dir.h"

namespace mtg::link {
namespace {

constexpr int kMaxPumps = 400;  // poll rounds before a test gives up waiting

// A terminal played by hand over a blocking loopback socket.
class RawPeer {
 public:
  explicit RawPeer(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};  // a safety net so a broken test fails instead of hanging
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawPeer() { ::close(fd_); }
  bool connected() const { return connected_; }
  // True when the server has sent something (or closed) that read() would get now.
  bool readable() const {
    char c;
    return !buf_.empty() || ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
  }

  void send_raw(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  void send(const Frame& f) { send_raw(encode(f)); }

  // The next frame from the server, nullopt at EOF (or after the safety timeout).
  std::optional<Frame> read() {
    for (;;) {
      const size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        auto f = decode(line);
        EXPECT_TRUE(f.is_ok()) << line;
        if (!f.is_ok()) return std::nullopt;
        return *f;
      }
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return std::nullopt;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  // The reason of the error frame the server sent before closing ("" if none).
  std::string read_error() {
    for (int i = 0; i < 100; ++i) {
      auto f = read();
      if (!f) return "";
      if (auto* e = std::get_if<ErrorFrame>(&*f)) return e->reason;
    }
    return "";
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string buf_;
};

class LinkServerTest : public ::testing::Test {
 protected:
  void start(const Clock& clock, LinkLimits limits = {}, int port = 0,
             std::shared_ptr<const TlsContext> tls = nullptr) {
    auto s = LinkServer::listen("127.0.0.1", port, [this](const std::string& i, const std::string& t) {
      auto it = tokens_.find(i);
      return it != tokens_.end() && tokens_equal(it->second, t);
    }, clock, limits, std::move(tls));
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    server_ = std::move(*s);
    ASSERT_GT(server_->port(), 0);
  }

  // Polls until pred(events so far) holds; all events are kept in events_.
  bool pump_until(const std::function<bool()>& pred) {
    for (int i = 0; i < kMaxPumps && !pred(); ++i) server_->poll(10, events_);
    return pred();
  }
  size_t count(LinkEvent::Kind kind, const std::string& instance) const {
    size_t n = 0;
    for (const auto& e : events_) n += (e.kind == kind && e.instance == instance) ? 1 : 0;
    return n;
  }
  std::unique_ptr<RawPeer> connect_as(const std::string& instance) {
    auto peer = std::make_unique<RawPeer>(server_->port());
    EXPECT_TRUE(peer->connected());
    const size_t before = count(LinkEvent::Kind::kConnected, instance);
    peer->send(Hello{1, instance, tokens_.at(instance), "test/1", true});
    EXPECT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kConnected, instance) > before; }));
    auto welcome = peer->read();
    EXPECT_TRUE(welcome && std::holds_alternative<Welcome>(*welcome));
    return peer;
  }

  std::map<std::string, std::string> tokens_{{"demo-1", "token-one"}, {"demo-2", "token-two"}};
  std::unique_ptr<LinkServer> server_;
  std::vector<LinkEvent> events_;
  SystemClock& system_clock_ = SystemClock::instance();
};

TEST_F(LinkServerTest, HandshakeThenFramesBothWays) {
  start(system_clock_);
  auto peer = connect_as("demo-1");
  EXPECT_TRUE(server_->is_connected("demo-1"));
  EXPECT_FALSE(server_->is_connected("demo-2"));
  OrderFrame order{"AbCdEfGhIjKlMnOpQrStUv.0", "u-1", 0, "EURUSD", Side::kBuy, OrderType::kMarket, 0.1, 0, 0, 0, 1};
  ASSERT_TRUE(server_->send("demo-1", order));
  auto got = peer->read();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(std::get<OrderFrame>(*got), order);
  ResultFrame result{order.client_id, "u-1", 0, 10009, 0.1, 1.1, 7, 8, ""};
  peer->send(result);
  ASSERT_TRUE(pump_until([&] { return !events_.empty() && events_.back().kind == LinkEvent::Kind::kFrame; }));
  EXPECT_EQ(std::get<ResultFrame>(events_.back().frame), result);
  EXPECT_EQ(events_.back().instance, "demo-1");
}

TEST_F(LinkServerTest, WrongTokenIsRejectedWithAnErrorFrame) {
  start(system_clock_);
  RawPeer peer(server_->port());
  peer.send(Hello{1, "demo-1", "token-two", "test/1", true});
  ASSERT_TRUE(pump_until([&] { return peer.readable(); }));
  EXPECT_EQ(peer.read_error(), "authentication failed");
  EXPECT_EQ(count(LinkEvent::Kind::kConnected, "demo-1"), 0u);
  EXPECT_FALSE(server_->is_connected("demo-1"));
  RawPeer unknown(server_->port());
  unknown.send(Hello{1, "nobody", "x", "test/1", true});
  ASSERT_TRUE(pump_until([&] { return unknown.readable(); }));
  EXPECT_EQ(unknown.read_error(), "authentication failed");
}

TEST_F(LinkServerTest, AVersionBelowTheOldestServedIsRejected) {
  start(system_clock_);
  RawPeer peer(server_->port());
  peer.send(Hello{0, "demo-1", "token-one", "test/1", true});
  ASSERT_TRUE(pump_until([&] { return peer.readable(); }));
  EXPECT_EQ(peer.read_error(), "unsupported protocol version 0");
}

TEST_F(LinkServerTest, EachTerminalIsWelcomedInTheVersionBothSpeak) {
  start(system_clock_);
  for (int offered : {1, 2, 7}) {
    RawPeer peer(server_->port());
    peer.send(Hello{offered, "demo-1", "token-one", "test/1", true});
    ASSERT_TRUE(pump_until([&] { return !events_.empty() && events_.back().kind == LinkEvent::Kind::kConnected; }));
    auto frame = peer.read();
    ASSERT_TRUE(frame.has_value());
    ASSERT_TRUE(std::holds_alternative<Welcome>(*frame)) << frame_type(*frame);
    EXPECT_EQ(std::get<Welcome>(*frame).version, std::min(offered, kProtocolVersion));
    EXPECT_EQ(events_.back().version, std::min(offered, kProtocolVersion));
    events_.clear();
  }
}

TEST_F(LinkServerTest, NoHelloWithinTimeoutCloses) {
  ManualClock clock;
  start(clock);
  RawPeer peer(server_->port());
  ASSERT_TRUE(pump_until([&] { return server_->connection_count() == 1; }));
  clock.advance_ms(4999);
  server_->poll(0, events_);
  EXPECT_EQ(server_->connection_count(), 1u);
  clock.advance_ms(1);
  server_->poll(0, events_);
  EXPECT_EQ(peer.read_error(), "no hello within 5000 ms");
}

TEST_F(LinkServerTest, FrameBeforeHelloCloses) {
  start(system_clock_);
  RawPeer peer(server_->port());
  peer.send(Heartbeat{1, true});
  ASSERT_TRUE(pump_until([&] { return peer.readable(); }));
  EXPECT_EQ(peer.read_error(), "protocol error: expected hello, got heartbeat");
}

TEST_F(LinkServerTest, GarbageClosesOnlyThatConnection) {
  start(system_clock_);
  auto bad = connect_as("demo-1");
  auto good = connect_as("demo-2");
  bad->send_raw("this is not json\n");
  ASSERT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kDisconnected, "demo-1") == 1; }));
  EXPECT_EQ(bad->read_error(), "protocol error: not valid JSON");
  EXPECT_FALSE(server_->is_connected("demo-1"));
  EXPECT_TRUE(server_->is_connected("demo-2"));
  ASSERT_TRUE(server_->send("demo-2", PositionsRequest{}));
  auto got = good->read();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(std::holds_alternative<PositionsRequest>(*got));
}

TEST_F(LinkServerTest, OverLongLineAndUnexpectedTypeClose) {
  start(system_clock_);
  auto longer = connect_as("demo-1");
  longer->send_raw(std::string(kMaxLineBytes + 10, 'x'));
  ASSERT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kDisconnected, "demo-1") == 1; }));
  EXPECT_EQ(longer->read_error(), "protocol error: line longer than 65536 bytes");
  auto wrong = connect_as("demo-2");
  wrong->send(QueryFrame{{"x.0"}});
  ASSERT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kDisconnected, "demo-2") == 1; }));
  EXPECT_EQ(wrong->read_error(), "protocol error: unexpected frame type query");
}

TEST_F(LinkServerTest, OverRateCloses) {
  ManualClock clock;  // frozen: the bucket never refills
  LinkLimits limits;
  limits.burst_frames = 50;
  start(clock, limits);
  auto peer = connect_as("demo-1");
  std::string flood;
  for (int i = 0; i < 49; ++i) flood += encode(Heartbeat{i, true});  // hello took one token
  peer->send_raw(flood);
  ASSERT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kFrame, "demo-1") == 49; }));
  EXPECT_TRUE(server_->is_connected("demo-1"));
  peer->send(Heartbeat{50, true});
  ASSERT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kDisconnected, "demo-1") == 1; }));
  EXPECT_EQ(peer->read_error(), "rate limit exceeded");
}

TEST_F(LinkServerTest, SecondConnectionReplacesTheFirst) {
  start(system_clock_);
  auto first = connect_as("demo-1");
  auto second = connect_as("demo-1");
  EXPECT_EQ(first->read_error(), "replaced");
  EXPECT_EQ(count(LinkEvent::Kind::kDisconnected, "demo-1"), 1u);
  EXPECT_EQ(count(LinkEvent::Kind::kConnected, "demo-1"), 2u);
  EXPECT_EQ(events_[events_.size() - 2].kind, LinkEvent::Kind::kDisconnected);
  EXPECT_EQ(events_.back().kind, LinkEvent::Kind::kConnected);
  EXPECT_TRUE(server_->is_connected("demo-1"));
  ASSERT_TRUE(server_->send("demo-1", PositionsRequest{}));
  auto got = second->read();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(std::holds_alternative<PositionsRequest>(*got));
}

TEST_F(LinkServerTest, SendsHeartbeatsAndDropsASilentTerminal) {
  ManualClock clock;
  start(clock);
  auto peer = connect_as("demo-1");
  clock.advance_ms(1000);
  server_->poll(0, events_);
  auto hb = peer->read();
  ASSERT_TRUE(hb.has_value());
  EXPECT_EQ(std::get<Heartbeat>(*hb).ts, clock.now_ms());
  peer->send(Heartbeat{1, false});  // keeps it alive for another 5 heartbeats
  ASSERT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kFrame, "demo-1") == 1; }));
  EXPECT_EQ(std::get<Heartbeat>(events_.back().frame).broker_connected, false);
  clock.advance_ms(4999);
  server_->poll(0, events_);
  EXPECT_TRUE(server_->is_connected("demo-1"));
  clock.advance_ms(1);
  server_->poll(0, events_);
  EXPECT_FALSE(server_->is_connected("demo-1"));
  ASSERT_EQ(count(LinkEvent::Kind::kDisconnected, "demo-1"), 1u);
  EXPECT_EQ(events_.back().reason, "heartbeat timeout");
  EXPECT_FALSE(server_->send("demo-1", PositionsRequest{}));
}

TEST_F(LinkServerTest, TerminalThatDoesNotReadIsDisconnected) {
  LinkLimits limits;
  limits.max_output_bytes = kMaxLineBytes;
  start(system_clock_, limits);
  auto peer = connect_as("demo-1");  // and never reads again
  const OrderFrame order{"AbCdEfGhIjKlMnOpQrStUv.0", "u-1", 0, "EURUSD", Side::kBuy, OrderType::kMarket, 0.1, 0, 0, 0, 1};
  constexpr int kMaxSends = 200'000;  // far more than the kernel buffers plus our queue hold
  int sent = 0;
  while (sent < kMaxSends && server_->send("demo-1", order)) ++sent;
  EXPECT_LT(sent, kMaxSends);
  EXPECT_FALSE(server_->is_connected("demo-1"));
  server_->poll(0, events_);
  ASSERT_EQ(count(LinkEvent::Kind::kDisconnected, "demo-1"), 1u);
  EXPECT_EQ(events_.back().reason, "output queue full (terminal not reading)");
}

TEST_F(LinkServerTest, PeerCloseIsADisconnect) {
  start(system_clock_);
  auto peer = connect_as("demo-1");
  peer.reset();
  ASSERT_TRUE(pump_until([&] { return count(LinkEvent::Kind::kDisconnected, "demo-1") == 1; }));
  EXPECT_TRUE(pump_until([&] { return server_->connection_count() == 0; }));
}

TEST_F(LinkServerTest, WakeReturnsABlockedPoll) {
  start(system_clock_);
  server_->wake();
  server_->poll(60'000, events_);  // returns at once, or the test times out
  EXPECT_TRUE(events_.empty());
}

TEST_F(LinkServerTest, ClientPassesTheEnginesRequestsOnAndReconnectsAfterTheServerDrops) {
  start(system_clock_);
  LinkClientOptions options;
  options.port = server_->port();
  options.instance = "demo-1";
  options.token = "token-one";
  options.reconnect_min_ms = 10;
  LinkClient client(options, system_clock_);
  std::vector<Frame> got;
  auto pump_both = [&](const std::function<bool()>& pred) {
    for (int i = 0; i < kMaxPumps && !pred(); ++i) {
      client.poll(5, got);
      if (server_ != nullptr) server_->poll(5, events_);
    }
    return pred();
  };
  ASSERT_TRUE(pump_both([&] { return client.state() == LinkClient::State::kReady && server_->is_connected("demo-1"); }));
  ASSERT_TRUE(server_->send("demo-1", QueryFrame{{"a.0"}}));
  ASSERT_TRUE(pump_both([&] { return !got.empty(); }));
  EXPECT_EQ(std::get<QueryFrame>(got[0]).client_ids, std::vector<std::string>{"a.0"});
  ASSERT_TRUE(server_->send("demo-1", EventAck{{"deal:4711"}}));
  ASSERT_TRUE(pump_both([&] { return got.size() == 2; }));
  EXPECT_EQ(std::get<EventAck>(got[1]).ids, std::vector<std::string>{"deal:4711"});
  ASSERT_TRUE(client.send(KnownFrame{{KnownOrder{"a.0", std::nullopt}}}));
  ASSERT_TRUE(pump_both([&] { return count(LinkEvent::Kind::kFrame, "demo-1") >= 1; }));
  const int port = server_->port();
  server_.reset();  // the engine goes away
  ASSERT_TRUE(pump_both([&] { return client.state() != LinkClient::State::kReady; }));
  EXPECT_EQ(client.sessions(), 1);
  start(system_clock_, LinkLimits{}, port);  // the engine is back on the same port
  ASSERT_TRUE(pump_both([&] { return client.sessions() == 2 && server_->is_connected("demo-1"); }));
  EXPECT_EQ(client.state(), LinkClient::State::kReady);
}

// ---- the link over TLS, and the limits against a hostile network ----------------------

// A self-signed certificate and key in a temporary directory, valid from `from_s` for
// `valid_s` seconds (Unix time).
struct TestCertificate {
  TestCertificate(int64_t from_s, int64_t valid_s) {
    auto made = crypto::create_self_signed_certificate(dir.file("link.crt"), dir.file("link.key"),
                                                       {"test engine", from_s, from_s + valid_s});
    EXPECT_TRUE(made.is_ok()) << made.status().to_string();
    if (made.is_ok()) info = *made;
  }
  std::shared_ptr<const TlsContext> server_context() const {
    auto ctx = TlsContext::server(dir.file("link.crt"), dir.file("link.key"));
    EXPECT_TRUE(ctx.is_ok()) << ctx.status().to_string();
    return ctx.is_ok() ? *ctx : nullptr;
  }
  testkit::TempDir dir;
  crypto::CertificateInfo info;
};

int64_t now_s() { return SystemClock::instance().now_ms() / 1000; }

class LinkTlsTest : public LinkServerTest {
 protected:
  LinkClientOptions client_options(const std::string& instance, const std::string& thumbprint) const {
    LinkClientOptions options;
    options.port = server_->port();
    options.instance = instance;
    options.token = tokens_.at(instance);
    options.reconnect_min_ms = 10;
    options.reconnect_max_ms = 20;
    options.tls_thumbprint = thumbprint;
    return options;
  }
  // Polls the server and the clients until pred holds.
  bool pump_all(std::vector<LinkClient*> clients, const std::function<bool()>& pred) {
    std::vector<Frame> got;
    for (int i = 0; i < kMaxPumps && !pred(); ++i) {
      for (LinkClient* c : clients) c->poll(2, got);
      server_->poll(2, events_);
    }
    return pred();
  }
};

TEST_F(LinkTlsTest, APinnedTerminalIsServedOverTls) {
  const TestCertificate cert(now_s() - 60, 86'400);
  start(system_clock_, LinkLimits{}, 0, cert.server_context());
  // Pasted as people do: upper case, with colons.
  std::string pasted;
  for (size_t i = 0; i < cert.info.thumbprint_sha256.size(); i += 2) {
    pasted += (i > 0 ? ":" : "") + cert.info.thumbprint_sha256.substr(i, 2);
  }
  for (char& c : pasted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  LinkClient client(client_options("demo-1", pasted), system_clock_);
  ASSERT_TRUE(pump_all({&client}, [&] {
    return server_->is_connected("demo-1") && client.state() == LinkClient::State::kReady;
  })) << client.last_error();
  ASSERT_TRUE(server_->send("demo-1", QueryFrame{{"a.0"}}));
  ASSERT_TRUE(client.send(KnownFrame{{KnownOrder{"a.0", std::nullopt}}}));
  EXPECT_TRUE(pump_all({&client}, [&] { return count(LinkEvent::Kind::kFrame, "demo-1") >= 1; }));
}

TEST_F(LinkTlsTest, AWrongThumbprintOrAnExpiredCertificateIsRefusedBeforeHelloAndOthersAreServed) {
  const TestCertificate cert(now_s() - 60, 86'400);
  start(system_clock_, LinkLimits{}, 0, cert.server_context());
  LinkClient wrong(client_options("demo-2", std::string(64, 'a')), system_clock_);
  LinkClient good(client_options("demo-1", cert.info.thumbprint_sha256), system_clock_);
  ASSERT_TRUE(pump_all({&wrong, &good}, [&] {
    return server_->is_connected("demo-1") && wrong.last_error().find("not the pinned one") != std::string::npos;
  })) << wrong.last_error();
  EXPECT_EQ(wrong.sessions(), 0);
  EXPECT_EQ(count(LinkEvent::Kind::kConnected, "demo-2"), 0u);  // its hello never left
  EXPECT_TRUE(server_->is_connected("demo-1"));

  const TestCertificate expired(now_s() - 2 * 86'400, 86'400);
  server_.reset();
  start(system_clock_, LinkLimits{}, 0, expired.server_context());
  LinkClient late(client_options("demo-1", expired.info.thumbprint_sha256), system_clock_);
  ASSERT_TRUE(pump_all({&late}, [&] { return late.last_error().find("expired") != std::string::npos; }))
      << late.last_error();
  EXPECT_EQ(late.sessions(), 0);
  EXPECT_EQ(count(LinkEvent::Kind::kConnected, "demo-1"), 1u);  // the first server's only
}

TEST_F(LinkTlsTest, PlaintextToATlsServerIsClosedWithoutAWord) {
  const TestCertificate cert(now_s() - 60, 86'400);
  start(system_clock_, LinkLimits{}, 0, cert.server_context());
  RawPeer plain(server_->port());
  ASSERT_TRUE(plain.connected());
  ASSERT_TRUE(pump_until([&] { return server_->connection_count() == 1; }));
  plain.send(Hello{2, "demo-1", "token-one", "test/1", true});
  ASSERT_TRUE(pump_until([&] { return server_->connection_count() == 0; }));
  EXPECT_FALSE(plain.read().has_value());  // closed, nothing readable said
  EXPECT_EQ(count(LinkEvent::Kind::kConnected, "demo-1"), 0u);
}

TEST_F(LinkTlsTest, ASilentPeerIsDroppedAtTheHandshakeTimeout) {
  const TestCertificate cert(now_s() - 60, 86'400);
  ManualClock clock;
  LinkLimits limits;
  limits.tls_handshake_timeout_ms = 500;
  start(clock, limits, 0, cert.server_context());
  RawPeer silent(server_->port());
  ASSERT_TRUE(pump_until([&] { return server_->connection_count() == 1; }));
  clock.advance_ms(499);
  server_->poll(0, events_);
  EXPECT_EQ(server_->connection_count(), 1u);
  clock.advance_ms(1);
  ASSERT_TRUE(pump_until([&] { return server_->connection_count() == 0; }));
}

TEST_F(LinkServerTest, AnAddressIsServedAtMostNUnauthenticatedConnections) {
  LinkLimits limits;
  limits.max_unauthenticated_per_address = 2;
  start(system_clock_, limits);
  RawPeer a(server_->port()), b(server_->port());
  ASSERT_TRUE(pump_until([&] { return server_->connection_count() == 2; }));
  RawPeer c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(pump_until([&] { return c.readable(); }));
  EXPECT_FALSE(c.read().has_value());  // refused: closed at once
  EXPECT_EQ(server_->connection_count(), 2u);
  a.send(Hello{2, "demo-1", "token-one", "test/1", true});  // authenticated: a slot frees
  ASSERT_TRUE(pump_until([&] { return server_->is_connected("demo-1"); }));
  connect_as("demo-2");
}

TEST_F(LinkServerTest, FailedAuthenticationsBackTheAddressOffThenItIsServedAgain) {
  ManualClock clock;
  LinkLimits limits;
  limits.address.failures_before_backoff = 2;
  limits.address.backoff_min_ms = 1'000;
  start(clock, limits);
  for (int i = 0; i < 3; ++i) {  // the third failure starts a back-off of 1 s
    RawPeer bad(server_->port());
    bad.send(Hello{2, "demo-1", "wrong-token", "test/1", true});
    ASSERT_TRUE(pump_until([&] { return bad.readable(); }));
    EXPECT_EQ(bad.read_error(), "authentication failed");
  }
  ASSERT_TRUE(pump_until([&] { return server_->connection_count() == 0; }));
  RawPeer refused(server_->port());  // even with the right token, while backing off
  ASSERT_TRUE(pump_until([&] { return refused.readable(); }));
  EXPECT_FALSE(refused.read().has_value());
  EXPECT_EQ(count(LinkEvent::Kind::kConnected, "demo-1"), 0u);
  clock.advance_ms(1'000);
  connect_as("demo-1");  // the back-off ran out
}

TEST(AddressGuardTest, ReportsOncePerWindowWithTheCountAndBacksOffExponentially) {
  AddressLimits limits;
  limits.failures_before_backoff = 1;
  limits.backoff_min_ms = 100;
  limits.backoff_max_ms = 250;
  limits.log_window_ms = 1'000;
  limits.max_addresses = 2;
  AddressGuard guard(limits);
  EXPECT_EQ(guard.to_report("10.0.0.1", "refused", 0), 1);
  EXPECT_EQ(guard.to_report("10.0.0.1", "refused", 10), 0);
  EXPECT_EQ(guard.to_report("10.0.0.1", "refused", 999), 0);
  EXPECT_EQ(guard.to_report("10.0.0.1", "other", 999), 1);  // each kind has its window
  EXPECT_EQ(guard.to_report("10.0.0.1", "refused", 1'000), 3);
  guard.failed("10.0.0.2", 0);  // within the allowance
  EXPECT_FALSE(guard.backing_off("10.0.0.2", 0));
  guard.failed("10.0.0.2", 0);  // 100 ms
  EXPECT_TRUE(guard.backing_off("10.0.0.2", 99));
  EXPECT_FALSE(guard.backing_off("10.0.0.2", 100));
  guard.failed("10.0.0.2", 100);  // 200 ms
  EXPECT_TRUE(guard.backing_off("10.0.0.2", 299));
  guard.failed("10.0.0.2", 300);  // capped at 250 ms
  EXPECT_TRUE(guard.backing_off("10.0.0.2", 549));
  EXPECT_FALSE(guard.backing_off("10.0.0.2", 550));
  guard.succeeded("10.0.0.2");
  guard.failed("10.0.0.2", 600);
  EXPECT_FALSE(guard.backing_off("10.0.0.2", 600));
  guard.failed("10.0.0.2", 650);
  EXPECT_TRUE(guard.backing_off("10.0.0.2", 700));
  guard.failed("10.0.0.3", 700);  // a third address: the least recently seen (.2 at 650) is forgotten
  EXPECT_EQ(guard.size(), 2u);
  EXPECT_FALSE(guard.backing_off("10.0.0.2", 700));
  EXPECT_EQ(guard.to_report("10.0.0.1", "refused", 1'500), 0);  // .1 (seen at 1000) is remembered
}

}  // namespace
}  // namespace mtg::link
