// The terminal's end of the terminal link (docs/protocol.md): dials the engine, says
// hello, keeps heartbeats, and reconnects with exponential backoff when the engine is
// gone. Used by the simulator; the MQL5 Expert Advisor mirrors it. Single-threaded.
// Reconnects are jittered (half the backoff, plus a seeded random part of the other
// half) so that a fleet of terminals cut off together does not come back in lockstep.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "link/frame.h"
#include "link/framed_socket.h"
#include "link/tls.h"
#include "util/clock.h"
#include "util/rng.h"

namespace mtg::link {

struct LinkClientOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string instance;
  std::string token;
  std::string terminal = "sim/1.0";
  int version = kProtocolVersion;   // the protocol version offered in hello (1 or 2)
  int connect_timeout_ms = 3000;    // TCP connect, then the same again for the welcome
  int reconnect_min_ms = 250;       // first backoff after a failure; doubles per failure
  int reconnect_max_ms = 5000;      // backoff cap
  uint64_t jitter_seed = 0;         // seeds the reconnect jitter (e.g. from the instance)
  int dead_after_heartbeats = 5;    // the engine silent this many heartbeat_ms is gone
  size_t max_output_bytes = 4 * 1024 * 1024;
  // Non-empty: speak TLS and accept only the engine certificate with this SHA-256
  // thumbprint (link/tls.h TlsPin), valid now; a mismatch is logged and nothing is sent.
  std::string tls_thumbprint;
};

class LinkClient {
 public:
  enum class State { kDisconnected, kConnecting, kHandshaking, kReady };

  LinkClient(LinkClientOptions options, const Clock& clock);
  ~LinkClient();

  // Waits up to timeout_ms for network activity; connects when due, answers the
  // protocol itself (welcome, heartbeats, errors) and appends the engine's requests
  // (OrderFrame, QueryFrame, PositionsRequest, EventAck) to `out`.
  void poll(int timeout_ms, std::vector<Frame>& out);

  // Queues a frame to the engine; false unless kReady (or when the queue is full,
  // which drops the connection).
  bool send(const Frame& frame);

  State state() const { return state_; }
  // The protocol version of the current session (from welcome); 0 before the first.
  int version() const { return version_; }
  // Reported in hello and every heartbeat.
  void set_broker_connected(bool connected) { broker_connected_ = connected; }
  // Completed handshakes so far (1 after the first welcome).
  int sessions() const { return sessions_; }
  // Why the last connection ended or failed (empty when none did).
  const std::string& last_error() const { return last_error_; }

 private:
  void start_connect();
  void on_writable();
  void read_frames(std::vector<Frame>& out);
  void handle_frame(Frame frame, std::vector<Frame>& out);
  void run_timers();
  void disconnect(const std::string& reason, bool error_to_peer);
  // disconnect() for a socket or TLS error; a refused engine certificate is logged.
  void drop(const Status& status);
  int wait_ms(int timeout_ms) const;

  LinkClientOptions options_;
  const Clock& clock_;
  State state_ = State::kDisconnected;
  std::shared_ptr<const TlsContext> tls_;  // null: plaintext
  std::unique_ptr<FramedSocket> sock_;
  bool broker_connected_ = true;
  int heartbeat_ms_ = 1000;
  int version_ = 0;
  int backoff_ms_;
  SeededRng jitter_;
  int64_t next_attempt_ms_ = 0;
  int64_t deadline_ms_ = 0;  // connect / welcome deadline
  int64_t last_rx_ms_ = 0;
  int64_t last_heartbeat_tx_ms_ = 0;
  int sessions_ = 0;
  std::string last_error_;
};

}  // namespace mtg::link
