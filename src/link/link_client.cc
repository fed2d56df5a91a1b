#include "link/link_client.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "link/codec.h"
#include "util/check.h"

namespace mtg::link {
namespace {
constexpr size_t kMaxReadBytesPerPoll = 256 * 1024;
}

LinkClient::LinkClient(LinkClientOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), backoff_ms_(options_.reconnect_min_ms),
      jitter_(options_.jitter_seed) {
  if (!options_.tls_thumbprint.empty()) tls_ = TlsContext::client();
  MTG_CHECK(options_.reconnect_min_ms > 0);
  MTG_CHECK(options_.reconnect_max_ms >= options_.reconnect_min_ms);
  MTG_CHECK(options_.connect_timeout_ms > 0);
  MTG_CHECK(options_.dead_after_heartbeats > 0);
  next_attempt_ms_ = clock_.steady_ms();
}

LinkClient::~LinkClient() = default;

int LinkClient::wait_ms(int timeout_ms) const {
  const int64_t now = clock_.steady_ms();
  int64_t next = now + std::max(timeout_ms, 0);
  switch (state_) {
    case State::kDisconnected: next = std::min(next, next_attempt_ms_); break;
    case State::kConnecting:
    case State::kHandshaking: next = std::min(next, deadline_ms_); break;
    case State::kReady:
      next = std::min({next, last_heartbeat_tx_ms_ + heartbeat_ms_,
                       last_rx_ms_ + int64_t{heartbeat_ms_} * options_.dead_after_heartbeats});
      break;
  }
  return static_cast<int>(std::clamp<int64_t>(next - now, 0, std::max(timeout_ms, 0)));
}

void LinkClient::poll(int timeout_ms, std::vector<Frame>& out) {
  MTG_CHECK((state_ == State::kDisconnected) == (sock_ == nullptr));
  if (state_ == State::kDisconnected && clock_.steady_ms() >= next_attempt_ms_) start_connect();
  const int wait = wait_ms(timeout_ms);
  if (sock_ == nullptr) {
    ::poll(nullptr, 0, wait);
    return;
  }
  const bool want_out = state_ == State::kConnecting || sock_->wants_write();
  pollfd pfd{sock_->fd(), static_cast<short>(POLLIN | (want_out ? POLLOUT : 0)), 0};
  const int ready = ::poll(&pfd, 1, wait);
  if (ready > 0 && state_ == State::kConnecting && (pfd.revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
    on_writable();
  } else if (ready > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
    read_frames(out);
  }
  run_timers();
  if (sock_ != nullptr && state_ != State::kConnecting) {
    const Status st = sock_->flush();
    if (!st.is_ok()) drop(st);
  }
}

void LinkClient::start_connect() {
  MTG_CHECK(state_ == State::kDisconnected);
  MTG_CHECK(sock_ == nullptr);
  auto fd = start_connect_tcp(options_.host, options_.port);
  if (!fd.is_ok()) return disconnect(fd.status().message(), false);
  sock_ = std::make_unique<FramedSocket>(std::move(*fd), kMaxLineBytes, options_.max_output_bytes);
  if (tls_ != nullptr) {
    sock_->secure(TlsStream::connect(tls_, sock_->fd(), TlsPin{options_.tls_thumbprint, clock_.now_ms() / 1000}));
  }
  state_ = State::kConnecting;
  deadline_ms_ = clock_.steady_ms() + options_.connect_timeout_ms;
}

void LinkClient::on_writable() {
  MTG_CHECK(state_ == State::kConnecting);
  MTG_CHECK(sock_ != nullptr);
  const int err = connect_error(sock_->fd());
  if (err != 0) return disconnect(std::string("connect: ") + std::strerror(err), false);
  state_ = State::kHandshaking;
  deadline_ms_ = clock_.steady_ms() + options_.connect_timeout_ms;
  sock_->queue(encode(Hello{options_.version, options_.instance, options_.token, options_.terminal,
                            broker_connected_}));
}

void LinkClient::read_frames(std::vector<Frame>& out) {
  std::vector<std::string> lines;
  const Status st = sock_->read_lines(kMaxReadBytesPerPoll, lines);
  for (const std::string& line : lines) {
    Result<Frame> frame = decode(line);
    if (!frame.is_ok()) return disconnect("protocol error: " + frame.status().message(), true);
    last_rx_ms_ = clock_.steady_ms();
    handle_frame(std::move(*frame), out);
    if (sock_ == nullptr) return;
  }
  if (st.code() == Code::kInvalidArgument && !sock_->handshaking()) {
    return disconnect("protocol error: " + st.message(), true);
  }
  if (!st.is_ok()) drop(st);
}

void LinkClient::drop(const Status& status) {
  MTG_CHECK(!status.is_ok());
  if (status.code() == Code::kFailedPrecondition) {
    spdlog::error("link client: '{}' refuses the engine at {}:{}: {}", options_.instance, options_.host, options_.port,
                  status.message());
  }
  disconnect(status.message(), false);
}

void LinkClient::handle_frame(Frame frame, std::vector<Frame>& out) {
  if (const ErrorFrame* err = std::get_if<ErrorFrame>(&frame)) {
    return disconnect("engine error: " + err->reason, false);
  }
  if (state_ == State::kHandshaking) {
    const Welcome* welcome = std::get_if<Welcome>(&frame);
    if (welcome == nullptr || welcome->version < kMinProtocolVersion || welcome->version > options_.version) {
      return disconnect("protocol error: expected a welcome of protocol version " +
                            std::to_string(kMinProtocolVersion) + ".." + std::to_string(options_.version), true);
    }
    version_ = welcome->version;
    state_ = State::kReady;
    heartbeat_ms_ = welcome->heartbeat_ms;
    MTG_CHECK(heartbeat_ms_ > 0);  // decode() refuses a welcome outside 10..60000 ms
    last_heartbeat_tx_ms_ = clock_.steady_ms();
    backoff_ms_ = options_.reconnect_min_ms;
    ++sessions_;
    spdlog::info("link client: '{}' connected to {}:{}", options_.instance, options_.host, options_.port);
    return;
  }
  MTG_CHECK(state_ == State::kReady);
  if (std::holds_alternative<Heartbeat>(frame)) return;
  const bool for_terminal = std::holds_alternative<OrderFrame>(frame) ||
                            std::holds_alternative<QueryFrame>(frame) ||
                            std::holds_alternative<PositionsRequest>(frame) ||
                            std::holds_alternative<EventAck>(frame);
  if (!for_terminal) {
    return disconnect(std::string("protocol error: unexpected frame type ") + frame_type(frame), true);
  }
  out.push_back(std::move(frame));
}

void LinkClient::run_timers() {
  const int64_t now = clock_.steady_ms();
  if (state_ == State::kConnecting || state_ == State::kHandshaking) {
    if (now >= deadline_ms_) disconnect("timed out connecting to the engine", false);
    return;
  }
  if (state_ != State::kReady) return;
  if (now - last_rx_ms_ >= int64_t{heartbeat_ms_} * options_.dead_after_heartbeats) {
    return disconnect("heartbeat timeout", true);
  }
  if (now - last_heartbeat_tx_ms_ >= heartbeat_ms_) {
    last_heartbeat_tx_ms_ = now;
    send(Heartbeat{clock_.now_ms(), broker_connected_});
  }
}

bool LinkClient::send(const Frame& frame) {
  if (state_ != State::kReady) return false;
  MTG_CHECK(sock_ != nullptr);
  const std::string line = encode(frame);
  if (line.size() > kMaxLineBytes) {
    spdlog::error("link client: not sending a {} frame of {} bytes", frame_type(frame), line.size());
    return false;
  }
  if (!sock_->queue(line)) {
    disconnect("output queue full (engine not reading)", false);
    return false;
  }
  return true;
}

void LinkClient::disconnect(const std::string& reason, bool error_to_peer) {
  if (sock_ != nullptr && error_to_peer) {
    sock_->queue(encode(ErrorFrame{reason.substr(0, kMaxErrorReasonChars)}));
    (void)sock_->flush();  // best effort: the socket closes right after
  }
  if (state_ == State::kReady) spdlog::warn("link client: '{}' disconnected: {}", options_.instance, reason);
  sock_.reset();
  state_ = State::kDisconnected;
  last_error_ = reason;
  next_attempt_ms_ = clock_.steady_ms() + backoff_ms_ / 2 + jitter_.uniform_int(0, backoff_ms_ - backoff_ms_ / 2);
  backoff_ms_ = std::min(backoff_ms_ * 2, options_.reconnect_max_ms);
  MTG_CHECK(backoff_ms_ >= options_.reconnect_min_ms);
}

}  // namespace mtg::link
