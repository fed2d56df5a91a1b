// A seeded stream of valid signals over a System's instances, and the check of
// the invariants of docs/requirements.md against independent evidence: RTRS (one final result per
// uuid) and the simulators' ledgers (nothing executed beyond its volume, and what was
// executed is what the final result says).
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "integration/system.h"

namespace mtg::testkit {

struct Tally {
  int signals = 0;
  int lost = 0;         // no final result
  int duplicated = 0;   // more than one final result
  int over_filled = 0;  // ledger volume above the signal's volume
  int mismatched = 0;   // ledger volume != the final result's filled_volume
  bool clean() const { return lost == 0 && duplicated == 0 && over_filled == 0 && mismatched == 0; }
  // "M signals, L lost, D duplicated, X over-filled, Y mismatched"
  std::string summary() const;
};

class Workload {
 public:
  Workload(System& sys, uint64_t seed, int64_t ttl_ms = 600'000);

  // `n` new signals spread over the instances, volumes 0.01 .. 0.50, remembered.
  std::vector<std::string> batch(int n);
  // XADDs a batch, again while Redis is down (a repeated uuid is answered
  // `duplicate`, never executed twice); false when Redis stayed down for ~20 s.
  bool submit(const std::vector<std::string>& batch);
  std::set<std::string> uuids() const;
  // The invariants over every signal so far; call after System::wait_final.
  Tally check() const;

 private:
  System& sys_;
  std::mt19937_64 rng_;
  int64_t ttl_ms_;
  int next_ = 0;
  std::map<std::string, double> asked_;  // uuid -> volume
};

}  // namespace mtg::testkit
