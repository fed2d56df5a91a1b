// The simulated broker: symbols whose prices do a seeded random walk, market orders
// filled at bid/ask with outcomes drawn from SimConfig, and the position book of a
// netting or hedging account. Deterministic for a given Rng. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "link/frame.h"
#include "util/rng.h"

namespace mtg::sim {

inline constexpr int64_t kLotCentsPerLot = 100;  // volumes are whole multiples of 0.01 lots
inline constexpr int kMaxLatencyMs = 2000;       // drawn latencies are capped at this

// An order as the broker sees it.
struct BrokerOrder {
  std::string symbol;
  link::Side side = link::Side::kBuy;
  double volume = 0;  // lots
};

// The broker's answer: retcode (link/retcode.h), filled lots and price (0 unless filled).
struct Execution {
  int retcode = 0;
  double filled_volume = 0;
  double price = 0;
  std::string reason;
};

// One executed deal, as kept in the ledger and replayed into the book on restart.
struct Deal {
  std::string symbol;
  link::Side side = link::Side::kBuy;
  double volume = 0;  // lots filled
  double price = 0;
  int64_t ticket = 0;  // order ticket
  int64_t deal = 0;    // deal ticket
};

class Broker {
 public:
  // config.account is "netting" or "hedging" (anything else is netting).
  Broker(const SimConfig& config, std::unique_ptr<Rng> rng);

  // Moves the symbol's price one step and draws the outcome of a market order:
  // 10014 for a volume <= 0 or not a multiple of 0.01, 10006 for an unknown symbol,
  // else reject (10006), requote (10004), partial fill (10010, at least 0.01 lots and
  // less than the volume) or full fill (10009) at ask (buy) / bid (sell). The book is
  // not changed: see book_deal().
  Execution execute(const BrokerOrder& order);

  // A latency in [latency_ms_min, latency_ms_max], capped at kMaxLatencyMs.
  int draw_latency_ms();

  // Whether an executed order is answered 10012 (timeout_after_fill_prob). Draws
  // nothing when that probability is 0, so other settings keep their sequences.
  bool draw_timeout_after_fill();

  // Fresh order and deal tickets (strictly increasing, above every booked one).
  int64_t next_ticket() { return next_ticket_++; }
  int64_t next_deal() { return next_deal_++; }

  // Applies a deal to the positions (netting: one position per symbol, opposite deals
  // reduce, close or reverse it; hedging: every deal opens a position).
  void book_deal(const Deal& deal);

  // Open positions, by ticket.
  std::vector<link::Position> positions() const;

  // Current bid and ask of a known symbol; precondition knows_symbol().
  double bid(const std::string& symbol) const;
  double ask(const std::string& symbol) const;
  bool knows_symbol(const std::string& symbol) const { return symbols_.contains(symbol); }

 private:
  struct Symbol {
    double base = 0;    // the walk stays within [base / 2, base * 2]
    double mid = 0;
    double spread = 0;
    int digits = 0;
  };
  struct BookPosition {
    int64_t ticket = 0;
    std::string symbol;
    link::Side side = link::Side::kBuy;
    int64_t lot_cents = 0;
    double price = 0;
  };

  void walk(Symbol& s);
  void book_netting(const Deal& deal, int64_t lot_cents);

  SimConfig config_;
  std::unique_ptr<Rng> rng_;
  std::map<std::string, Symbol> symbols_;
  std::map<int64_t, BookPosition> positions_;  // by ticket
  int64_t next_ticket_ = 1;
  int64_t next_deal_ = 1;
};

// The volume in whole 0.01 lots, or -1 when it is not a positive multiple of 0.01.
int64_t to_lot_cents(double volume);

}  // namespace mtg::sim
