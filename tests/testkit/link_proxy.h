// A TCP forwarder for network-fault tests: listens on 127.0.0.1 (a free port) and
// forwards every accepted connection to 127.0.0.1:target_port, until told to cut.
//
//   kReset     every connection is closed with a TCP reset, and new ones are accepted
//              and reset at once (the peer sees "connection reset" / "refused").
//   kBlackhole sockets stay open but nothing moves either way, as with a pulled cable:
//              bytes wait in the kernel buffers (TCP would keep retransmitting them)
//              and a close by one side is not seen by the other until restore().
//              Connections accepted during the cut get no upstream and are reset
//              at restore() (their SYN "timed out").
//
// restore() forwards again. Every byte forwarded either way is also recorded
// (recorded(), up to kMaxRecordedBytes), so a test can check what a wire tapper sees.
// Thread-safe; one own thread; cut() and restore() return once the proxy thread
// applied them. The destructor closes everything and joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace mtg::testkit {

enum class CutMode { kNone, kReset, kBlackhole };

class LinkProxy {
 public:
  // Starts listening; throws std::runtime_error when no socket can be bound.
  explicit LinkProxy(int target_port);
  ~LinkProxy();
  LinkProxy(const LinkProxy&) = delete;
  LinkProxy& operator=(const LinkProxy&) = delete;

  // The port peers connect to instead of target_port.
  int port() const { return port_; }
  int target_port() const { return target_port_; }
  // Cuts the link (see the modes above); a second cut replaces the first.
  void cut(CutMode mode);
  // Forwards again (a no-op when not cut).
  void restore();
  CutMode mode() const;
  // Connections accepted since construction (counting the ones reset at once).
  int64_t accepted() const;
  // The bytes forwarded so far, both directions interleaved as they were read.
  std::string recorded() const;

  // At most this many connections are open; further ones are reset.
  static constexpr int kMaxConnections = 64;
  // Bytes buffered per direction of a connection before reading from its source stops.
  static constexpr size_t kMaxBufferBytes = 256 * 1024;
  // Bytes recorded at most; later ones are forwarded unrecorded.
  static constexpr size_t kMaxRecordedBytes = 64 * 1024 * 1024;

 private:
  void run();
  // The mode and generation the owner asked for last; false once the proxy must stop.
  bool wanted(CutMode& mode, uint64_t& gen);
  void mark_applied(CutMode mode, uint64_t gen);
  void request(CutMode mode);

  int target_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  int wake_fd_[2] = {-1, -1};
  mutable std::mutex mu_;
  std::condition_variable applied_cv_;
  CutMode wanted_ = CutMode::kNone;
  CutMode applied_ = CutMode::kNone;
  uint64_t wanted_gen_ = 0;
  uint64_t applied_gen_ = 0;
  bool stop_ = false;
  int64_t accepted_ = 0;
  std::string recorded_;  // under mu_
  std::thread thread_;
};

}  // namespace mtg::testkit
