#include "link/link_server.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include "link/codec.h"
#include "util/check.h"

namespace mtg::link {
namespace {
constexpr int kListenBacklog = 128;
constexpr int kMaxAcceptsPerPoll = 64;

// The host part of accept_tcp's "host:port".
std::string address_of(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

}  // namespace

struct LinkServer::Conn {
  Conn(uint64_t conn_id, std::string peer_name, Fd fd, const LinkLimits& limits, int64_t now_ms)
      : id(conn_id),
        peer(std::move(peer_name)),
        address(address_of(peer)),
        sock(std::move(fd), kMaxLineBytes, limits.max_output_bytes),
        bucket(limits.max_frames_per_s, limits.burst_frames, now_ms),
        opened_ms(now_ms),
        last_rx_ms(now_ms),
        last_heartbeat_tx_ms(now_ms) {}

  uint64_t id;
  std::string peer;
  std::string address;  // the peer's host, what the per-address limits count
  FramedSocket sock;
  TokenBucket bucket;
  int64_t opened_ms;
  int64_t last_rx_ms;
  int64_t last_heartbeat_tx_ms;
  bool authenticated = false;
  std::string instance;
  bool closing = false;
  int64_t closing_since_ms = 0;
  bool dead = false;  // to be removed at the end of this poll
};

Result<std::unique_ptr<LinkServer>> LinkServer::listen(const std::string& host, int port, TokenCheck check,
                                                       const Clock& clock, LinkLimits limits,
                                                       std::shared_ptr<const TlsContext> tls) {
  MTG_CHECK(check != nullptr);
  MTG_CHECK(tls == nullptr || tls->is_server());
  MTG_CHECK(limits.tls_handshake_timeout_ms > 0 && limits.max_unauthenticated_per_address > 0);
  MTG_CHECK(limits.heartbeat_ms > 0);
  MTG_CHECK(limits.dead_after_heartbeats > 0);
  MTG_CHECK(limits.hello_timeout_ms > 0);
  auto listen_fd = listen_tcp(host, port, kListenBacklog);
  if (!listen_fd.is_ok()) return listen_fd.status().with_context("link server");
  auto wake_fd = make_eventfd();
  if (!wake_fd.is_ok()) return wake_fd.status();
  std::unique_ptr<LinkServer> server(
      new LinkServer(std::move(*listen_fd), std::move(*wake_fd), std::move(check), clock, limits, std::move(tls)));
  spdlog::info("link: listening on {}:{} ({})", host, server->port(), server->tls_ ? "TLS" : "plaintext");
  return server;
}

LinkServer::LinkServer(Fd listen_fd, Fd wake_fd, TokenCheck check, const Clock& clock, LinkLimits limits,
                       std::shared_ptr<const TlsContext> tls)
    : listen_fd_(std::move(listen_fd)), wake_fd_(std::move(wake_fd)), check_(std::move(check)),
      clock_(clock), limits_(limits), tls_(std::move(tls)), guard_(limits.address) {}

LinkServer::~LinkServer() = default;

int LinkServer::port() const { return local_port(listen_fd_.get()); }

bool LinkServer::is_connected(const std::string& instance) const { return by_instance_.contains(instance); }

void LinkServer::wake() { signal_eventfd(wake_fd_.get()); }

int LinkServer::wait_ms(int timeout_ms) const {
  const int64_t now = clock_.steady_ms();
  int64_t next = now + std::max(timeout_ms, 0);
  const int64_t dead_ms = int64_t{limits_.heartbeat_ms} * limits_.dead_after_heartbeats;
  for (const auto& [id, c] : conns_) {
    if (c->closing) {
      next = std::min(next, c->closing_since_ms + limits_.close_linger_ms);
    } else if (!c->authenticated) {
      next = std::min({next, c->opened_ms + limits_.hello_timeout_ms, c->opened_ms + limits_.tls_handshake_timeout_ms});
    } else {
      next = std::min({next, c->last_heartbeat_tx_ms + limits_.heartbeat_ms, c->last_rx_ms + dead_ms});
    }
  }
  return static_cast<int>(std::clamp<int64_t>(next - now, 0, std::max(timeout_ms, 0)));
}

void LinkServer::poll(int timeout_ms, std::vector<LinkEvent>& out) {
  std::vector<pollfd> fds;
  fds.reserve(conns_.size() + 2);
  fds.push_back({wake_fd_.get(), POLLIN, 0});
  fds.push_back({listen_fd_.get(), POLLIN, 0});
  for (const auto& [id, c] : conns_) {
    const short events = static_cast<short>(POLLIN | (c->sock.wants_write() ? POLLOUT : 0));
    fds.push_back({c->sock.fd(), events, 0});
  }
  const int ready = ::poll(fds.data(), fds.size(), events_.empty() ? wait_ms(timeout_ms) : 0);
  if (ready < 0 && errno != EINTR) spdlog::error("link: poll failed: errno {}", errno);
  if (ready > 0) {
    if (fds[0].revents != 0) drain_eventfd(wake_fd_.get());
    size_t i = 2;
    for (auto& [id, c] : conns_) {  // conns_ is unchanged since fds was built
      const short revents = fds[i++].revents;
      if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_conn(*c);
    }
    if (fds[1].revents != 0) accept_new();
  }
  for (auto& [id, c] : conns_) {
    run_timers(*c);
    flush_conn(*c);
  }
  std::erase_if(conns_, [](const auto& entry) { return entry.second->dead; });
  MTG_CHECK(by_instance_.size() <= conns_.size());  // a closed connection is never an instance's
  out.insert(out.end(), std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
}

std::string LinkServer::refusal(const std::string& address, int64_t now_ms) const {
  if (conns_.size() >= limits_.max_connections) return std::to_string(conns_.size()) + " connections open";
  if (guard_.backing_off(address, now_ms)) return "backing off after failed authentications";
  size_t unauthenticated = 0;
  for (const auto& [id, c] : conns_) unauthenticated += (!c->authenticated && !c->closing && c->address == address);
  if (unauthenticated >= limits_.max_unauthenticated_per_address) {
    return std::to_string(unauthenticated) + " unauthenticated connections open from it";
  }
  return "";
}

void LinkServer::report(const std::string& address, const char* kind, const std::string& detail, int64_t now_ms) {
  const int64_t n = guard_.to_report(address, kind, now_ms);
  if (n == 0) return;
  spdlog::warn("link: {}: {} {} time{} since the last report (last: {})", address, kind, n, n == 1 ? "" : "s",
               detail);
}

void LinkServer::accept_new() {
  for (int n = 0; n < kMaxAcceptsPerPoll; ++n) {
    std::string peer;
    Fd fd = accept_tcp(listen_fd_.get(), peer);
    if (!fd.valid()) return;
    const int64_t now = clock_.steady_ms();
    const std::string address = address_of(peer);
    if (const std::string why = refusal(address, now); !why.empty()) {
      report(address, "connection refused", why, now);
      continue;  // fd closes here
    }
    const uint64_t id = next_conn_id_++;
    spdlog::info("link: connection {} from {}", id, peer);
    auto conn = std::make_unique<Conn>(id, std::move(peer), std::move(fd), limits_, now);
    if (tls_ != nullptr) conn->sock.secure(TlsStream::accept(tls_, conn->sock.fd()));
    conns_.emplace(id, std::move(conn));
    MTG_CHECK(conns_.size() <= limits_.max_connections);
  }
}

void LinkServer::read_conn(Conn& c) {
  std::vector<std::string> lines;
  const Status st = c.sock.read_lines(limits_.max_read_bytes_per_poll, lines);
  if (c.closing) {  // draining so the peer can read our error frame; input is ignored
    if (st.code() == Code::kUnavailable || st.code() == Code::kIoError) c.dead = true;
    return;
  }
  for (const std::string& line : lines) {
    handle_line(c, line);
    if (c.closing) return;
  }
  if (!st.is_ok() && c.sock.handshaking()) {  // no TLS session: nothing can be said to the peer
    const int64_t now = clock_.steady_ms();
    guard_.failed(c.address, now);
    close_conn(c, st.message(), false);
    c.dead = true;
  } else if (st.code() == Code::kInvalidArgument) {
    close_conn(c, "protocol error: " + st.message(), true);
  } else if (!st.is_ok()) {
    close_conn(c, st.message(), false);
    c.dead = true;
  }
}

void LinkServer::handle_line(Conn& c, const std::string& line) {
  MTG_CHECK(!c.closing);  // read_conn ignores a closing connection's input
  const int64_t now = clock_.steady_ms();
  if (!c.bucket.take(now)) return close_conn(c, "rate limit exceeded", true);
  Result<Frame> frame = decode(line);
  if (!frame.is_ok()) return close_conn(c, "protocol error: " + frame.status().message(), true);
  c.last_rx_ms = now;
  if (!c.authenticated) {
    if (const Hello* hello = std::get_if<Hello>(&*frame)) return handle_hello(c, *hello);
    return close_conn(c, std::string("protocol error: expected hello, got ") + frame_type(*frame), true);
  }
  handle_terminal_frame(c, std::move(*frame));
}

void LinkServer::handle_hello(Conn& c, const Hello& hello) {
  MTG_CHECK(!c.authenticated);
  MTG_CHECK(!c.closing);
  if (hello.version < kMinProtocolVersion) {
    return close_conn(c, "unsupported protocol version " + std::to_string(hello.version), true);
  }
  if (!check_(hello.instance, hello.token)) {  // the token is never logged
    const int64_t now = clock_.steady_ms();
    guard_.failed(c.address, now);
    return close_conn(c, "authentication failed", true, "instance '" + hello.instance.substr(0, 64) + "'");
  }
  guard_.succeeded(c.address);
  if (auto it = by_instance_.find(hello.instance); it != by_instance_.end()) {
    close_conn(*conns_.at(it->second), "replaced", true);
  }
  MTG_CHECK(!by_instance_.contains(hello.instance));  // the replaced connection let go of it
  c.authenticated = true;
  c.instance = hello.instance;
  by_instance_[c.instance] = c.id;
  c.last_heartbeat_tx_ms = clock_.steady_ms();
  const int version = std::min(hello.version, kProtocolVersion);  // a newer terminal speaks ours too
  c.sock.queue(encode(Welcome{version, limits_.heartbeat_ms}));
  spdlog::info("link: instance '{}' connected from {} ({}, protocol {}, broker_connected={})", c.instance, c.peer,
               hello.terminal, version, hello.broker_connected);
  events_.push_back(LinkEvent{LinkEvent::Kind::kConnected, c.instance,
                              Heartbeat{clock_.now_ms(), hello.broker_connected}, "", version});
}

void LinkServer::handle_terminal_frame(Conn& c, Frame frame) {
  MTG_CHECK(c.authenticated);
  MTG_CHECK(by_instance_.contains(c.instance));
  MTG_CHECK(by_instance_.at(c.instance) == c.id);
  if (const ErrorFrame* err = std::get_if<ErrorFrame>(&frame)) {
    return close_conn(c, "terminal error: " + err->reason, false);
  }
  const bool for_engine = std::holds_alternative<Heartbeat>(frame) || std::holds_alternative<ResultFrame>(frame) ||
                          std::holds_alternative<KnownFrame>(frame) || std::holds_alternative<Positions>(frame) ||
                          std::holds_alternative<Orders>(frame) || std::holds_alternative<EventFrame>(frame);
  if (!for_engine) {
    return close_conn(c, std::string("protocol error: unexpected frame type ") + frame_type(frame), true);
  }
  events_.push_back(LinkEvent{LinkEvent::Kind::kFrame, c.instance, std::move(frame), ""});
}

void LinkServer::run_timers(Conn& c) {
  const int64_t now = clock_.steady_ms();
  if (c.closing) {
    if (now - c.closing_since_ms >= limits_.close_linger_ms) c.dead = true;
    return;
  }
  if (!c.authenticated) {
    if (c.sock.handshaking() && now - c.opened_ms >= limits_.tls_handshake_timeout_ms) {
      close_conn(c, "no TLS handshake within " + std::to_string(limits_.tls_handshake_timeout_ms) + " ms", false);
      c.dead = true;
      return;
    }
    if (now - c.opened_ms >= limits_.hello_timeout_ms) {
      close_conn(c, "no hello within " + std::to_string(limits_.hello_timeout_ms) + " ms", true);
    }
    return;
  }
  if (now - c.last_rx_ms >= int64_t{limits_.heartbeat_ms} * limits_.dead_after_heartbeats) {
    return close_conn(c, "heartbeat timeout", true);
  }
  if (now - c.last_heartbeat_tx_ms >= limits_.heartbeat_ms) {
    c.last_heartbeat_tx_ms = now;
    if (!c.sock.queue(encode(Heartbeat{clock_.now_ms(), std::nullopt}))) {
      close_conn(c, "output queue full (terminal not reading)", false);
    }
  }
}

void LinkServer::flush_conn(Conn& c) {
  if (c.dead) return;
  const Status st = c.sock.flush();
  if (st.is_ok()) return;
  if (c.sock.handshaking()) guard_.failed(c.address, clock_.steady_ms());
  if (!c.closing) close_conn(c, st.message(), false);
  c.dead = true;
}

void LinkServer::close_conn(Conn& c, const std::string& reason, bool error_to_peer, const std::string& log_detail) {
  if (c.closing) return;
  if (error_to_peer) c.sock.queue(encode(ErrorFrame{reason.substr(0, kMaxErrorReasonChars)}));
  c.sock.shutdown_write();
  c.closing = true;
  c.closing_since_ms = clock_.steady_ms();
  const std::string who = c.authenticated ? "instance '" + c.instance + "'" : "connection " + std::to_string(c.id);
  // An unauthenticated peer's troubles are reported once per window (report()).
  if (c.authenticated) {
    spdlog::warn("link: closing {} from {}: {}", who, c.peer, reason);
  } else {
    report(c.address, "closed before authentication", log_detail.empty() ? reason : reason + ", " + log_detail,
           c.closing_since_ms);
  }
  auto it = by_instance_.find(c.instance);
  if (c.authenticated && it != by_instance_.end() && it->second == c.id) {
    by_instance_.erase(it);
    events_.push_back(LinkEvent{LinkEvent::Kind::kDisconnected, c.instance, Heartbeat{}, reason});
  }
  const auto left = by_instance_.find(c.instance);
  MTG_CHECK(left == by_instance_.end() || left->second != c.id);  // a closing connection is no instance's
}

bool LinkServer::send(const std::string& instance, const Frame& frame) {
  auto it = by_instance_.find(instance);
  if (it == by_instance_.end()) return false;
  Conn& c = *conns_.at(it->second);
  MTG_CHECK(c.authenticated);
  MTG_CHECK(!c.closing);
  const std::string line = encode(frame);
  if (line.size() > kMaxLineBytes) {
    spdlog::error("link: not sending a {} frame of {} bytes to '{}'", frame_type(frame), line.size(), instance);
    return false;
  }
  if (!c.sock.queue(line)) {
    close_conn(c, "output queue full (terminal not reading)", false);
    return false;
  }
  flush_conn(c);
  return !c.closing;
}

}  // namespace mtg::link
