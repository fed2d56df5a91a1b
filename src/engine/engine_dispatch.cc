// Engine: order legs to terminals, written ahead as `sent` in RTS before the frame
// leaves; received orders waiting for their terminal are sent when it is up, or expire.
#include "engine/engine.h"
#include "engine/order_rules.h"
#include "order/client_id.h"
#include "util/check.h"

namespace mtg {
namespace {

link::OrderFrame order_frame(const Order& o) {
  link::OrderFrame f;
  f.client_id = client_id(o.signal.uuid, o.leg);
  f.uuid = o.signal.uuid;
  f.leg = o.leg;
  f.symbol = o.signal.symbol;
  f.side = o.signal.side == Side::kBuy ? link::Side::kBuy : link::Side::kSell;
  f.volume = o.remaining_volume();
  f.price = o.signal.price;
  f.sl = o.signal.sl;
  f.tp = o.signal.tp;
  f.expires_at = o.signal.expires_at_ms();
  MTG_CHECK(f.volume > 0);  // an open order never has its whole volume filled
  auto back = parse_client_id(f.client_id);
  MTG_CHECK(back.is_ok());
  MTG_CHECK(back->first == f.uuid);  // the client id parses back to its uuid and leg
  MTG_CHECK(back->second == f.leg);
  return f;
}

}  // namespace

Status Engine::dispatch(Order& order) {
  MTG_CHECK(order.state == OrderState::kReceived);
  const InstanceState& inst = instance_state(order.signal.instance);
  if (!inst.enabled || !link_.is_connected(order.signal.instance)) return Status::ok();
  Order next = order;
  MTG_CHECK(next.transition(OrderState::kSent, clock_.now_ms()).is_ok());
  // Write-ahead: RTS says `sent` before the frame leaves.
  Status s = store_.update(next, nullptr);
  if (!s.is_ok()) {
    ++stats_.store_errors;
    return s;
  }
  order = std::move(next);
  MTG_CHECK(order.state == OrderState::kSent);
  send_leg(order);
  return Status::ok();
}

void Engine::send_leg(const Order& order) {
  MTG_CHECK(in_flight(order));
  MTG_CHECK(orders_.count(order.signal.uuid) == 1);  // only an open order is in flight
  flights_[order.signal.uuid] = Flight{clock_.steady_ms(), false};

  if (link_.send(order.signal.instance, order_frame(order))) ++stats_.frames_sent;
}

void Engine::dispatch_waiting() {
  for (auto& [uuid, o] : orders_) {
    if (o.state != OrderState::kReceived) continue;
    if (!dispatch(o).is_ok()) return;
  }
}

void Engine::expire_unsent() {
  const int64_t now = clock_.now_ms();
  std::vector<std::string> due;
  for (const auto& [uuid, o] : orders_) {
    if (o.state == OrderState::kReceived && now >= o.signal.expires_at_ms()) due.push_back(uuid);
  }
  for (const auto& uuid : due) {
    Order o = orders_.at(uuid);
    if (!finish(o, ResultStatus::kExpired, "expired before dispatch: terminal unavailable").is_ok()) return;
    ++stats_.expired;
  }
}

}  // namespace mtg
