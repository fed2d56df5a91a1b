// Which orders may be at their terminal together (docs/protocol.md "Terminal duties"):
// opens are independent of each other, but every other action (close, close_all,
// modify, modify_order, cancel) is alone on its (instance, symbol) — no open, no other
// action of that symbol is in flight beside it — so a close never races the open it
// closes, nor a cancel the fill of its order. An action that names no symbol (a close
// by ticket or by ref, a close_all of every symbol) is alone on its whole instance.
// Waiting orders are offered in RTSS order, and one that must wait holds back the later
// ones it excludes (Engine::dispatch_waiting), so nothing overtakes.
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "order/order.h"

namespace mtg {

class ActionGate {
 public:
  // Whether `order` may be sent now beside the orders in flight (or reserved).
  bool admits(const Order& order) const;
  // Counts `order` as in flight (idempotent per uuid).
  void enter(const Order& order);
  // No longer in flight (no-op for a uuid not in flight).
  void leave(const std::string& uuid);
  size_t in_flight() const { return lanes_of_.size(); }

 private:
  struct Lane {
    int opens = 0;   // opens in flight on it
    int others = 0;  // other actions in flight on it
  };
  struct Entry {
    std::string instance;
    std::string symbol;  // "" = the whole instance
    bool open = false;
  };
  static Entry entry_of(const Order& order);
  Lane lane(const std::string& instance, const std::string& symbol) const;
  Lane& lane_ref(const Entry& e) { return lanes_[{e.instance, e.symbol}]; }

  std::map<std::pair<std::string, std::string>, Lane> lanes_;  // (instance, symbol or "")
  std::map<std::string, Lane> instances_;                      // totals per instance
  std::unordered_map<std::string, Entry> lanes_of_;            // uuid -> where it counts
};

}  // namespace mtg
