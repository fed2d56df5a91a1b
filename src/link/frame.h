// The frames of the terminal link protocol, version 2 (docs/protocol.md); version-1
// terminals are still served (market opens only). One typed struct per frame "type";
// `Frame` holds any of them. Values are plain data: limits (string lengths, list
// sizes) are enforced by the codec, not here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "trade/position.h"
#include "trade/trade_action.h"
#include "trade/trade_event.h"

namespace mtg::link {

inline constexpr int kProtocolVersion = 2;     // what this side speaks
inline constexpr int kMinProtocolVersion = 1;  // the oldest terminal still served
inline constexpr size_t kMaxLineBytes = 65536;        // one frame, newline included
inline constexpr size_t kMaxQueryIds = 256;           // client_ids per query frame
inline constexpr size_t kMaxKnownPerFrame = 32;       // orders per known frame
// 128 entries with every field at its longest still fit a line (about 37 KB).
inline constexpr size_t kMaxPositionsPerFrame = 128;  // positions per positions frame
inline constexpr size_t kMaxOrdersPerFrame = 128;     // pending orders per orders frame
inline constexpr size_t kMaxEventAckIds = 256;        // ids per event_ack frame
inline constexpr size_t kMaxEventIdChars = 128;
inline constexpr size_t kMaxClientIdChars = 26;
inline constexpr size_t kMaxUuidChars = 64;
inline constexpr size_t kMaxInstanceChars = 64;
inline constexpr size_t kMaxTokenChars = 256;
inline constexpr size_t kMaxTerminalChars = 64;
inline constexpr size_t kMaxSymbolChars = 32;
inline constexpr size_t kMaxResultReasonChars = 128;
inline constexpr size_t kMaxErrorReasonChars = 256;

using ::mtg::Action;
using ::mtg::CloseSide;
using ::mtg::OrderType;
using ::mtg::PendingOrder;
using ::mtg::Position;
using ::mtg::Side;

// terminal -> engine, the first frame of a connection.
struct Hello {
  int version = kProtocolVersion;
  std::string instance;
  std::string token;
  std::string terminal;  // e.g. "sim/1.0", "mt5-ea/1.0"
  bool broker_connected = false;
  bool operator==(const Hello&) const = default;
};

// engine -> terminal, the answer to an accepted hello: the version both speak from now
// on, min(hello.version, kProtocolVersion).
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

// engine -> terminal: carry out one action (idempotent per client_id). Version-1
// terminals get only market opens, encoded as version 1 wrote them.
struct OrderFrame {
  std::string client_id;
  std::string uuid;
  int leg = 0;
  std::string symbol;  // the broker's name (after the instance's symbol_map); "" = none given
  Side side = Side::kBuy;
  OrderType order_type = OrderType::kMarket;
  double volume = 0;   // open: lots; close: lots to close, 0 = all of it
  // As in Signal: absent = not given (open) or unchanged (modify, modify_order).
  std::optional<double> price;
  std::optional<double> sl;
  std::optional<double> tp;
  int64_t expires_at = 0;  // Unix ms; not executed when received later
  // Version 2:
  Action action = Action::kOpen;
  std::optional<double> stop_limit_price;
  std::optional<int64_t> expiration;  // pending order expiry, Unix ms; 0 = good till cancelled
  int64_t deviation = 0;              // market open: points
  int64_t position = 0;               // close, modify: ticket
  int64_t order = 0;                  // modify_order, cancel: ticket
  std::string ref;                    // uuid of the open signal targeted
  CloseSide close_side = CloseSide::kBoth;  // close_all
  // close: the position volume the engine saw when it decided (0 = it saw none, by
  // ref or close_all: the terminal takes what it holds). A close executes only while
  // the position still holds at least this much, so a repeat never closes twice.
  double expected_volume = 0;
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
  int64_t ticket = 0;    // order ticket, 0 when none
  int64_t deal = 0;      // (last) deal ticket, 0 when none
  std::string reason;
  int64_t position = 0;  // version 2: position ticket opened, changed or closed; 0 when none
  bool operator==(const ResultFrame&) const = default;
};

// engine -> terminal: what do you know of these orders?
struct QueryFrame {
  std::vector<std::string> client_ids;
  bool operator==(const QueryFrame&) const = default;
};

enum class KnownState {
  kUnknown,  // never executed: the engine may send it again under the same client id
  kPending,  // received, outcome not yet settled in durable history: ask again later
  kDone,     // settled; `result` holds the outcome (failed ones included)
};

// "unknown", "pending", "done".
const char* known_state_name(KnownState state);

// One answer of a known frame: done when `result` is set, else pending or unknown.
struct KnownOrder {
  std::string client_id;
  std::optional<ResultFrame> result;
  bool pending = false;  // version 2; never with a result
  KnownState state() const {
    return result ? KnownState::kDone : pending ? KnownState::kPending : KnownState::kUnknown;
  }
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

// terminal -> engine: the open positions (truncated when there are more than fit),
// after a positions_request and after every change of them.
struct Positions {
  std::vector<Position> positions;
  bool truncated = false;
  bool operator==(const Positions&) const = default;
};

// terminal -> engine (version 2): the pending orders, sent with every positions frame.
struct Orders {
  std::vector<PendingOrder> orders;
  bool truncated = false;
  bool operator==(const Orders&) const = default;
};

// terminal -> engine (version 2): something that happened at the broker without an
// order frame. The terminal keeps it (durably) and sends it again after every
// reconnect until the engine acknowledges its id. `event.instance` is not on the wire
// (the connection says it).
struct EventFrame {
  TradeEvent event;
  bool operator==(const EventFrame&) const = default;
};

// engine -> terminal (version 2): these events are recorded; forget them.
struct EventAck {
  std::vector<std::string> ids;
  bool operator==(const EventAck&) const = default;
};

// Both ways: the sender closes the connection after it, for `reason`.
struct ErrorFrame {
  std::string reason;
  bool operator==(const ErrorFrame&) const = default;
};

using Frame = std::variant<Hello, Welcome, Heartbeat, OrderFrame, ResultFrame, QueryFrame, KnownFrame,
                           PositionsRequest, Positions, Orders, EventFrame, EventAck, ErrorFrame>;

// The wire "type" of a frame, e.g. "result".
const char* frame_type(const Frame& frame);

}  // namespace mtg::link
