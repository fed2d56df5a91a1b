// Engine: what terminals say (connects, results, answers to queries) and the timers.
#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "engine/order_rules.h"
#include "link/retcode.h"
#include "order/client_id.h"
#include "util/check.h"

namespace mtg {
namespace {


template <class... F>
struct Overloaded : F... { using F::operator()...; };
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

void Engine::on_link_events(const std::vector<link::LinkEvent>& events) {
  MTG_CHECK(started_);
  for (const auto& ev : events) {
    switch (ev.kind) {
      case link::LinkEvent::Kind::kConnected: {
        // The hello's broker state comes as a heartbeat with the connect.
        const auto* hello = std::get_if<link::Heartbeat>(&ev.frame);
        instance_state(ev.instance).broker_connected =
            hello == nullptr || !hello->broker_connected || *hello->broker_connected;
        on_connected(ev.instance);
        break;
      }
      case link::LinkEvent::Kind::kDisconnected: {
        InstanceState& s = instance_state(ev.instance);
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
}

void Engine::on_connected(const std::string& instance) {
  InstanceState& s = instance_state(instance);
  s.connected = true;
  if (s.enabled) {  // a disabled instance keeps its reason until it is enabled again
    s.attempts = 0;
    s.reason.clear();
  }
  save_instance(s);
  // Ask before any resend: the terminal may have executed what we never heard back about.
  std::vector<std::string> ask;
  std::vector<Order*> waiting;
  for (auto& [uuid, o] : orders_) {
    if (o.signal.instance != instance) continue;
    if (in_flight(o)) ask.push_back(uuid);
    else if (o.state == OrderState::kReceived) waiting.push_back(&o);
  }
  send_queries(instance, ask);
  for (Order* o : waiting) {
    if (!dispatch(*o).is_ok()) break;  // store down: dispatch_waiting() retries
  }
  spdlog::info("engine: terminal {} connected; asked about {} in-flight orders, sent {} waiting",
               instance, ask.size(), waiting.size());
}

void Engine::send_queries(const std::string& instance, const std::vector<std::string>& uuids) {
  link::QueryFrame q;
  auto flush = [&] {
    if (q.client_ids.empty()) return;
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
}

void Engine::on_frame(const std::string& instance, const link::Frame& frame) {
  std::visit(Overloaded{
                 [&](const link::ResultFrame& r) {
                   if (Status s = on_result(instance, r); !s.is_ok()) {
                     ++stats_.store_errors;
                     spdlog::warn("engine: result {} deferred: {}", r.client_id, s.to_string());
                     defer(instance, r);
                   }
                 },
                 [&](const link::KnownFrame& k) { on_known(instance, k); },
                 [&](const link::Heartbeat& h) {
                   InstanceState& s = instance_state(instance);
                   if (h.broker_connected && *h.broker_connected != s.broker_connected) {
                     s.broker_connected = *h.broker_connected;
                     save_instance(s);
                   }
                 },
                 [&](const auto&) {},
             },
             frame);
}

void Engine::on_known(const std::string& instance, const link::KnownFrame& known) {
  for (const auto& k : known.orders) {
    if (k.result) {
      on_frame(instance, *k.result);
      continue;
    }
    auto id = parse_client_id(k.client_id);
    if (!id) continue;
    auto it = orders_.find(id->first);
    if (it == orders_.end() || it->second.leg != id->second || !in_flight(it->second)) continue;
    // The terminal provably never saw this leg: now it may be sent again.
    send_leg(it->second);
  }
}

Status Engine::on_result(const std::string& instance, const link::ResultFrame& r) {
  auto id = parse_client_id(r.client_id);
  auto it = id ? orders_.find(id->first) : orders_.end();
  if (it == orders_.end() || it->second.leg != id->second || it->second.signal.instance != instance ||
      !in_flight(it->second)) {
    ++stats_.stale_results;  // an answer to a leg already settled (e.g. a re-query)
    return Status::ok();
  }
  Order o = it->second;  // changed in memory only once the store took it
  const std::string why = std::string(link::retcode_name(r.retcode)) +
                          (r.reason.empty() ? "" : ": " + r.reason);
  switch (link::classify_retcode(r.retcode)) {
    case link::RetcodeClass::kDone:
    case link::RetcodeClass::kPartial: {
      if (r.filled_volume > 0) {
        Status s = o.apply_fill(r.filled_volume, r.price);
        if (s.code() == Code::kInvalidArgument) {
          // A fill without a price is a broken frame: keep the order in flight; the
          // terminal is asked again about it later.
          spdlog::error("engine: terminal {} sent an unusable result for {}: {}", instance, r.client_id,
                        s.to_string());
          ++stats_.stale_results;
          return Status::ok();
        }
        if (!s.is_ok()) {
          // A terminal that executes more than asked is broken; record the volume we
          // asked for and say so loudly.
          spdlog::critical("engine: terminal {} over-filled {}: {}", instance, o.signal.uuid, s.to_string());
          Status capped = o.apply_fill(o.remaining_volume(), r.price);
          MTG_CHECK_MSG(capped.is_ok(), capped.to_string().c_str());
          return finish(o, ResultStatus::kFilled, "terminal reported an over-fill: " + s.message());
        }
      }
      if (o.remaining_volume() <= kVolumeEpsilon) return finish(o, ResultStatus::kFilled, "");
      return continue_or_finish(o, r.filled_volume > 0, "partially filled");
    }
    case link::RetcodeClass::kFailed:
      return continue_or_finish(o, false, why);
    case link::RetcodeClass::kRejected:
      return finish(o, o.filled_volume > 0 ? ResultStatus::kFilled : ResultStatus::kRejected,
                    "broker: " + why);
    case link::RetcodeClass::kExpired:
      return finish(o, o.filled_volume > 0 ? ResultStatus::kFilled : ResultStatus::kExpired, why);
  }
  return Status::ok();
}

Status Engine::continue_or_finish(Order& o, bool filled_now, const std::string& why) {
  const int64_t now = clock_.now_ms();
  if (o.leg + 1 >= limits_.max_legs || now >= o.signal.expires_at_ms()) {
    return finish(o, o.filled_volume > 0 ? ResultStatus::kFilled : ResultStatus::kFailed,
                  why + "; no further attempt (" + std::to_string(o.leg + 1) + " legs)");
  }
  const int filled_leg = o.leg;
  o.leg += 1;
  MTG_CHECK(o.transition(o.filled_volume > 0 ? OrderState::kPartial : OrderState::kSent, now).is_ok());
  TradeResult partial;
  if (filled_now) {
    partial = final_result_of(o, ResultStatus::kFilled, why, now);
    partial.status = ResultStatus::kPartial;
    partial.result_id = partial_result_id(o.signal.uuid, filled_leg);
  }
  MTG_RETURN_IF_ERROR(store_.update(o, filled_now ? &partial : nullptr));
  orders_.at(o.signal.uuid) = o;
  send_leg(o);
  return Status::ok();
}

Status Engine::finish(Order& o, ResultStatus status, const std::string& reason) {
  const int64_t now = clock_.now_ms();
  MTG_CHECK(o.filled_volume <= o.signal.volume + kVolumeEpsilon);
  o.reason = reason;
  MTG_CHECK(o.transition(state_of(status), now).is_ok());
  const TradeResult result = final_result_of(o, status, reason, now);
  auto written = store_.finalize(o, result);
  if (!written) return written.status();
  const std::string uuid = o.signal.uuid;
  orders_.erase(uuid);
  flights_.erase(uuid);
  ++stats_.finalized;
  return Status::ok();
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
}

// A result the store refused waits in memory and, durably, in the spill journal.
void Engine::defer(const std::string& instance, const link::ResultFrame& r) {
  if (hooks_.spill != nullptr) {
    if (Status s = hooks_.spill->append(instance, r); !s.is_ok()) {
      spdlog::error("engine: result {} not spilled (the terminal is asked again later): {}", r.client_id,
                    s.to_string());
    }
  }
  if (deferred_.size() < limits_.max_deferred) deferred_.push_back({instance, r});
}

void Engine::retry_deferred() {
  const size_t n = deferred_.size();
  for (size_t i = 0; i < n; ++i) {
    DeferredResult d = std::move(deferred_.front());
    deferred_.pop_front();
    if (Status s = on_result(d.instance, d.result); !s.is_ok()) {
      deferred_.push_back(std::move(d));
      return;  // the store is still down
    }
  }
  if (deferred_.empty() && hooks_.spill != nullptr) {
    if (Status s = hooks_.spill->clear(); !s.is_ok()) spdlog::warn("engine: {}", s.to_string());
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

void Engine::dispatch_waiting() {
  for (auto& [uuid, o] : orders_) {
    if (o.state != OrderState::kReceived) continue;
    if (!dispatch(o).is_ok()) return;
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
