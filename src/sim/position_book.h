// The open positions of a netting or hedging account, changed only by deals. Volumes
// are kept in whole 0.01 lots. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trade/position.h"
#include "util/status.h"

namespace mtg::sim {

inline constexpr int64_t kLotCentsPerLot = 100;  // volumes are whole multiples of 0.01 lots

// The volume in whole 0.01 lots, or -1 when it is not a positive multiple of 0.01.
int64_t to_lot_cents(double volume);
// Whole 0.01 lots as lots.
double lots(int64_t lot_cents);

// One executed deal, as kept in the ledger and replayed into the book on restart.
struct Deal {
  std::string symbol;
  Side side = Side::kBuy;
  double volume = 0;  // lots filled
  double price = 0;
  int64_t ticket = 0;          // order ticket
  int64_t deal = 0;            // deal ticket
  int64_t position = 0;        // the position it closes (part of); 0: an opening deal
  bool fills_pending = false;  // an opening deal that fills the pending order `ticket`
  double sl = 0;               // opening deal: the position's stops (0 = none)
  double tp = 0;
  std::string ref;  // opening deal: the uuid of the signal whose order it fills
  bool operator==(const Deal&) const = default;
};

// What a deal did to the positions (MT5's DEAL_ENTRY): opened or added to a position,
// reduced or closed one, or reversed a netting position.
enum class DealEntry { kIn, kOut, kInOut };

// "in", "out", "inout".
const char* deal_entry_name(DealEntry entry);
Result<DealEntry> parse_deal_entry(std::string_view name);

struct DealEffect {
  int64_t position = 0;  // the position the deal opened, changed or closed
  DealEntry entry = DealEntry::kIn;
  bool operator==(const DealEffect&) const = default;
};

class PositionBook {
 public:
  explicit PositionBook(bool hedging) : hedging_(hedging) {}

  // What apply() would do, or why the deal does not fit the book (kCorruption: a
  // closing deal on a position that is not open, on its own side, or for more than it
  // holds; a volume that is not whole 0.01 lots). An opening deal on a hedging account
  // opens position `ticket`; on a netting account it adds to the symbol's position,
  // reduces or closes it, or reverses it (the rest opens position `ticket`).
  Result<DealEffect> plan(const Deal& deal) const;
  // Applies a deal that fits (precondition: plan(deal) is ok); returns its effect.
  DealEffect apply(const Deal& deal);

  // The open position with this ticket, or nullptr.
  const Position* find(int64_t ticket) const;
  // Open positions by ticket: every one (symbol "" and kBoth), those whose ref is
  // `ref`, or those of a symbol ("" = all) and side.
  std::vector<Position> all() const;
  std::vector<Position> with_ref(const std::string& ref) const;
  std::vector<Position> matching(const std::string& symbol, CloseSide side) const;

  // Sets the stops of an open position; kCorruption when it is not open.
  Status set_stops(int64_t ticket, double sl, double tp);

 private:
  struct Held {
    Position position;  // position.volume mirrors lot_cents
    int64_t lot_cents = 0;
  };
  std::map<int64_t, Held>::const_iterator netting_position(const std::string& symbol) const;
  void open_position(const Deal& deal, int64_t ticket, int64_t lot_cents);
  void set_volume(Held& held, int64_t lot_cents);

  bool hedging_;
  std::map<int64_t, Held> positions_;  // by ticket
};

}  // namespace mtg::sim
