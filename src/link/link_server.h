// The engine's end of the terminal link: a TCP server terminals dial into, in plaintext
// (loopback only, see config) or TLS (docs/protocol.md "Transport"). Stands a hostile
// network: a TLS handshake and a hello each have a deadline, an address has at most a
// few unauthenticated connections, and failed authentications back an address off
// (link/address_guard.h). Single-threaded: every method but wake() must be called from
// the thread that calls poll().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "link/address_guard.h"
#include "link/framed_socket.h"
#include "link/socket.h"
#include "link/tls.h"
#include "link/terminal_link.h"
#include "link/token_bucket.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg::link {

// True when `token` is the instance's token. Must compare in constant time (see
// link/token_compare.h) and answer false for an unknown instance.
using TokenCheck = std::function<bool(const std::string& instance, const std::string& token)>;

struct LinkLimits {
  int heartbeat_ms = 1000;         // sent to terminals in welcome; we send ours as often
  int dead_after_heartbeats = 5;   // a peer silent this many heartbeat_ms is dead
  int hello_timeout_ms = 5000;     // a connection must say hello within this
  int tls_handshake_timeout_ms = 3000;        // ... and finish its TLS handshake within this
  size_t max_unauthenticated_per_address = 8;  // more from one address are refused
  AddressLimits address;                       // failed-authentication back-off, log windows
  double max_frames_per_s = 2000;  // token bucket rate per connection
  double burst_frames = 4000;      // token bucket size
  size_t max_output_bytes = 4 * 1024 * 1024;  // per-connection queue; over it = disconnect
  size_t max_connections = 1024;   // more are refused (closed at once)
  int close_linger_ms = 1000;      // a closing connection is drained this long for the peer to read the error
  size_t max_read_bytes_per_poll = 256 * 1024;  // per connection, for fairness
};

class LinkServer final : public TerminalLink {
 public:
  // Listens on host:port (port 0: an ephemeral port, see port()); every connection
  // speaks TLS when `tls` (a server context) is given.
  static Result<std::unique_ptr<LinkServer>> listen(const std::string& host, int port, TokenCheck check,
                                                    const Clock& clock, LinkLimits limits,
                                                    std::shared_ptr<const TlsContext> tls = nullptr);
  ~LinkServer() override;

  void poll(int timeout_ms, std::vector<LinkEvent>& out) override;
  bool send(const std::string& instance, const Frame& frame) override;
  bool is_connected(const std::string& instance) const override;
  void wake() override;

  // The port the server listens on.
  int port() const;
  // Open sockets, including unauthenticated and closing ones.
  size_t connection_count() const { return conns_.size(); }

 private:
  struct Conn;
  LinkServer(Fd listen_fd, Fd wake_fd, TokenCheck check, const Clock& clock, LinkLimits limits,
             std::shared_ptr<const TlsContext> tls);

  void accept_new();
  // Why a new connection from `address` is refused, or "" when it may be served.
  std::string refusal(const std::string& address, int64_t now_ms) const;
  // Logs an event of `kind` (a fixed phrase) from `address` once per window, with the
  // count since the last log and the latest detail.
  void report(const std::string& address, const char* kind, const std::string& detail, int64_t now_ms);
  void read_conn(Conn& c);
  void handle_line(Conn& c, const std::string& line);
  void handle_hello(Conn& c, const Hello& hello);
  void handle_terminal_frame(Conn& c, Frame frame);
  void run_timers(Conn& c);
  void flush_conn(Conn& c);
  // Starts closing: sends an error frame (the reason) when error_to_peer, reports the
  // disconnect; log_detail goes to the log only.
  void close_conn(Conn& c, const std::string& reason, bool error_to_peer, const std::string& log_detail = "");
  int wait_ms(int timeout_ms) const;

  Fd listen_fd_;
  Fd wake_fd_;
  TokenCheck check_;
  const Clock& clock_;
  LinkLimits limits_;
  std::shared_ptr<const TlsContext> tls_;
  AddressGuard guard_;
  uint64_t next_conn_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::unordered_map<std::string, uint64_t> by_instance_;  // authenticated, not closing
  std::vector<LinkEvent> events_;                          // handed out by the next poll()
};

}  // namespace mtg::link
