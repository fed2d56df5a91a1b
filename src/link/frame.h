// The frames of the terminal link protocol, version 1 (docs/protocol.md). One typed
// struct per frame "type"; `Frame` holds any of them. Values are plain data: limits
// (string lengths, list sizes) are enforced by the codec, not here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mtg::link {

inline constexpr int kProtocolVersion = 1;
inline constexpr size_t kMaxLineBytes = 65536;        // one frame, newline included
inline constexpr size_t kMaxQueryIds = 256;           // client_ids per query frame
inline constexpr size_t kMaxKnownPerFrame = 32;       // orders per known frame
inline constexpr size_t kMaxPositionsPerFrame = 256;  // positions per positions frame
inline constexpr size_t kMaxClientIdChars = 26;
inline constexpr size_t kMaxUuidChars = 64;
inline constexpr size_t kMaxInstanceChars = 64;
inline constexpr size_t kMaxTokenChars = 256;
inline constexpr size_t kMaxTerminalChars = 64;
inline constexpr size_t kMaxSymbolChars = 32;
inline constexpr size_t kMaxResultReasonChars = 128;
inline constexpr size_t kMaxErrorReasonChars = 256;

enum class Side { kBuy, kSell };

// terminal -> engine, the first frame of a connection.
struct Hello {
  int version = kProtocolVersion;
  std::string instance;
  std::string token;
  std::string terminal;  // e.g. "sim/1.0", "mt5-ea/1.0"
  bool broker_connected = false;
  bool operator==(const Hello&) const = default;
};

// engine -> terminal, the answer to an accepted hello.
struct Welcome {
  int version = kProtocolVersion;
  int heartbeat_ms = 1000;
  bool operator==(const Welcome&) const = default;
};

// Both ways. broker_connected is set by terminals only.
struct Heartbeat {
  int64_t ts = 0;  // Unix ms
  std::optional<bool> broker_connected;
  bool operator==(const Heartbeat&) const = default;
};

// engine -> terminal: execute one market order (idempotent per client_id).
struct OrderFrame {
  std::string client_id;
  std::string uuid;
  int leg = 0;
  std::string symbol;
  Side side = Side::kBuy;
  std::string order_type = "market";  // the only type of protocol version 1
  double volume = 0;                  // lots
  double price = 0;
  double sl = 0;
  double tp = 0;
  int64_t expires_at = 0;  // Unix ms; not executed when received later
  bool operator==(const OrderFrame&) const = default;
};

// terminal -> engine: the outcome of an order (MQL5 retcode, see link/retcode.h).
struct ResultFrame {
  std::string client_id;
  std::string uuid;
  int leg = 0;
  int retcode = 0;
  double filled_volume = 0;  // lots
  double price = 0;
  int64_t ticket = 0;  // order ticket, 0 when none
  int64_t deal = 0;    // deal ticket, 0 when none
  std::string reason;
  bool operator==(const ResultFrame&) const = default;
};

// engine -> terminal: what do you know of these orders?
struct QueryFrame {
  std::vector<std::string> client_ids;
  bool operator==(const QueryFrame&) const = default;
};

// One answer of a known frame: no result means state "unknown" (never executed).
struct KnownOrder {
  std::string client_id;
  std::optional<ResultFrame> result;
  bool operator==(const KnownOrder&) const = default;
};

// terminal -> engine: answers to a query, possibly split over several frames.
struct KnownFrame {
  std::vector<KnownOrder> orders;
  bool operator==(const KnownFrame&) const = default;
};

// engine -> terminal: list your open positions.
struct PositionsRequest {
  bool operator==(const PositionsRequest&) const = default;
};

struct Position {
  int64_t ticket = 0;
  std::string symbol;
  Side side = Side::kBuy;
  double volume = 0;  // lots
  double price = 0;   // open price
  bool operator==(const Position&) const = default;
};

// terminal -> engine: the open positions (truncated when there are more than fit).
struct Positions {
  std::vector<Position> positions;
  bool truncated = false;
  bool operator==(const Positions&) const = default;
};

// Both ways: the sender closes the connection after it, for `reason`.
struct ErrorFrame {
  std::string reason;
  bool operator==(const ErrorFrame&) const = default;
};

using Frame = std::variant<Hello, Welcome, Heartbeat, OrderFrame, ResultFrame, QueryFrame,
                           KnownFrame, PositionsRequest, Positions, ErrorFrame>;

// The wire "type" of a frame, e.g. "result".
const char* frame_type(const Frame& frame);

// "buy" / "sell".
const char* side_name(Side side);

}  // namespace mtg::link
