// Engine: reconciling orders in flight with their terminal. On every (re)connect it is
// asked about each of them before anything is sent again, and again about any order
// silent for query_after_ms; its answers settle them or let a leg be sent again.
#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "engine/order_rules.h"
#include "order/client_id.h"
#include "util/check.h"

namespace mtg {

void Engine::on_connected(const std::string& instance) {
  InstanceState& s = instance_state(instance);
  s.connected = true;
  if (s.enabled) {  // a disabled instance keeps its reason until it is enabled again
    s.attempts = 0;
    s.reason.clear();
  }
  save_instance(s);
  audits_[instance].on_reconnected();
  // Ask before any resend: the terminal may have executed what we never heard back about.
  std::vector<std::string> ask;
  for (auto& [uuid, o] : orders_) {
    if (o.signal.instance == instance && in_flight(o)) ask.push_back(uuid);
  }
  send_queries(instance, ask);
  // What it holds now (the answer also tells what happened while it was away).
  if (link_.send(instance, link::PositionsRequest{})) ++stats_.frames_sent;
  const size_t waiting = waiting_.count(instance) != 0 ? waiting_.at(instance).size() : 0;
  spdlog::info("engine: terminal {} connected (protocol {}); asked about {} in-flight orders, {} waiting", instance,
               versions_.count(instance) != 0 ? versions_.at(instance) : 0, ask.size(), waiting);
  // Store down: dispatch_waiting() on the next tick tries again.
  if (Status sent = dispatch({instance}); !sent.is_ok()) spdlog::warn("engine: {}", sent.to_string());
}

void Engine::send_queries(const std::string& instance, const std::vector<std::string>& uuids) {
  link::QueryFrame q;
  auto flush = [&] {
    if (q.client_ids.empty()) return;
    MTG_CHECK(q.client_ids.size() <= link::kMaxQueryIds);
    if (link_.send(instance, q)) ++stats_.queries_sent;
    q.client_ids.clear();
  };
  for (const auto& uuid : uuids) {
    const Order& o = orders_.at(uuid);
    q.client_ids.push_back(client_id(uuid, o.leg));
    flights_[uuid].queried = true;
    if (q.client_ids.size() == link::kMaxQueryIds) flush();
  }
  flush();
  MTG_CHECK(q.client_ids.empty());

}

void Engine::on_known(const std::string& instance, const link::KnownFrame& known) {
  for (const auto& k : known.orders) {
    if (k.result) {
      on_frame(instance, *k.result);
      continue;
    }
    auto id = parse_client_id(k.client_id);
    if (!id) continue;
    settle(id->first);
    auto it = orders_.find(id->first);
    if (it == orders_.end() || it->second.leg != id->second || !in_flight(it->second) ||
        it->second.signal.instance != instance) {
      continue;
    }
    if (k.pending) {
      // Received, not yet settled in the terminal's durable history: ask again later.
      await_outcome(it->second, "the terminal has it pending");
      continue;
    }
    // The terminal provably never saw this leg: now it may be sent again.
    send_leg(it->second);
  }
}

void Engine::requery_silent() {
  const int64_t now = clock_.steady_ms();
  std::map<std::string, std::vector<std::string>> ask;  // instance -> uuids
  for (auto& [uuid, f] : flights_) {
    if (f.queried || now - f.sent_steady_ms < limits_.query_after_ms) continue;
    const Order& o = orders_.at(uuid);
    if (link_.is_connected(o.signal.instance)) ask[o.signal.instance].push_back(uuid);
  }
  for (const auto& [instance, uuids] : ask) send_queries(instance, uuids);
}

}  // namespace mtg
