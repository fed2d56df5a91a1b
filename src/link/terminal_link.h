// What the engine sees of its terminals: the interface LinkServer implements, so
// engine tests can use a fake.
#pragma once

#include <string>
#include <vector>

#include "link/frame.h"

namespace mtg::link {

struct LinkEvent {
  enum class Kind { kConnected, kDisconnected, kFrame };
  Kind kind = Kind::kFrame;
  std::string instance;
  // kFrame: a ResultFrame, KnownFrame, Positions, Orders, EventFrame or Heartbeat;
  // kConnected: a Heartbeat whose broker_connected is the one of the terminal's hello.
  Frame frame;
  std::string reason;  // kDisconnected only
  int version = 0;     // kConnected only: the protocol version both ends speak
};

class TerminalLink {
 public:
  virtual ~TerminalLink() = default;
  // Waits up to timeout_ms for network activity, handles handshakes, heartbeats and
  // limits itself, and appends what the engine must know (authenticated connects,
  // disconnects, and Result/Known/Positions/Orders/Event/Heartbeat frames) to `out`.
  virtual void poll(int timeout_ms, std::vector<LinkEvent>& out) = 0;
  // Queues a frame to the instance's terminal; false when it has no live connection.
  virtual bool send(const std::string& instance, const Frame& frame) = 0;
  virtual bool is_connected(const std::string& instance) const = 0;
  // Thread-safe: makes a blocked poll() return early (another thread has work for the engine).
  virtual void wake() = 0;
};

}  // namespace mtg::link
