#include "testkit/link_proxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/check.h"

namespace mtg::testkit {
namespace {

constexpr int kPollTimeoutMs = 200;
constexpr size_t kReadChunkBytes = 16 * 1024;

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN.
void reset_close(int fd) {
  if (fd < 0) return;
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

// A connected socket to 127.0.0.1:port, or -1.
int connect_upstream(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr = loopback(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// One forwarded connection: the accepted peer (`down`) and our socket to the target (`up`).
struct Conn {
  int down = -1;
  int up = -1;  // -1: accepted during a blackhole, never connected upstream
  std::string to_up;
  std::string to_down;
  bool done = false;
};

// Moves what `from` has into `buf` (bounded). False on end of stream or error.
bool fill(int from, std::string& buf) {
  char chunk[kReadChunkBytes];
  while (buf.size() < LinkProxy::kMaxBufferBytes) {
    const size_t want = std::min(sizeof chunk, LinkProxy::kMaxBufferBytes - buf.size());
    const ssize_t n = recv(from, chunk, want, MSG_DONTWAIT);
    if (n > 0) {
      buf.append(chunk, static_cast<size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
  return true;
}

// Sends what it can of `buf` to `to`. False on error.
bool drain(int to, std::string& buf) {
  while (!buf.empty()) {
    const ssize_t n = send(to, buf.data(), buf.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      buf.erase(0, static_cast<size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
  return true;
}

// The connections of one proxy; used by its thread only.
class Forwarder {
 public:
  using Recorder = std::function<void(std::string_view)>;
  Forwarder(int target_port, Recorder record) : target_port_(target_port), record_(std::move(record)) {}
  ~Forwarder() { reset_all(); }

  // Takes one pending connection from listen_fd and treats it as `mode` says.
  // Returns true when one was accepted.
  bool accept_one(int listen_fd, CutMode mode) {
    const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return false;
    if (mode == CutMode::kReset || conns_.size() >= static_cast<size_t>(LinkProxy::kMaxConnections)) {
      reset_close(fd);
      return true;
    }
    auto c = std::make_unique<Conn>();
    c->down = fd;
    if (mode == CutMode::kNone) {
      c->up = connect_upstream(target_port_);
      if (c->up < 0) {
        reset_close(fd);
        return true;
      }
      set_nonblocking(c->up);
    }
    set_nonblocking(fd);
    conns_.push_back(std::move(c));
    return true;
  }

  // Applies a change of mode to the open connections.
  void transition(CutMode from, CutMode to) {
    if (to == CutMode::kReset) reset_all();
    if (from == CutMode::kBlackhole && to == CutMode::kNone) {
      for (auto& c : conns_) {
        if (c->up < 0) c->done = true;  // its SYN "timed out": reset below
      }
      sweep(/*reset=*/true);
    }
  }

  // Poll entries for the forwarding connections (none while cut).
  void add_pollfds(CutMode mode, std::vector<pollfd>& fds) const {
    if (mode != CutMode::kNone) return;
    for (const auto& c : conns_) {
      const auto ev = [](const std::string& in, const std::string& out) {
        short e = 0;
        if (in.size() < LinkProxy::kMaxBufferBytes) e |= POLLIN;
        if (!out.empty()) e |= POLLOUT;
        return e;
      };
      fds.push_back({c->down, ev(c->to_up, c->to_down), 0});
      fds.push_back({c->up, ev(c->to_down, c->to_up), 0});
    }
  }

  // Moves bytes both ways on every connection; closes the ones that ended.
  void pump() {
    for (auto& c : conns_) {
      MTG_CHECK(c->up >= 0);
      const size_t up_before = c->to_up.size();
      const size_t down_before = c->to_down.size();
      const bool down_open = fill(c->down, c->to_up);
      const bool up_open = fill(c->up, c->to_down);
      record_(std::string_view(c->to_up).substr(up_before));
      record_(std::string_view(c->to_down).substr(down_before));
      const bool sent = drain(c->up, c->to_up) && drain(c->down, c->to_down);
      if (!down_open || !up_open || !sent) c->done = true;
    }
    sweep(/*reset=*/false);
  }

 private:
  void reset_all() {
    for (auto& c : conns_) c->done = true;
    sweep(/*reset=*/true);
  }
  // Closes and forgets every connection marked done.
  void sweep(bool reset) {
    for (auto& c : conns_) {
      if (!c->done) continue;
      if (reset) {
        reset_close(c->down);
        reset_close(c->up);
      } else {
        close(c->down);
        if (c->up >= 0) close(c->up);
      }
    }
    std::erase_if(conns_, [](const auto& c) { return c->done; });
  }

  int target_port_;
  Recorder record_;
  std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace

LinkProxy::LinkProxy(int target_port) : target_port_(target_port) {
  MTG_CHECK(target_port > 0 && target_port < 65536);
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(0);
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, LinkProxy::kMaxConnections) != 0 || pipe2(wake_fd_, O_CLOEXEC | O_NONBLOCK) != 0) {
    if (listen_fd_ >= 0) close(listen_fd_);
    throw std::runtime_error("LinkProxy: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  set_nonblocking(listen_fd_);
  thread_ = std::thread([this] { run(); });
}

LinkProxy::~LinkProxy() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  (void)!write(wake_fd_[1], "x", 1);
  thread_.join();
  close(listen_fd_);
  close(wake_fd_[0]);
  close(wake_fd_[1]);
}

void LinkProxy::cut(CutMode mode) {
  MTG_CHECK(mode != CutMode::kNone);
  request(mode);
}

void LinkProxy::restore() { request(CutMode::kNone); }

CutMode LinkProxy::mode() const {
  std::lock_guard lock(mu_);
  return applied_;
}

int64_t LinkProxy::accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

std::string LinkProxy::recorded() const {
  std::lock_guard lock(mu_);
  return recorded_;
}

void LinkProxy::request(CutMode mode) {
  std::unique_lock lock(mu_);
  wanted_ = mode;
  const uint64_t gen = ++wanted_gen_;
  (void)!write(wake_fd_[1], "x", 1);
  applied_cv_.wait(lock, [&] { return applied_gen_ >= gen; });
  MTG_CHECK(applied_gen_ > gen || applied_ == mode);
}

bool LinkProxy::wanted(CutMode& mode, uint64_t& gen) {
  std::lock_guard lock(mu_);
  mode = wanted_;
  gen = wanted_gen_;
  return !stop_;
}

void LinkProxy::mark_applied(CutMode mode, uint64_t gen) {
  std::lock_guard lock(mu_);
  applied_ = mode;
  applied_gen_ = gen;
  applied_cv_.notify_all();
}

void LinkProxy::run() {
  Forwarder forwarder(target_port_, [this](std::string_view bytes) {
    if (bytes.empty()) return;
    std::lock_guard lock(mu_);
    if (recorded_.size() + bytes.size() <= kMaxRecordedBytes) recorded_.append(bytes);
  });
  CutMode current = CutMode::kNone;
  CutMode mode = CutMode::kNone;
  uint64_t gen = 0;
  while (wanted(mode, gen)) {
    if (mode != current) forwarder.transition(current, mode);
    current = mode;
    mark_applied(mode, gen);
    std::vector<pollfd> fds{{wake_fd_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    forwarder.add_pollfds(mode, fds);
    if (poll(fds.data(), fds.size(), kPollTimeoutMs) <= 0) continue;
    char sink[64];
    while (read(wake_fd_[0], sink, sizeof sink) > 0) {
    }
    int64_t taken = 0;
    while (forwarder.accept_one(listen_fd_, mode)) ++taken;
    if (taken > 0) {
      std::lock_guard lock(mu_);
      accepted_ += taken;
    }
    if (mode == CutMode::kNone) forwarder.pump();
  }
}

}  // namespace mtg::testkit
