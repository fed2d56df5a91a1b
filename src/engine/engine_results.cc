// Engine: results from terminals (fills, partial fills, refusals) and how they finish an
// order or continue it with a new leg; results the store refused wait (defer) and are
// applied again on the next tick.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/engine.h"
#include "engine/order_rules.h"
#include "link/retcode.h"
#include "order/client_id.h"
#include "util/check.h"

namespace mtg {

OrderState state_of(ResultStatus status) {
  switch (status) {
    case ResultStatus::kFilled: return OrderState::kFilled;
    case ResultStatus::kFailed: return OrderState::kFailed;
    case ResultStatus::kRejected: return OrderState::kRejected;
    case ResultStatus::kExpired: return OrderState::kExpired;
    case ResultStatus::kDropped: return OrderState::kDropped;
    case ResultStatus::kPlaced: return OrderState::kPlaced;
    case ResultStatus::kModified: return OrderState::kModified;
    case ResultStatus::kCancelled: return OrderState::kCancelled;
    case ResultStatus::kPartial:
    case ResultStatus::kDuplicate: break;
  }
  MTG_CHECK_MSG(false, "not a final result status");
  return OrderState::kFailed;
}

namespace {

// final_result_of with the name of the terminal's retcode.
TradeResult result_of(const Order& o, ResultStatus status, const std::string& reason, int64_t now_ms) {
  TradeResult r = final_result_of(o, status, reason, now_ms);
  if (o.retcode != 0) r.retcode_name = link::retcode_name(o.retcode);
  return r;
}

template <class... F>
struct Overloaded : F... { using F::operator()...; };
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

void Engine::on_frame(const std::string& instance, const link::Frame& frame) {
  std::visit(Overloaded{
                 [&](const link::ResultFrame& r) {
                   auto refused = [this, instance, r](const Status& s) {
                     ++stats_.store_errors;
                     spdlog::warn("engine: result {} deferred: {}", r.client_id, s.to_string());
                     defer(instance, r);
                   };
                   if (auto id = parse_client_id(r.client_id)) settle(id->first);
                   if (batching_) refused_ = refused;  // for the write this result causes
                   if (Status s = on_result(instance, r); !s.is_ok()) refused(s);
                 },
                 [&](const link::KnownFrame& k) { on_known(instance, k); },
                 [&](const link::Positions& p) { on_positions(instance, p); },
                 [&](const link::Orders& o) { on_orders(instance, o); },
                 [&](const link::EventFrame& e) { on_event(instance, e); },
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

Status Engine::on_result(const std::string& instance, const link::ResultFrame& r) {
  auto id = parse_client_id(r.client_id);
  auto it = id ? orders_.find(id->first) : orders_.end();
  // Whatever it did moved positions of its symbol (of any, when unknown).
  audits_[instance].touch(it != orders_.end() ? it->second.signal.symbol : "");
  if (it == orders_.end() || it->second.leg != id->second || it->second.signal.instance != instance ||
      !in_flight(it->second)) {
    ++stats_.stale_results;  // an answer to a leg already settled (e.g. a re-query)
    return Status::ok();
  }
  Order o = it->second;  // changed in memory only once the store took it
  const std::string why = std::string(link::retcode_name(r.retcode)) +
                          (r.reason.empty() ? "" : ": " + r.reason);
  const link::RetcodeClass cls = link::classify_retcode(r.retcode);
  if (cls != link::RetcodeClass::kUnknown) {
    // The terminal's word, kept for the final result (a ticket once known stays known).
    if (r.ticket > 0) o.ticket = static_cast<uint64_t>(r.ticket);
    if (r.deal > 0) o.deal = static_cast<uint64_t>(r.deal);
    if (r.position > 0) o.position = static_cast<uint64_t>(r.position);
    o.retcode = r.retcode;
  }
  switch (cls) {
    case link::RetcodeClass::kDone:
    case link::RetcodeClass::kPartial:
      return on_executed(o, r, why);
    case link::RetcodeClass::kFailed:
      return continue_or_finish(o, false, why);
    case link::RetcodeClass::kRejected:
      return finish(o, o.filled_volume > 0 ? ResultStatus::kFilled : ResultStatus::kRejected,
                    "broker: " + why);
    case link::RetcodeClass::kExpired:
      return finish(o, o.filled_volume > 0 ? ResultStatus::kFilled : ResultStatus::kExpired, why);
    case link::RetcodeClass::kUnknown:
      await_outcome(o, why);
      return Status::ok();
  }
  return Status::ok();
}

Status Engine::on_executed(Order& o, const link::ResultFrame& r, const std::string& why) {
  if (r.filled_volume > 0) {
    Status s = o.apply_fill(r.filled_volume, r.price);
    if (s.code() == Code::kInvalidArgument) {
      // A fill without a price is a broken frame: keep the order in flight; the
      // terminal is asked again about it later.
      spdlog::error("engine: terminal {} sent an unusable result for {}: {}", o.signal.instance, r.client_id,
                    s.to_string());
      ++stats_.stale_results;
      return Status::ok();
    }
    if (!s.is_ok()) {
      // A terminal that executes more than asked is broken; record the volume we
      // asked for and say so loudly.
      spdlog::critical("engine: terminal {} over-filled {}: {}", o.signal.instance, o.signal.uuid, s.to_string());
      Status capped = o.apply_fill(o.remaining_volume(), r.price);
      MTG_CHECK_MSG(capped.is_ok(), capped.to_string().c_str());
      return finish(o, ResultStatus::kFilled, "terminal reported an over-fill: " + s.message());
    }
    MTG_CHECK(o.filled_volume <= o.volume_cap() + kVolumeEpsilon);
  }
  switch (o.signal.action) {
    case Action::kOpen:
      if (o.filled_volume > 0 || r.filled_volume > 0) break;
      if (is_pending(o.signal.type)) return finish(o, ResultStatus::kPlaced, "");
      // A market order placed without a deal yet (10008) has not been refused: only its
      // deal, in the terminal's history, settles it. Never a new leg meanwhile.
      await_outcome(o, why + " without a deal yet");
      return Status::ok();
    case Action::kModify:
    case Action::kModifyOrder:
      return finish(o, ResultStatus::kModified, r.reason);
    case Action::kCancel:
      return finish(o, ResultStatus::kCancelled, r.reason);
    case Action::kClose:
    case Action::kCloseAll:
      if (o.filled_volume <= 0) return finish(o, ResultStatus::kRejected, "terminal closed nothing: " + why);
      break;
  }
  if (o.remaining_volume() <= kVolumeEpsilon) return finish(o, ResultStatus::kFilled, "");
  // What the position holds after this leg: the next leg's guard.
  if (o.expected_volume > 0) o.expected_volume = std::max(0.0, o.expected_volume - r.filled_volume);
  return continue_or_finish(o, r.filled_volume > 0, "partially filled");
}

void Engine::await_outcome(const Order& o, const std::string& why) {
  MTG_CHECK(in_flight(o));
  MTG_CHECK(orders_.at(o.signal.uuid).leg == o.leg);
  // Nothing changes in RTS: the leg stays in flight under its client id, and only the
  // terminal's durable answer to a query settles it.
  flights_[o.signal.uuid] = Flight{clock_.steady_ms(), false};
  ++stats_.unknown_outcomes;
  spdlog::warn("engine: terminal {} cannot vouch for the outcome of {} ({}); asking it again in {} ms, "
               "never sending it anew before it answers",
               o.signal.instance, client_id(o.signal.uuid, o.leg), why, limits_.query_after_ms);
}

Status Engine::continue_or_finish(Order& o, bool filled_now, const std::string& why) {
  const int64_t now = clock_.now_ms();
  if (o.leg + 1 >= limits_.max_legs || now >= o.signal.expires_at_ms()) {
    return finish(o, o.filled_volume > 0 ? ResultStatus::kFilled : ResultStatus::kFailed,
                  why + "; no further attempt (" + std::to_string(o.leg + 1) + " legs)");
  }
  const int filled_leg = o.leg;
  o.leg += 1;
  MTG_CHECK(o.leg < limits_.max_legs);  // the branch above finished the last leg
  MTG_CHECK(o.transition(o.filled_volume > 0 ? OrderState::kPartial : OrderState::kSent, now).is_ok());
  TradeResult partial;
  if (filled_now) {
    partial = result_of(o, ResultStatus::kFilled, why, now);
    partial.status = ResultStatus::kPartial;
    partial.result_id = partial_result_id(o.signal.uuid, filled_leg);
    MTG_CHECK(partial.filled_volume > 0);
  }
  return write_order({o, filled_now ? std::optional<TradeResult>(partial) : std::nullopt}, [this, o](bool written) {
    MTG_CHECK(written);  // an update is written or refused
    orders_.at(o.signal.uuid) = o;
    send_leg(o);
  });
}

Status Engine::finish(Order& o, ResultStatus status, const std::string& reason) {
  const int64_t now = clock_.now_ms();
  MTG_CHECK(o.filled_volume <= o.volume_cap() + kVolumeEpsilon);
  o.reason = reason;
  MTG_CHECK(o.transition(state_of(status), now).is_ok());
  MTG_CHECK(is_final(o.state));
  const TradeResult result = result_of(o, status, reason, now);
  MTG_CHECK(is_final(result.status));
  MTG_CHECK(result.result_id == final_result_id(o.signal.uuid));  // fixed by the order

  return write_order({o, result}, [this, o, result](bool written) {
    if (written) recent_finals_.remember({o, result}, clock_.steady_ms());
    const std::string& uuid = o.signal.uuid;
    track(o);  // final: neither waiting nor in flight
    orders_.erase(uuid);
    flights_.erase(uuid);
    ++stats_.finalized;
  });
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

}  // namespace mtg
