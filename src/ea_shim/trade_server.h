// The fake MT5 trade server behind the shim: the simulator's broker (sim::TerminalSim,
// its ledger in the simulator's format) executing each MqlTradeRequest as a broker
// would, without any memory of client ids (a request sent twice executes twice), plus
// what only a real terminal shows the EA: 10012/10031 for executed orders, comments cut
// or rewritten in history, history that arrives late after a restart, and crashes
// around OrderSend. Its history is read back from the ledger, so it survives the EA
// (and mtguard-ea) being killed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ios>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "ea_shim/trade_api.h"
#include "link/frame.h"
#include "sim/terminal_sim.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg::ea_shim {

// Scripted faults; each counts down per OrderSend that reaches the server.
struct TradeFaults {
  int ambiguous_retcode = 0;      // answer this (10012, 10031) instead of the outcome ...
  int ambiguous_sends = 0;        // ... for this many executed requests
  int crash_before_execution = 0;  // crash at the Nth OrderSend from now, before it executes
  int crash_after_execution = 0;   // crash at the Nth OrderSend from now, after it executed
  size_t comment_chars = 31;      // history shows at most this much of a comment
  std::string comment_rewrite;    // history shows this comment for every client deal ("" = keep)
  int64_t history_late_until_ms = 0;  // HistorySelect finds nothing before this time
  bool connected = true;          // TERMINAL_CONNECTED; false: OrderSend answers 10031 unexecuted
};

// One deal as MQL5's history shows it.
struct HistoryDeal {
  ulong ticket = 0;
  ulong order = 0;
  ulong position = 0;
  int type = DEAL_TYPE_BUY;
  int entry = DEAL_ENTRY_IN;
  int reason = DEAL_REASON_EXPERT;
  ulong magic = 0;
  int64_t time_ms = 0;
  double volume = 0;
  double price = 0;
  std::string symbol;
  std::string comment;
};

// One order that left the book (filled, cancelled or expired), as MQL5's history shows it.
struct HistoryOrder {
  ulong ticket = 0;
  int type = ORDER_TYPE_BUY_LIMIT;  // ENUM_ORDER_TYPE
  int state = ORDER_STATE_FILLED;   // ENUM_ORDER_STATE
  ulong magic = 0;
  ulong position = 0;  // filled: the position it opened or changed
  int64_t time_done_ms = 0;
  double volume = 0;
  double price = 0;
  std::string symbol;
  std::string comment;
};

// The JSON objects appended to a file of JSON lines since the last read_new (the file
// only grows; a last line without its "\n" yet is left for a later call).
class JsonlTail {
 public:
  explicit JsonlTail(std::string path) : path_(std::move(path)) {}
  std::vector<nlohmann::json> read_new();

 private:
  std::string path_;
  std::streamoff offset_ = 0;
};

// MQL5's ENUM_ORDER_TYPE of a pending order of `type` on `side`.
int mql_order_type(OrderType type, Side side);

class TradeServer {
 public:
  // The broker kept in ledger_path (+ ".journal"), as `mtguard sim` keeps it.
  static Result<std::unique_ptr<TradeServer>> open(const std::string& ledger_path, const SimConfig& config,
                                                   const Clock& clock);

  TradeFaults& faults() { return faults_; }
  // Labels a client id with the signal it executes (uuid, leg), for the ledger's
  // lines; never used to decide anything.
  void tap(const link::OrderFrame& order) { labels_[order.client_id] = order; }
  // The broker on its own: pending orders, SL and TP (MarketWatch).
  Status tick();
  // The simulator also records each trade event it makes, unacknowledged, in its files
  // (the evidence tests read); the EA reports them from history under the same ids.
  // Acknowledges there those the EA's journal holds acknowledged by the engine.
  Status acknowledge_events(const std::function<bool(const std::string&)>& acked_by_ea);

  MqlTradeResult send(const MqlTradeRequest& request);
  std::vector<Position> positions() const;
  std::vector<PendingOrder> orders() const;
  // Every deal in the ledger, as history shows it now (faults applied).
  std::vector<HistoryDeal> history() const;
  // Every pending order that left the book, oldest first (faults applied).
  std::vector<HistoryOrder> history_orders() const;
  // The client id whose request placed the pending order `ticket` ("" when none did).
  std::string placed_by(int64_t ticket) const;
  // ORDER_MAGIC of the pending order `ticket`: the magic of the request that placed it.
  ulong order_magic(int64_t ticket) const;
  sim::Broker& broker() { return sim_->broker(); }
  bool hedging() const { return config_.account == "hedging"; }
  // SYMBOL_FILLING_* flags the symbol allows.
  int filling_flags(const std::string& symbol) const;
  const Clock& clock() const { return clock_; }

 private:
  TradeServer(std::unique_ptr<sim::TerminalSim> sim, std::string ledger_path, const SimConfig& config,
              const Clock& clock);
  // The order frame the simulator executes for a request, or a refusal retcode.
  int to_order(const MqlTradeRequest& request, link::OrderFrame& order) const;
  int to_pending(const MqlTradeRequest& request, link::OrderFrame& order) const;
  // A client id the simulator has never executed: the comment, else comment~N.
  std::string fresh_client_id(const std::string& comment) const;
  // The comment and magic of a client id as history shows them (faults applied).
  void label(const std::string& client_id, std::string& comment, ulong& magic) const;

  std::unique_ptr<sim::TerminalSim> sim_;
  std::string ledger_path_;
  SimConfig config_;
  const Clock& clock_;
  TradeFaults faults_;
  // Reads what the broker recorded since the last call into the members below.
  void catch_up() const;
  // The resting order `ticket` left the book (a no-op for one never placed by a request).
  void end_order(int64_t ticket, int state, ulong position, int64_t time_ms) const;

  std::map<std::string, link::OrderFrame> labels_;
  // History as the broker's files hold it, read incrementally (faults applied on reading).
  struct RecordedDeal {
    HistoryDeal deal;       // magic 0, the ledger's comment
    std::string client_id;  // the client's order it was made for, "" for the broker's own
  };
  mutable JsonlTail ledger_tail_;
  mutable JsonlTail journal_tail_;
  mutable std::vector<RecordedDeal> deals_;
  mutable std::map<int64_t, HistoryOrder> resting_;            // by ticket
  mutable std::vector<HistoryOrder> ended_;                    // in the order they were read
  mutable std::map<int64_t, std::string> placed_by_;           // pending order ticket -> client id
};

}  // namespace mtg::ea_shim
