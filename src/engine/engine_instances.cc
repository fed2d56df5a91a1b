// Engine: instance state (RIS) and the connection-loss policy (docs/requirements.md §3.3, §5.1).
#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "engine/order_rules.h"
#include "util/check.h"

namespace mtg {

constexpr const char* kAutoReason = "auto: ";        // disabled by the policy
constexpr const char* kOperatorReason = "operator";  // disabled by `mtguard instance disable`

Status Engine::set_enabled(const std::string& instance, bool enabled) {
  if (config_.find_instance(instance) == nullptr) return Status::not_found("unknown instance " + instance);
  InstanceState& s = instance_state(instance);
  if (enabled) {
    s.enabled = true;
    s.attempts = 0;
    s.reason.clear();
    last_attempt_ms_.erase(instance);
    recovery_.cancel(instance);
    save_instance(s);
    notify(notify::Severity::kInfo, instance, "instance_enabled", "enabled by the operator");
    dispatch_waiting();
    return Status::ok();
  }
  disable(s, kOperatorReason);
  return Status::ok();
}

void Engine::watch_links() {
  const int64_t now = clock_.steady_ms();
  for (auto& [id, s] : instances_) {
    const bool up = s.connected && s.broker_connected;
    if (up || !s.enabled) {
      last_attempt_ms_.erase(id);
      continue;
    }
    auto [it, first] = last_attempt_ms_.emplace(id, now);
    if (first || now - it->second < policy_.attempt_interval_ms) continue;
    it->second = now;
    s.attempts += 1;
    save_instance(s);
    const std::string what = s.connected ? "broker connection" : "terminal link";
    if (s.attempts == policy_.notify_at) {
      notify(notify::Severity::kWarning, id, "link_lost",
             what + " down for " + std::to_string(s.attempts) + " attempts");
    }
    if (s.attempts >= policy_.disable_at) {
      disable(s, std::string(kAutoReason) + what + " down for " + std::to_string(s.attempts) + " attempts");
    }
  }
}

void Engine::disable(InstanceState& s, const std::string& reason) {
  s.enabled = false;
  s.reason = reason;
  save_instance(s);
  drop_unsent(s.id, "instance " + s.id + " disabled: " + reason);
  notify(notify::Severity::kCritical, s.id, "instance_disabled", reason);
  spdlog::error("engine: instance {} disabled: {}", s.id, reason);
  if (reason != kOperatorReason && hooks_.recovery) recovery_.request(s.id);
}

void Engine::run_due_recovery() {
  for (const std::string& instance : recovery_.due()) {
    spdlog::warn("engine: running the recovery action of {}", instance);
    hooks_.recovery(instance);
  }
}

// Unsent signals of the instance end `dropped`. Orders already at the terminal stay in
// flight: only the terminal knows whether they executed, and it is asked when it is back.
void Engine::drop_unsent(const std::string& instance, const std::string& reason) {
  std::vector<std::string> unsent;
  for (const auto& [uuid, o] : orders_) {
    if (o.signal.instance == instance && o.state == OrderState::kReceived) unsent.push_back(uuid);
  }
  for (const auto& uuid : unsent) {
    Order o = orders_.at(uuid);
    if (!finish(o, ResultStatus::kDropped, reason).is_ok()) return;  // store down: next tick
    ++stats_.dropped;
  }
}

// An instance the policy disabled comes back once its terminal is up again and has
// answered for every order in flight.
void Engine::reenable_reconciled() {
  for (auto& [id, s] : instances_) {
    if (s.enabled || s.reason.rfind(kAutoReason, 0) != 0 || !s.connected || !s.broker_connected) continue;
    bool settled = true;
    for (const auto& [uuid, f] : flights_) {
      if (orders_.at(uuid).signal.instance == id && f.queried) settled = false;
    }
    if (!settled) continue;
    s.enabled = true;
    s.attempts = 0;
    s.reason.clear();
    recovery_.cancel(id);
    save_instance(s);
    notify(notify::Severity::kInfo, id, "instance_enabled", "terminal back and reconciled");
    spdlog::info("engine: instance {} re-enabled after reconciliation", id);
  }
}

void Engine::notify(notify::Severity severity, const std::string& instance, const std::string& kind,
                    const std::string& message) {
  if (hooks_.notifier == nullptr) return;
  notify::Notification n;
  n.ts_ms = clock_.now_ms();
  n.severity = severity;
  n.instance = instance;
  n.kind = kind;
  n.message = message;
  hooks_.notifier->notify(std::move(n));
}

InstanceState& Engine::instance_state(const std::string& id) {
  auto it = instances_.find(id);
  if (it == instances_.end()) {
    InstanceState s;
    s.id = id;
    it = instances_.emplace(id, s).first;
  }
  return it->second;
}

void Engine::save_instance(const InstanceState& state) {
  InstanceState s = state;
  s.updated_at_ms = clock_.now_ms();
  if (Status st = store_.save_instance(s); !st.is_ok()) {
    spdlog::warn("engine: RIS {} not saved: {}", s.id, st.to_string());
  }
}

std::vector<InstanceState> Engine::instances() const {
  std::vector<InstanceState> out;
  for (const auto& [id, s] : instances_) out.push_back(s);
  return out;
}

}  // namespace mtg
