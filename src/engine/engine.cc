// Engine: construction, start (RIS, open orders and the spill journal loaded from the
// store) and the glue that routes link events and ticks to the other engine_*.cc files.
#include "engine/engine.h"

#include <spdlog/spdlog.h>

#include <variant>

#include "engine/order_rules.h"
#include "util/check.h"

namespace mtg {

Engine::Engine(const Config& config, OrderStore& store, link::TerminalLink& link, const Clock& clock,
               EngineLimits limits, LinkPolicy policy, EngineHooks hooks)
    : config_(config),
      store_(store),
      link_(link),
      clock_(clock),
      limits_(limits),
      policy_(policy),
      hooks_(std::move(hooks)),
      recovery_(policy.recovery, clock, std::make_unique<SeededRng>(policy.jitter_seed)),
      signal_limits_(signal_limits(config.engine)),
      recent_finals_(limits.recent_finals_window_ms, limits.max_recent_finals) {
  MTG_CHECK(limits_.max_legs >= 1);
  MTG_CHECK(limits_.max_legs <= 999);
  MTG_CHECK(policy_.attempt_interval_ms > 0);
  MTG_CHECK(policy_.notify_at > 0);
  MTG_CHECK(policy_.disable_at >= policy_.notify_at);
}

Status Engine::start() {
  auto saved = store_.load_instances();
  if (!saved) return saved.status().with_context("loading RIS");
  for (const auto& inst : config_.instances) {
    InstanceState s;
    s.id = inst.id;
    s.enabled = inst.enabled;
    instances_[inst.id] = s;
  }
  for (auto& s : *saved) {
    auto it = instances_.find(s.id);
    if (it == instances_.end()) continue;  // no longer configured
    it->second.enabled = s.enabled;
    it->second.reason = s.reason;
    it->second.attempts = s.attempts;
  }
  for (auto& [id, s] : instances_) {
    MTG_CHECK(s.id == id);
    s.connected = link_.is_connected(id);
    save_instance(s);
  }
  std::vector<std::string> ids;
  for (const auto& [id, s] : instances_) ids.push_back(id);
  auto held = store_.load_holdings(ids);
  if (!held) return held.status().with_context("loading the instances' holdings");
  holdings_ = std::move(*held);
  auto open = store_.load_open();
  if (!open) return open.status().with_context("loading open orders from RTS");
  orders_.clear();
  flights_.clear();
  waiting_.clear();
  gate_ = ActionGate();
  for (auto& o : *open) {
    const std::string uuid = o.signal.uuid;
    if (in_flight(o)) flights_[uuid] = Flight{clock_.steady_ms(), false};
    track(o);
    orders_.emplace(uuid, std::move(o));
  }
  if (hooks_.spill != nullptr) {
    auto spilled = hooks_.spill->load();
    if (!spilled) return spilled.status().with_context("loading the spill journal");
    deferred_.clear();
    for (auto& r : *spilled) deferred_.push_back({std::move(r.instance), std::move(r.result)});
    if (!deferred_.empty()) spdlog::warn("engine: {} results from the spill journal to store", deferred_.size());
  }
  MTG_CHECK(flights_.size() <= orders_.size());  // every flight is an open order's
  started_ = true;
  spdlog::info("engine: recovered {} open orders ({} in flight) and {} instances", orders_.size(),
               flights_.size(), instances_.size());
  return Status::ok();
}

bool Engine::accepting() const {
  return deferred_.empty() && orders_.size() < limits_.max_open_orders;
}

void Engine::on_link_events(const std::vector<link::LinkEvent>& events) {
  MTG_CHECK(started_);
  MTG_CHECK(!batching_);
  for (const auto& ev : events) {
    // Results (also those a `known` frame carries) write their orders in one batch; any
    // other event sees every earlier result stored first.
    const bool batched = ev.kind == link::LinkEvent::Kind::kFrame &&
                         (std::holds_alternative<link::ResultFrame>(ev.frame) ||
                          std::holds_alternative<link::KnownFrame>(ev.frame));
    if (batched && !batching_) begin_batch(nullptr);
    if (!batched && batching_) (void)end_batch();  // each refusal went to its result's handler
    switch (ev.kind) {
      case link::LinkEvent::Kind::kConnected: {
        // The hello's broker state comes as a heartbeat with the connect.
        const auto* hello = std::get_if<link::Heartbeat>(&ev.frame);
        instance_state(ev.instance).broker_connected =
            hello == nullptr || !hello->broker_connected || *hello->broker_connected;
        versions_[ev.instance] = ev.version;
        on_connected(ev.instance);
        break;
      }
      case link::LinkEvent::Kind::kDisconnected: {
        InstanceState& s = instance_state(ev.instance);
        versions_.erase(ev.instance);
        s.connected = false;
        s.reason = ev.reason;
        save_instance(s);
        spdlog::warn("engine: terminal {} disconnected: {}", ev.instance, ev.reason);
        break;
      }
      case link::LinkEvent::Kind::kFrame:
        on_frame(ev.instance, ev.frame);
        break;
    }
  }
  if (batching_) (void)end_batch();
  MTG_CHECK(!batching_);
  dispatch_waiting();  // what the results settled may let waiting actions go
}

void Engine::on_tick() {
  MTG_CHECK(started_);
  retry_deferred();
  watch_links();
  run_due_recovery();
  reenable_reconciled();
  expire_unsent();
  dispatch_waiting();
  requery_silent();
  for (const auto& [instance, audit] : audits_) {
    if (audit.ready()) audit_positions(instance);
  }
  MTG_CHECK(flights_.size() <= orders_.size());
}


}  // namespace mtg
