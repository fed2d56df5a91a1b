// The Trade Engine's decisions: what happens to each RTSS entry, each terminal result
// and each tick. It owns RTS/RIS transitions (through OrderStore) and talks to
// terminals only through link::TerminalLink, so tests drive it with fakes and a
// ManualClock. Single-threaded: one thread calls every method.
//
// Rules (docs/requirements.md "Recovery rules"):
// - every RTSS entry gets exactly one final result: bad input -> rejected (and a dead
//   letter), too old -> expired, seen uuid -> duplicate (never replaces the original);
// - an order is marked `sent` in RTS before its frame leaves (write-ahead), so after a
//   crash an order is either provably unsent (`received`) or asked about (`query`);
// - a terminal that (re)connects is first asked what it knows of every in-flight order
//   of its instance; only what it never saw is sent again;
// - a fill never takes an order beyond its volume; a partial fill continues with the
//   remainder as a new leg (a new client id) until filled, refused, out of legs or expired;
// - an outcome the terminal cannot vouch for (10012, 0, a code not in link/retcode.h) is
//   never read as "not executed": the leg is asked about again, never sent under a new
//   client id, until the terminal's durable history answers.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "engine/action_gate.h"
#include "engine/positions_audit.h"
#include "engine/order_store.h"
#include "engine/recent_finals.h"
#include "engine/recovery_schedule.h"
#include "engine/spill_journal.h"
#include "link/terminal_link.h"
#include "notify/notifier.h"
#include "prefs/prefs.h"
#include "signal/signal_parser.h"
#include "util/clock.h"

namespace mtg {

// The connection-loss policy (docs/requirements.md §3.3, §5.1): while an instance's terminal link or
// its broker connection is down, every attempt_interval_ms counts one attempt; at
// notify_at a warning, at disable_at the instance is disabled (its unsent signals are
// answered `dropped`), a critical notification is sent and the recovery action runs.
// A terminal that comes back to an instance disabled this way is first reconciled
// (every in-flight order answered by `known`), then the instance is enabled again.
// Recovery actions are spread over the fleet by `recovery` (RecoverySchedule).
struct LinkPolicy {
  int64_t attempt_interval_ms = 3'000;
  int notify_at = 5;
  int disable_at = 10;
  RecoveryBudget recovery;
  uint64_t jitter_seed = 0;  // seeds the recovery jitter (tests replay; the service uses its pid)
};

// What the engine does outside itself when the policy says so.
struct EngineHooks {
  notify::Notifier* notifier = nullptr;                          // may be null
  std::function<void(const std::string& instance)> recovery;    // may be empty
  SpillJournal* spill = nullptr;  // results the store refused, kept across crashes; may be null
};

struct EngineLimits {
  int max_legs = 8;                       // legs (first order + remainders and retries) per signal
  int64_t query_after_ms = 5'000;         // ask again about an in-flight order silent this long
  size_t max_open_orders = 100'000;       // intake pauses above this many open orders
  size_t max_deferred = 100'000;          // results waiting for the store; dropped above (re-queried)
  // Final results kept to give back to a Redis that lost its last seconds (RecentFinals):
  // far longer than the ~2 s Redis may lose, and than the heartbeat that sees its restart.
  int64_t recent_finals_window_ms = 60'000;
  size_t max_recent_finals = 200'000;
};

// Counters for status output and tests.
struct EngineStats {
  uint64_t accepted = 0, duplicates = 0, rejected = 0, expired = 0, dropped = 0, finalized = 0;
  uint64_t frames_sent = 0, queries_sent = 0, stale_results = 0, store_errors = 0;
  uint64_t unknown_outcomes = 0;  // results no terminal vouched for (e.g. 10012), asked about again
  uint64_t events = 0;            // trade events appended to the events stream
};

class Engine {
 public:
  Engine(const Config& config, OrderStore& store, link::TerminalLink& link, const Clock& clock,
         EngineLimits limits = {}, LinkPolicy policy = {}, EngineHooks hooks = {});

  // Loads RIS and every open order from the store (recovery). Must succeed before the
  // other calls; an error means the store is unreachable and start() may be retried.
  Status start();

  // Decides about RTSS entries (new ones, or pending ones left by a crash).
  // Returns the first store error; entries not decided stay pending in RTSS and are
  // decided when they are read again.
  Status on_entries(const std::vector<RtssEntry>& entries);
  // Connects, disconnects and frames from terminals.
  void on_link_events(const std::vector<link::LinkEvent>& events);
  // Timers: expiry of unsent orders, re-queries, retries of unsaved results.
  void on_tick();

  // Redis restarted (a new run_id) and may have lost its last seconds of writes: every
  // final result written within limits.recent_finals_window_ms is written again with its
  // final state and dedup record unless RTS holds the order settled (OrderStore::finalize),
  // every order open here is written again (OrderStore::reassert_open), and an order RTS holds
  // open that this engine does not (its final result was lost) is taken up again: its
  // terminal is asked about it before anything is sent. An error means the store is
  // unreachable again; the call may be repeated.
  Status on_store_restarted();

  // Operator command: enables or disables an instance (reason "operator"). Disabling
  // answers its unsent signals `dropped`. kNotFound for an unknown instance.
  Status set_enabled(const std::string& instance, bool enabled);

  // User preferences, applied to signals decided from now on: the default ttl_ms of
  // signals without one, and per-instance volume caps (the smaller of the cap and the
  // instance config's max_volume applies). Unset preferences fall back to the config.
  void apply_prefs(const Prefs& prefs);

  // False while intake should pause (too many open orders, or results not yet stored).
  bool accepting() const;
  size_t open_orders() const { return orders_.size(); }
  const EngineStats& stats() const { return stats_; }
  // Instance states as the engine sees them, sorted by id.
  std::vector<InstanceState> instances() const;

 private:
  struct Flight {             // in-memory bookkeeping of an order in flight
    int64_t sent_steady_ms = 0;
    bool queried = false;     // a query is outstanding; don't resend until answered
  };

  struct DeferredResult {      // a terminal result the store could not take yet
    std::string instance;
    link::ResultFrame result;
  };

  // Decides one entry; the decision waits in intakes_ for on_entries to store it.
  Status decide_entry(const RtssEntry& entry);
  Status reject(const RtssEntry& entry, const std::string& uuid, const Signal* signal,
                const std::string& reason);
  void stage_intake(IntakeDecision decision);
  // What the store's answer to a decision means here; instances whose waiting orders may
  // go now are added to `to_dispatch`.
  Status apply_intake(const IntakeDecision& decision, const Result<IntakeOutcome>& outcome,
                      std::set<std::string>& to_dispatch);

  // Store writes of order transitions. Inside a batch (begin_batch .. flush_batch) they
  // wait and go to the store together, one round trip, each still atomic on its own;
  // outside one, each goes at once. `done` changes memory once the store took the write
  // (its answer: false when RTS held the order final already); a write the store
  // refused changes nothing here: outside a batch its error is returned, inside one the
  // batch's refusal handler gets it. An order has at most one write in a batch.
  using WriteDone = std::function<void(bool written)>;
  using WriteRefused = std::function<void(const Status& error)>;
  Status write_order(OrderWrite write, WriteDone done);
  void begin_batch(WriteRefused refused);
  // Sends the batch's writes and keeps the batch open; returns the first refusal (each
  // one also went to its handler).
  Status flush_batch();
  // Sends the batch's writes and closes it.
  Status end_batch();
  // Flushes the batch when it holds a write of `uuid`, so that what follows reads the
  // order as the store took it.
  void settle(const std::string& uuid);
  // Sends the waiting orders of these instances that may go now, in one batch.
  Status dispatch(const std::set<std::string>& instances);
  // Where an open order waits: by instance, in RTSS order.
  using WaitKey = std::pair<std::pair<uint64_t, uint64_t>, std::string>;  // (stream position, uuid)
  static WaitKey wait_key(const Order& order);
  // Keeps waiting_ and gate_ in step with the order's state (call after every change
  // of an order in orders_, and before removing one that is final).
  void track(const Order& order);
  // Sends the instance's waiting orders that its terminal can take now, in RTSS order
  // (engine/action_gate.h); refuses those a version-1 terminal cannot carry. Inside the
  // batch that dispatch() opens.
  Status dispatch_waiting(const std::string& instance);
  // received -> sent (written ahead) and then the first leg's frame.
  Status send_first_leg(const Order& order);
  void send_leg(const Order& order);
  // What a close by position ticket expects the position to hold (the terminal's last
  // report), or 0 when the engine saw none.
  double position_volume(const Order& order) const;
  void on_connected(const std::string& instance);
  void on_frame(const std::string& instance, const link::Frame& frame);
  void on_known(const std::string& instance, const link::KnownFrame& known);
  // Holdings and trade events reported by a terminal (engine_holdings.cc).
  void on_positions(const std::string& instance, const link::Positions& positions);
  void on_orders(const std::string& instance, const link::Orders& orders);
  void on_event(const std::string& instance, const link::EventFrame& event);
  // Appends the event to the events stream once (by id); false (counted, logged) when
  // the store refused it.
  bool record_event(const TradeEvent& event);
  void save_holdings(const std::string& instance);
  // Once the instance's positions audit is ready and nothing of it is in flight: each
  // mismatch is recorded as a positions_mismatch trade event and notified; the reported
  // positions are adopted (engine/positions_audit.h).
  void audit_positions(const std::string& instance);
  // Applies a terminal result; the in-memory order changes only when the store took it.
  Status on_result(const std::string& instance, const link::ResultFrame& result);
  // A result the terminal vouches for as executed (done or partial), per action.
  Status on_executed(Order& order, const link::ResultFrame& result, const std::string& why);
  Status continue_or_finish(Order& order, bool filled_now, const std::string& why);
  // An outcome the terminal cannot vouch for (RetcodeClass::kUnknown): the leg stays in
  // flight, unchanged, and its terminal is asked about it again after query_after_ms.
  void await_outcome(const Order& order, const std::string& why);
  Status finish(Order& order, ResultStatus status, const std::string& reason);
  // Gives back to the store the final of uuid if the engine wrote it recently (a Redis
  // that lost it would take a resubmission for a new signal); nothing otherwise.
  Status restore_recent_final(const std::string& uuid);
  void send_queries(const std::string& instance, const std::vector<std::string>& uuids);
  void defer(const std::string& instance, const link::ResultFrame& result);
  void retry_deferred();
  void expire_unsent();
  void dispatch_waiting();
  void requery_silent();
  void watch_links();
  void disable(InstanceState& state, const std::string& reason);
  void run_due_recovery();
  void reenable_reconciled();
  void drop_unsent(const std::string& instance, const std::string& reason);
  void notify(notify::Severity severity, const std::string& instance, const std::string& kind,
              const std::string& message);
  InstanceState& instance_state(const std::string& id);
  void save_instance(const InstanceState& state);

  const Config& config_;
  OrderStore& store_;
  link::TerminalLink& link_;
  const Clock& clock_;
  EngineLimits limits_;
  LinkPolicy policy_;
  EngineHooks hooks_;
  std::map<std::string, int64_t> last_attempt_ms_;  // steady ms of the last counted attempt
  RecoverySchedule recovery_;
  SignalLimits signal_limits_;
  std::map<std::string, double> volume_caps_;       // instance -> lots, from preferences
  std::unordered_map<std::string, Order> orders_;   // open orders by uuid
  std::unordered_map<std::string, Flight> flights_; // by uuid, for sent/partial orders
  std::map<std::string, std::set<WaitKey>> waiting_; // received orders by instance, RTSS order
  ActionGate gate_;                                  // which orders are in flight where
  std::map<std::string, int> versions_;              // protocol version of each connected terminal
  std::map<std::string, Holdings> holdings_;         // each instance's last reported holdings
  std::map<std::string, PositionsAudit> audits_;     // each instance's positions since its last report
  std::deque<DeferredResult> deferred_;             // results to apply again
  RecentFinals recent_finals_;                       // finals written lately, for a Redis that loses them
  std::map<std::string, InstanceState> instances_;
  EngineStats stats_;
  bool started_ = false;
  std::vector<IntakeDecision> intakes_;              // decided entries, stored by on_entries
  struct StagedWrite {
    OrderWrite write;
    WriteDone done;
    WriteRefused refused;
  };
  bool batching_ = false;
  WriteRefused refused_;                             // the open batch's refusal handler
  std::vector<StagedWrite> staged_;                  // the open batch's writes
  std::set<std::string> staged_uuids_;               // their orders
};

}  // namespace mtg
