// Engine: order legs to terminals, written ahead as `sent` in RTS before the frame
// leaves; received orders wait, in RTSS order, for their terminal and for the action
// gate (engine/action_gate.h), or expire.
#include <spdlog/spdlog.h>

#include <charconv>

#include "engine/action_frame.h"
#include "engine/engine.h"
#include "engine/order_rules.h"
#include "util/check.h"

namespace mtg {
namespace {

// An RTSS entry id "<ms>-<seq>" as numbers, so that waiting orders sort in stream order
// ("1-10" after "1-9"). A malformed id (never written by Redis) sorts last.
std::pair<uint64_t, uint64_t> stream_position(const std::string& id) {
  constexpr std::pair<uint64_t, uint64_t> kLast{UINT64_MAX, UINT64_MAX};
  const size_t dash = id.find('-');
  if (dash == std::string::npos) return kLast;
  uint64_t ms = 0, seq = 0;
  const char* begin = id.data();
  const char* end = id.data() + id.size();
  if (std::from_chars(begin, begin + dash, ms).ptr != begin + dash) return kLast;
  if (std::from_chars(begin + dash + 1, end, seq).ptr != end) return kLast;
  return {ms, seq};
}

}  // namespace

Engine::WaitKey Engine::wait_key(const Order& o) { return {stream_position(o.stream_id), o.signal.uuid}; }

void Engine::track(const Order& o) {
  const std::string& uuid = o.signal.uuid;
  auto& waiting = waiting_[o.signal.instance];
  if (o.state == OrderState::kReceived) {
    waiting.emplace(wait_key(o));
  } else {
    waiting.erase(wait_key(o));
  }
  if (waiting.empty()) waiting_.erase(o.signal.instance);
  if (in_flight(o)) {
    gate_.enter(o);
  } else {
    gate_.leave(uuid);
  }
}

Status Engine::send_first_leg(const Order& order) {
  MTG_CHECK(order.state == OrderState::kReceived);
  Order next = order;
  MTG_CHECK(next.transition(OrderState::kSent, clock_.now_ms()).is_ok());
  next.expected_volume = position_volume(next);
  // Write-ahead: RTS says `sent` before the frame leaves.
  Status s = write_order({next, std::nullopt}, [this, next](bool written) {
    MTG_CHECK(written);  // an update is written or refused
    Order& o = orders_.at(next.signal.uuid);
    MTG_CHECK(o.state == OrderState::kReceived);
    o = next;
    track(o);
    send_leg(o);
  });
  if (!s.is_ok()) ++stats_.store_errors;
  return s;
}

void Engine::send_leg(const Order& order) {
  MTG_CHECK(in_flight(order));
  MTG_CHECK(orders_.count(order.signal.uuid) == 1);  // only an open order is in flight
  flights_[order.signal.uuid] = Flight{clock_.steady_ms(), false};
  const InstanceConfig* inst = config_.find_instance(order.signal.instance);
  MTG_CHECK(inst != nullptr);  // validated at intake; instances are never removed at run time
  if (link_.send(order.signal.instance, order_frame(order, inst->broker_symbol(order.signal.symbol)))) {
    ++stats_.frames_sent;
  }
}

void Engine::dispatch_waiting() {
  std::set<std::string> instances;
  for (const auto& [instance, waiting] : waiting_) instances.insert(instance);
  (void)dispatch(instances);  // the store is down: the next tick tries again
}

Status Engine::dispatch_waiting(const std::string& instance) {
  const InstanceState& inst = instance_state(instance);
  if (!inst.enabled || !link_.is_connected(instance)) return Status::ok();
  auto it = waiting_.find(instance);
  if (it == waiting_.end()) return Status::ok();
  const int version = versions_.count(instance) != 0 ? versions_.at(instance) : link::kMinProtocolVersion;
  std::vector<std::string> uuids;
  for (const auto& key : it->second) uuids.push_back(key.second);
  ActionGate held;     // orders that must wait, holding back the later ones they exclude
  ActionGate sending;  // orders sent in this batch, in flight once the store took them
  for (const auto& uuid : uuids) {
    Order& o = orders_.at(uuid);
    MTG_CHECK(o.state == OrderState::kReceived);
    if (!terminal_can_carry(o, version)) {
      Order refused = o;  // finish() removes the open order
      MTG_RETURN_IF_ERROR(finish(refused, ResultStatus::kRejected,
                                 std::string("terminal speaks protocol 1: it cannot carry a ") +
                                     action_name(refused.signal.action) +
                                     (refused.signal.action == Action::kOpen
                                          ? std::string(" ") + order_type_name(refused.signal.type)
                                          : std::string())));
      ++stats_.rejected;
      continue;
    }
    if (!gate_.admits(o) || !held.admits(o) || !sending.admits(o)) {
      held.enter(o);
      continue;
    }
    MTG_RETURN_IF_ERROR(send_first_leg(o));
    sending.enter(o);
  }
  return Status::ok();
}

void Engine::expire_unsent() {
  const int64_t now = clock_.now_ms();
  std::vector<std::string> due;
  for (const auto& [instance, waiting] : waiting_) {
    for (const auto& key : waiting) {
      const Order& o = orders_.at(key.second);
      if (now >= o.signal.expires_at_ms()) due.push_back(key.second);
    }
  }
  for (const auto& uuid : due) {
    Order o = orders_.at(uuid);
    if (!finish(o, ResultStatus::kExpired, "expired before dispatch: its terminal was unavailable or busy with an earlier action on its symbol").is_ok()) return;
    ++stats_.expired;
  }
}

}  // namespace mtg
