// Engine: what terminals report besides results — their positions and pending orders
// (kept per instance in Redis for `mtguard positions` and for the guard of a close) and
// trade events (appended once to the events stream, then acknowledged to the terminal,
// which keeps an event until it is).
#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "util/check.h"

namespace mtg {

double Engine::position_volume(const Order& o) const {
  if (o.signal.action != Action::kClose || o.signal.position <= 0) return 0;
  auto it = holdings_.find(o.signal.instance);
  if (it == holdings_.end()) return 0;
  for (const Position& p : it->second.positions) {
    if (p.ticket == o.signal.position) return p.volume;
  }
  return 0;
}

void Engine::on_positions(const std::string& instance, const link::Positions& frame) {
  const InstanceConfig* inst = config_.find_instance(instance);
  MTG_CHECK(inst != nullptr);  // only configured instances authenticate
  Holdings& h = holdings_[instance];
  h.positions = frame.positions;
  for (Position& p : h.positions) p.symbol = inst->canonical_symbol(p.symbol);
  h.truncated = frame.truncated;
  h.reported_at_ms = clock_.now_ms();
  save_holdings(instance);
}

void Engine::on_orders(const std::string& instance, const link::Orders& frame) {
  const InstanceConfig* inst = config_.find_instance(instance);
  MTG_CHECK(inst != nullptr);
  Holdings& h = holdings_[instance];
  h.orders = frame.orders;
  for (PendingOrder& o : h.orders) o.symbol = inst->canonical_symbol(o.symbol);
  h.truncated = h.truncated || frame.truncated;
  h.reported_at_ms = clock_.now_ms();
  save_holdings(instance);
}

void Engine::save_holdings(const std::string& instance) {
  if (Status s = store_.save_holdings(instance, holdings_.at(instance)); !s.is_ok()) {
    ++stats_.store_errors;  // the next report writes them again
    spdlog::warn("engine: holdings of {} not stored: {}", instance, s.to_string());
  }
}

void Engine::on_event(const std::string& instance, const link::EventFrame& frame) {
  const InstanceConfig* inst = config_.find_instance(instance);
  MTG_CHECK(inst != nullptr);
  MTG_CHECK(!frame.event.id.empty());  // the codec refuses an event without an id
  TradeEvent e = frame.event;
  e.instance = instance;
  e.id = instance + ":" + frame.event.id;  // terminals number their own events
  e.symbol = inst->canonical_symbol(e.symbol);
  auto appended = store_.append_event(e);
  if (!appended) {
    // Not acknowledged: the terminal sends it again after its next reconnect.
    ++stats_.store_errors;
    spdlog::warn("engine: event {} not stored: {}", e.id, appended.status().to_string());
    return;
  }
  if (*appended) {
    ++stats_.events;
    spdlog::info("engine: {} event {} on {} {} ({} lots at {}, ref '{}')", instance, event_kind_name(e.kind),
                 e.symbol, side_name(e.side), e.volume, e.price, e.ref);
  }
  if (link_.send(instance, link::EventAck{{frame.event.id}})) ++stats_.frames_sent;
}

}  // namespace mtg
