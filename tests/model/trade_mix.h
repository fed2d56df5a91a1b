// A seeded mix of trade actions against one account, the workload of every test of
// trade actions (the model-based test, the real-stack scenarios, the chaos campaign):
// opens of every type (market with or without SL/TP; limit, stop and stop_limit, some
// expiring), partial and full closes by position ticket and by ref, close_all of one
// symbol and side, modifies of SL/TP, modify_order and cancel of pending opens, repeats
// (the same uuid again) and stale copies (an earlier action under a new uuid). About
// 35% of the draws are opens once there is something to act on; the rest act on it.
//
// Prices are placed around fixed mids (EURUSD 1.10, GBPUSD 1.27: the simulator's start),
// so a market that walked away may refuse some of them: any final result is fine for
// the invariants, which only ask that what happened is what was reported.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "signal/signal.h"
#include "trade/position.h"

namespace mtg::model {

// One draw of the mix: a signal to submit, and whether it is a repeat of an earlier
// one (same uuid: it must be answered `duplicate`, never executed again).
struct MixDraw {
  Signal signal;
  bool repeat = false;
};

// Counts of what the mix produced, by kind ("open_market", "close_by_ref", ...).
using MixCounts = std::map<std::string, int64_t>;

class TradeMix {
 public:
  // Draws from `rng` (the caller's: its other draws interleave with the mix's), names
  // new signals with `new_uuid`, addresses them to `instance` with ttl_ms.
  TradeMix(std::mt19937_64& rng, std::function<std::string()> new_uuid, std::string instance, int64_t ttl_ms);

  // The next action at now_ms. `held` is the account's positions as last reported
  // (the targets of closes by ticket; none: a close by ref instead).
  MixDraw next(int64_t now_ms, const std::vector<Position>& held);

  // Every signal drawn so far, repeats once, by uuid.
  const std::map<std::string, Signal>& signals() const { return signals_; }
  const MixCounts& counts() const { return counts_; }
  // The share of non-open signals drawn so far (closes, close_all, modifies, cancels).
  double acting_share() const;

 private:
  double uniform();
  template <typename T>
  const T& pick(const std::vector<T>& from);
  std::string symbol();

  MixDraw record(Signal s, int64_t now_ms, const char* kind);
  Signal fresh(Action action);
  MixDraw open_market(int64_t now_ms);
  MixDraw open_pending(int64_t now_ms);
  MixDraw close_by_ref(int64_t now_ms);
  MixDraw close_by_ticket(int64_t now_ms, const std::vector<Position>& held);
  MixDraw close_all(int64_t now_ms);
  MixDraw modify(int64_t now_ms);
  MixDraw modify_order(int64_t now_ms);
  MixDraw cancel(int64_t now_ms);

  std::mt19937_64& rng_;
  std::function<std::string()> new_uuid_;
  std::string instance_;
  int64_t ttl_ms_;
  std::map<std::string, Signal> signals_;  // every uuid drawn
  std::vector<Signal> sent_;
  std::vector<std::string> opens_;    // uuids of opens (targets of refs)
  std::vector<std::string> pending_;  // uuids of pending opens
  MixCounts counts_;
};

// The mid price the mix places prices around.
double mix_mid(const std::string& symbol);

}  // namespace mtg::model
