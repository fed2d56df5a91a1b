// Engine: what terminals report besides results — their positions and pending orders
// (kept per instance in Redis for `mtguard positions` and for the guard of a close) and
// trade events (appended once to the events stream, then acknowledged to the terminal,
// which keeps an event until it is).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>

#include "engine/engine.h"
#include "engine/order_rules.h"
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
  audits_[instance].on_report(h.positions);
  audit_positions(instance);
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
  audits_[instance].touch(e.symbol);
  // Not acknowledged when not stored: the terminal sends it again after its next reconnect.
  if (!record_event(e)) return;
  if (link_.send(instance, link::EventAck{{frame.event.id}})) ++stats_.frames_sent;
}

bool Engine::record_event(const TradeEvent& e) {
  auto appended = store_.append_event(e);
  if (!appended) {
    ++stats_.store_errors;
    spdlog::warn("engine: event {} not stored: {}", e.id, appended.status().to_string());
    return false;
  }
  if (*appended) {
    ++stats_.events;
    spdlog::info("engine: {} event {} on {} {} ({} lots at {}, ref '{}')", e.instance, event_kind_name(e.kind),
                 e.symbol, side_name(e.side), e.volume, e.price, e.ref);
  }
  return true;
}

void Engine::audit_positions(const std::string& instance) {
  PositionsAudit& audit = audits_[instance];
  if (!audit.ready()) return;
  for (const auto& [uuid, o] : orders_) {
    if (o.signal.instance == instance && in_flight(o)) return;  // its result may still move a position
  }
  for (const PositionsMismatch& m : audit.audit()) {
    TradeEvent e;
    e.id = instance + ":" + event_kind_name(EventKind::kPositionsMismatch) + ":" + std::to_string(m.ticket) + ":" +
           std::to_string(clock_.now_ms());
    e.instance = instance;
    e.kind = EventKind::kPositionsMismatch;
    e.symbol = m.symbol;
    e.side = m.side;
    e.volume = std::fabs(m.reported_lots - m.expected_lots);
    e.position = m.ticket;
    e.reason = fmt::format("the engine's records imply {:g} lots, the terminal holds {:g} (adopted)", m.expected_lots,
                           m.reported_lots);
    e.ts_ms = clock_.now_ms();
    (void)record_event(e);  // not stored: logged and counted; the notification still goes out
    const std::string message = fmt::format("position {} {} {}: {}", m.ticket, m.symbol, side_name(m.side), e.reason);
    spdlog::warn("engine: {} positions mismatch: {}", instance, message);
    notify(notify::Severity::kWarning, instance, event_kind_name(EventKind::kPositionsMismatch), message);
  }
}

}  // namespace mtg
