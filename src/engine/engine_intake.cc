// Engine: intake of RTSS entries. Each is decided once: accepted (and dispatched),
// rejected (with a dead letter), expired, dropped (instance disabled) or a duplicate;
// and the user preferences that apply to the decisions.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/engine.h"
#include "engine/order_rules.h"
#include "signal/signal_validator.h"
#include "util/check.h"

namespace mtg {
namespace {

TradeResult base_result(const RtssEntry& entry, const std::string& uuid, const Signal* signal,
                        int64_t now_ms) {
  TradeResult r;
  r.uuid = uuid;
  r.stream_id = entry.stream_id;
  r.ts_ms = now_ms;
  if (signal != nullptr) {
    r.instance = signal->instance;
    r.symbol = signal->symbol;
    r.side = signal->action == Action::kOpen ? side_name(signal->side) : "";
    r.action = action_name(signal->action);
    r.volume = signal->volume;
  }
  return r;
}

}  // namespace

Status Engine::on_entries(const std::vector<RtssEntry>& entries) {
  MTG_CHECK(started_);
  MTG_CHECK(intakes_.empty());
  Status first = Status::ok();
  for (const auto& e : entries) {
    // Stop at the first store error: the rest stay pending in RTSS and come back.
    first = decide_entry(e);
    if (!first.is_ok()) break;
  }
  // Every decision in one step of the store, then what each answer means, in order.
  std::vector<IntakeDecision> decisions = std::move(intakes_);
  intakes_.clear();
  MTG_CHECK(decisions.size() <= entries.size());
  if (decisions.empty()) return first;
  const auto outcomes = store_.intake_all(decisions);
  MTG_CHECK(outcomes.size() == decisions.size());
  std::set<std::string> to_dispatch;
  for (size_t i = 0; i < decisions.size(); ++i) {
    Status s = apply_intake(decisions[i], outcomes[i], to_dispatch);
    if (first.is_ok()) first = s;
  }
  Status sent = dispatch(to_dispatch);
  return first.is_ok() ? sent : first;
}

void Engine::stage_intake(IntakeDecision d) {
  MTG_CHECK(d.duplicate_result.status == ResultStatus::kDuplicate);
  if (d.final_result) MTG_CHECK(is_final(d.final_result->status));
  intakes_.push_back(std::move(d));
}

void Engine::apply_prefs(const Prefs& prefs) {
  signal_limits_ = signal_limits(config_.engine);
  if (prefs.default_ttl_ms) {
    signal_limits_.default_ttl_ms = std::min(*prefs.default_ttl_ms, signal_limits_.max_ttl_ms);
  }
  volume_caps_ = prefs.max_volume;
  spdlog::info("engine: preferences applied (default ttl {} ms, {} volume caps)", signal_limits_.default_ttl_ms,
               volume_caps_.size());
}

Status Engine::decide_entry(const RtssEntry& e) {
  const int64_t now = clock_.now_ms();
  if (!e.has_payload) return reject(e, "", nullptr, "entry has no 'signal' field");
  if (static_cast<int64_t>(e.payload.size()) > config_.engine.max_signal_bytes) {
    return reject(e, "", nullptr,
                  "signal is " + std::to_string(e.payload.size()) + " bytes; the limit is " +
                      std::to_string(config_.engine.max_signal_bytes));
  }
  auto signal = parse_signal(e.payload, signal_limits_);
  if (!signal) return reject(e, extract_uuid(e.payload), nullptr, signal.status().message());
  // The pending entry of an order already open (read again after a restart) was decided
  // when the order was accepted and is acknowledged with its final result. Deciding it
  // again would cost a store round trip per open order, and a volume cap lowered since
  // must not reject an order that is already under way.
  // A uuid finished lately: Redis may have lost its final and dedup record, and would
  // take this entry for a new signal. Given back first, they decide the intake.
  MTG_RETURN_IF_ERROR(restore_recent_final(signal->uuid));
  if (auto open = orders_.find(signal->uuid); open != orders_.end()) {
    if (open->second.stream_id == e.stream_id) return Status::ok();
    // Open here under another entry: a resubmission, to be answered `duplicate`. A Redis
    // that crashed may have lost the dedup record; restored first, it decides the intake.
    MTG_RETURN_IF_ERROR(store_.reassert_open(open->second));
  }
  const auto cap = volume_caps_.find(signal->instance);
  const double volume_cap = cap == volume_caps_.end() ? 0.0 : cap->second;
  if (Status valid = validate_signal(*signal, config_, volume_cap); !valid.is_ok()) {
    return reject(e, signal->uuid, &*signal, valid.message());
  }
  Order order;
  order.signal = *signal;
  order.stream_id = e.stream_id;
  order.updated_at_ms = now;
  const InstanceState& inst = instance_state(signal->instance);
  IntakeDecision d;
  d.stream_id = e.stream_id;
  d.uuid = signal->uuid;
  d.duplicate_result = base_result(e, signal->uuid, &*signal, now);
  d.duplicate_result.status = ResultStatus::kDuplicate;
  d.duplicate_result.result_id = duplicate_result_id(signal->uuid, e.stream_id);
  d.duplicate_result.reason = "duplicate: this uuid was submitted before";
  if (!inst.enabled) {
    const std::string reason = "instance " + inst.id + " is disabled: " + inst.reason;
    MTG_CHECK(order.transition(OrderState::kDropped, now).is_ok());
    order.reason = reason;
    d.final_result = final_result_of(order, ResultStatus::kDropped, reason, now);
    d.final_order = order;
  } else if (now >= signal->expires_at_ms()) {
    const std::string reason = "expired before dispatch: created " +
                               std::to_string(now - signal->created_at_ms) + " ms ago, ttl " +
                               std::to_string(signal->ttl_ms) + " ms";
    MTG_CHECK(order.transition(OrderState::kExpired, now).is_ok());
    order.reason = reason;
    d.final_result = final_result_of(order, ResultStatus::kExpired, reason, now);
    d.final_order = order;
  } else {
    d.accepted = order;
  }
  MTG_CHECK(d.accepted.has_value() != d.final_result.has_value());  // exactly one answer
  MTG_CHECK(d.final_order.has_value() == d.final_result.has_value());
  stage_intake(std::move(d));
  return Status::ok();
}

Status Engine::reject(const RtssEntry& e, const std::string& uuid, const Signal* signal,
                      const std::string& reason) {
  const int64_t now = clock_.now_ms();
  IntakeDecision d;
  d.stream_id = e.stream_id;
  d.uuid = uuid;
  TradeResult r = base_result(e, uuid, signal, now);
  r.status = ResultStatus::kRejected;
  r.reason = reason;
  r.result_id = uuid.empty() ? unparsed_result_id(e.stream_id) : final_result_id(uuid);
  d.duplicate_result = r;
  d.duplicate_result.status = ResultStatus::kDuplicate;
  d.duplicate_result.result_id = duplicate_result_id(uuid, e.stream_id);
  d.duplicate_result.reason = "duplicate: this uuid was submitted before";
  if (signal != nullptr) {
    Order o;
    o.signal = *signal;
    o.stream_id = e.stream_id;
    MTG_CHECK(o.transition(OrderState::kRejected, now).is_ok());
    o.reason = reason;
    d.final_order = o;
  }
  d.final_result = r;
  d.dead_letter = e.has_payload ? e.payload.substr(0, 64 * 1024) : "";
  MTG_CHECK(d.dead_letter.size() <= 64 * 1024);
  spdlog::warn("engine: rejected RTSS entry {} (uuid '{}'): {}", e.stream_id, uuid, reason);
  stage_intake(std::move(d));
  return Status::ok();
}

Status Engine::apply_intake(const IntakeDecision& d, const Result<IntakeOutcome>& outcome,
                            std::set<std::string>& to_dispatch) {
  if (!outcome) {
    ++stats_.store_errors;
    return outcome.status().with_context("RTSS entry " + d.stream_id);
  }
  switch (*outcome) {
    case IntakeOutcome::kAccepted: {
      MTG_CHECK(d.accepted.has_value());
      ++stats_.accepted;
      auto [it, inserted] = orders_.emplace(d.uuid, *d.accepted);
      MTG_CHECK(inserted);
      track(it->second);
      to_dispatch.insert(it->second.signal.instance);
      return Status::ok();
    }
    case IntakeOutcome::kFinalized:
      MTG_CHECK(d.final_result.has_value());
      if (d.final_order) recent_finals_.remember({*d.final_order, *d.final_result}, clock_.steady_ms());
      switch (d.final_result->status) {

        case ResultStatus::kExpired: ++stats_.expired; break;
        case ResultStatus::kDropped: ++stats_.dropped; break;
        default: ++stats_.rejected; break;
      }
      return Status::ok();
    case IntakeOutcome::kDuplicate:
      ++stats_.duplicates;
      return Status::ok();
    case IntakeOutcome::kReplayed:
      break;
  }
  // Accepted before a crash. start() loaded it from RTS unless RTS lost it.
  if (orders_.count(d.uuid) != 0) return Status::ok();
  auto stored = store_.load(d.uuid);
  if (!stored) return stored.status();
  if (stored->has_value() && !is_final((*stored)->state)) {
    auto [it, inserted] = orders_.emplace(d.uuid, std::move(**stored));
    MTG_CHECK(inserted);
    track(it->second);
    if (in_flight(it->second)) {
      flights_[d.uuid] = Flight{clock_.steady_ms(), false};
      send_queries(it->second.signal.instance, {d.uuid});
      return Status::ok();
    }
    to_dispatch.insert(it->second.signal.instance);
    return Status::ok();
  }
  if (!stored->has_value() && d.accepted) {
    // RTS lost the order but the dedup record survived: take it again as received.
    spdlog::warn("engine: RTS had no record of accepted signal {}; restoring it", d.uuid);
    MTG_RETURN_IF_ERROR(store_.update(*d.accepted, nullptr));
    auto [it, inserted] = orders_.emplace(d.uuid, *d.accepted);
    MTG_CHECK(inserted);
    track(it->second);
    to_dispatch.insert(it->second.signal.instance);
    return Status::ok();
  }
  return Status::ok();
}

}  // namespace mtg
