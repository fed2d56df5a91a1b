#include "engine/action_gate.h"

#include "util/check.h"

namespace mtg {

ActionGate::Entry ActionGate::entry_of(const Order& order) {
  return Entry{order.signal.instance, order.signal.symbol, order.signal.action == Action::kOpen};
}

ActionGate::Lane ActionGate::lane(const std::string& instance, const std::string& symbol) const {
  auto it = lanes_.find({instance, symbol});
  return it == lanes_.end() ? Lane{} : it->second;
}

bool ActionGate::admits(const Order& order) const {
  const Entry e = entry_of(order);
  const Lane whole_instance = lane(e.instance, "");
  if (whole_instance.others > 0) return false;  // an action without a symbol holds the instance
  if (e.symbol.empty()) {
    auto it = instances_.find(e.instance);
    return it == instances_.end() || (it->second.opens == 0 && it->second.others == 0);
  }
  const Lane own = lane(e.instance, e.symbol);
  return e.open ? own.others == 0 : own.opens == 0 && own.others == 0;
}

void ActionGate::enter(const Order& order) {
  const std::string& uuid = order.signal.uuid;
  if (lanes_of_.contains(uuid)) return;
  const Entry e = entry_of(order);
  Lane& own = lane_ref(e);
  Lane& total = instances_[e.instance];
  (e.open ? own.opens : own.others) += 1;
  (e.open ? total.opens : total.others) += 1;
  lanes_of_.emplace(uuid, e);
}

void ActionGate::leave(const std::string& uuid) {
  auto it = lanes_of_.find(uuid);
  if (it == lanes_of_.end()) return;
  const Entry& e = it->second;
  Lane& own = lane_ref(e);
  Lane& total = instances_[e.instance];
  int& own_count = e.open ? own.opens : own.others;
  int& total_count = e.open ? total.opens : total.others;
  MTG_CHECK(own_count > 0);
  MTG_CHECK(total_count > 0);
  own_count -= 1;
  total_count -= 1;
  if (own.opens == 0 && own.others == 0) lanes_.erase({e.instance, e.symbol});
  if (total.opens == 0 && total.others == 0) instances_.erase(e.instance);
  lanes_of_.erase(it);
}

}  // namespace mtg
