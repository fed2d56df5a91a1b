// The simulated market: a fixed set of symbols whose mid prices walk randomly (seeded),
// quoted as bid/ask around the mid and rounded to each symbol's digits. Symbols carry
// the broker's names: the canonical name plus the account's suffix ("EURUSD.m").
// Deterministic for a given Rng. Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/rng.h"

namespace mtg::sim {

// The prices an order meets.
struct Quote {
  double bid = 0;
  double ask = 0;
};

class Market {
 public:
  // EURUSD, GBPUSD, USDJPY and XAUUSD, each named with `suffix` appended.
  explicit Market(const std::string& suffix);

  bool knows(const std::string& symbol) const { return symbols_.contains(symbol); }
  // The broker's names of every symbol, sorted.
  std::vector<std::string> symbols() const;

  // Current prices and digits of a known symbol (precondition knows()).
  Quote quote(const std::string& symbol) const;
  int digits(const std::string& symbol) const;
  // The price rounded to the symbol's digits, as MT5 prints it: "1.09500".
  std::string format(const std::string& symbol, double price) const;

  // Moves a known symbol's mid one random step (at most 0.02 %), kept within
  // [base / 2, base * 2].
  void walk(const std::string& symbol, Rng& rng);
  // Puts a known symbol's mid at `mid` (clamped as the walk is). For tests and
  // scripted scenarios that need the market at a given price.
  void set_mid(const std::string& symbol, double mid);

 private:
  struct Symbol {
    double base = 0;  // the walk stays within [base / 2, base * 2]
    double mid = 0;
    double spread = 0;
    int digits = 0;
  };
  const Symbol& at(const std::string& symbol) const;

  std::map<std::string, Symbol> symbols_;  // by the broker's name
};

// value rounded to `digits` decimals.
double round_to(double value, int digits);

}  // namespace mtg::sim
