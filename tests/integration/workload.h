// A seeded stream of valid signals over a System's instances, and the check of
// the invariants of docs/requirements.md against independent evidence: RTRS (one final result per
// uuid) and the simulators' ledgers read by action (nothing executed beyond its volume,
// no close beyond its volume or reversing a position, and what was executed is what
// the final result says). The trade-actions mix (model::TradeMix on every instance)
// also compares each simulator's final book with the reference model.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "integration/system.h"
#include "model/trade_mix.h"

namespace mtg::testkit {

struct Tally {
  int signals = 0;
  double acting_share = 0;  // closes, close_all, modifies, modify_order and cancels among them
  int lost = 0;             // no final result
  int duplicated = 0;       // more than one final result
  int over_filled = 0;      // an open executed (or its pending order filled) beyond its volume
  int over_closed = 0;      // a close beyond its volume, reversing a position, or more closed than opened
  int mismatched = 0;       // ledger lots != the final result's filled_volume
  int books = 0;            // simulators' books compared with the model (trade-actions mix)
  int books_differ = 0;     // of those, books that differ from the model
  int events = 0;           // trade events the model read (trade-actions mix)
  std::map<std::string, int> finals;  // final results by status
  std::vector<std::string> problems;  // the first findings, with their evidence
  bool clean() const {
    return lost == 0 && duplicated == 0 && over_filled == 0 && over_closed == 0 && mismatched == 0 &&
           books_differ == 0;
  }
  // "M signals, L lost, D duplicated, X over-filled, Y mismatched", and with the
  // trade-actions mix "M signals (P% closes, modifies and cancels), L lost, D duplicated,
  // X over-filled, O over-closed, Y mismatched; B of N books equal the model (E trade
  // events); finals: filled F, placed P, ...".
  std::string summary() const;
};

// What a Workload draws.
enum class WorkloadMix {
  kMarketOpens,   // version-1 market opens
  kTradeActions,  // model::TradeMix: opens of every type, closes, close_all, modifies, cancels
};

class Workload {
 public:
  Workload(System& sys, uint64_t seed, int64_t ttl_ms = 600'000, WorkloadMix mix = WorkloadMix::kMarketOpens);
  Workload(const Workload&) = delete;  // the mixes draw from rng_
  Workload& operator=(const Workload&) = delete;

  // `n` new signals spread over the instances, remembered: market opens of 0.01 .. 0.50
  // lots, or draws of the trade-actions mix (closes by ticket aim at the positions the
  // engine last recorded for the instance; repeats are sent again, not remembered twice).
  std::vector<std::string> batch(int n);
  // XADDs a batch, again while Redis is down (a repeated uuid is answered
  // `duplicate`, never executed twice); false when Redis stayed down for ~20 s.
  bool submit(const std::vector<std::string>& batch);
  std::set<std::string> uuids() const;
  // The invariants over every signal so far; call after System::wait_final, and with
  // the trade-actions mix after stopping every simulator (check_books).
  Tally check() const;

 private:
  std::vector<Position> held(int instance) const;

  System& sys_;
  std::mt19937_64 rng_;
  int64_t ttl_ms_;
  WorkloadMix mix_;
  std::vector<std::unique_ptr<model::TradeMix>> mixes_;  // one per instance (kTradeActions)
  int next_ = 0;
  std::map<std::string, Signal> asked_;  // by uuid
};

}  // namespace mtg::testkit
