#include "order/order.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "util/json_fields.h"
#include "signal/signal_parser.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr double kRemainingRounding = 1e8;  // remaining_volume resolution: 1e-8 lots
constexpr int64_t kMaxStoredTtlMs = 366LL * 24 * 3600 * 1000;

// The nested signal was validated when the order was created; these bounds only
// refuse damage (the engine's configured max_ttl_ms may exceed the default).
SignalLimits stored_signal_limits() {
  SignalLimits limits;
  limits.max_bytes = kMaxOrderJsonBytes;
  limits.max_ttl_ms = kMaxStoredTtlMs;
  return limits;
}

Status order_invariants(const Order& o) {
  if (!(o.filled_volume >= 0 && o.filled_volume <= o.volume_cap() + kVolumeEpsilon)) {
    return field_error("filled_volume", "must be in 0..signal.volume");
  }
  if (!(o.expected_volume >= 0)) return field_error("expected_volume", "must be >= 0");
  if (!(o.avg_price >= 0)) return field_error("avg_price", "must be >= 0");
  if (o.updated_at_ms < 0) return field_error("updated_at", "must be >= 0");
  return Status::ok();
}

// The fields of contract version 2, absent in orders stored before it.
Status decode_terminal_fields(const JsonFields& f, Order& o) {
  if (f.has("expected_volume")) MTG_ASSIGN_FIELD(o.expected_volume, f.number("expected_volume"));
  if (f.has("ticket")) MTG_ASSIGN_FIELD(o.ticket, f.unsigned_integer("ticket"));
  if (f.has("deal")) MTG_ASSIGN_FIELD(o.deal, f.unsigned_integer("deal"));
  if (f.has("position")) MTG_ASSIGN_FIELD(o.position, f.unsigned_integer("position"));
  if (f.has("retcode")) {
    int64_t retcode = 0;
    MTG_ASSIGN_FIELD(retcode, f.integer("retcode"));
    if (retcode < INT32_MIN || retcode > INT32_MAX) return field_error("retcode", "out of range");
    o.retcode = static_cast<int>(retcode);
  }
  return Status::ok();
}

Status decode_fields(const nlohmann::json& doc, Order& o) {
  const JsonFields f(doc);
  const nlohmann::json* signal = nullptr;
  MTG_ASSIGN_FIELD(signal, f.object("signal"));
  auto parsed = parse_signal_object(*signal, stored_signal_limits());
  if (!parsed) return parsed.status().with_context("field signal");
  o.signal = std::move(*parsed);
  std::string state;
  MTG_ASSIGN_FIELD(state, f.text("state"));
  auto s = parse_state(state);
  if (!s) return s.status().with_context("field state");
  o.state = *s;
  MTG_ASSIGN_FIELD(o.filled_volume, f.number("filled_volume"));
  MTG_ASSIGN_FIELD(o.avg_price, f.number("avg_price"));
  int64_t leg = 0;
  MTG_ASSIGN_FIELD(leg, f.integer("leg"));
  if (leg < 0 || leg > kMaxLeg) return field_error("leg", "must be in 0..999");
  o.leg = static_cast<int>(leg);
  MTG_ASSIGN_FIELD(o.stream_id, f.text("stream_id"));
  MTG_ASSIGN_FIELD(o.reason, f.text("reason"));
  MTG_ASSIGN_FIELD(o.updated_at_ms, f.integer("updated_at"));
  MTG_RETURN_IF_ERROR(decode_terminal_fields(f, o));
  return order_invariants(o);
}

}  // namespace

std::string clip_reason(std::string_view reason) {
  if (reason.size() <= kMaxReasonBytes) return std::string(reason);
  size_t end = kMaxReasonBytes;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so no sequence is split.
  while (end > 0 && (static_cast<unsigned char>(reason[end]) & 0xc0) == 0x80) --end;
  return std::string(reason.substr(0, end));
}

bool Order::closes_everything() const {
  return (signal.action == Action::kClose || signal.action == Action::kCloseAll) && signal.volume == 0;
}

double Order::volume_cap() const {
  return closes_everything() ? std::numeric_limits<double>::infinity() : signal.volume;
}

Status Order::transition(OrderState to, int64_t now_ms) {
  if (!can_transition(state, to)) {
    return Status::precondition("order " + signal.uuid + ": transition " + state_name(state) + " -> " +
                                state_name(to) + " not allowed");
  }
  if ((to == OrderState::kPartial || to == OrderState::kFilled) && !(filled_volume > 0)) {
    return Status::precondition("order " + signal.uuid + ": " + state_name(to) + " without any fill");
  }
  state = to;
  updated_at_ms = now_ms;
  MTG_CHECK(filled_volume <= volume_cap() + kVolumeEpsilon);
  return Status::ok();
}

Status Order::apply_fill(double volume, double price) {
  if (!(std::isfinite(volume) && volume > 0 && std::isfinite(price) && price > 0)) {
    return Status::invalid("order " + signal.uuid + ": fill volume and price must be finite and > 0");
  }
  if (state != OrderState::kSent && state != OrderState::kPartial) {
    return Status::precondition("order " + signal.uuid + ": fill while " + state_name(state));
  }
  const double total = filled_volume + volume;
  if (total > volume_cap() + kVolumeEpsilon) {
    return Status::precondition("order " + signal.uuid + ": fill of " + std::to_string(volume) +
                                " would exceed volume " + std::to_string(signal.volume) + " (filled " +
                                std::to_string(filled_volume) + ")");
  }
  avg_price = (avg_price * filled_volume + price * volume) / total;
  filled_volume = total;
  MTG_CHECK(filled_volume <= volume_cap() + kVolumeEpsilon);
  MTG_CHECK(avg_price > 0);
  return Status::ok();
}

double Order::remaining_volume() const {
  if (closes_everything()) return 0.0;
  const double remaining = std::round((signal.volume - filled_volume) * kRemainingRounding) / kRemainingRounding;
  return remaining > 0 ? remaining : 0.0;
}

std::string Order::to_json() const {
  nlohmann::ordered_json j;
  j["signal"] = signal_to_object(signal);
  j["state"] = state_name(state);
  j["filled_volume"] = filled_volume;
  j["avg_price"] = avg_price;
  j["leg"] = leg;
  j["stream_id"] = stream_id;
  j["reason"] = clip_reason(reason);
  j["updated_at"] = updated_at_ms;
  j["expected_volume"] = expected_volume;
  j["ticket"] = ticket;
  j["deal"] = deal;
  j["position"] = position;
  j["retcode"] = retcode;
  return dump_json(j);
}

Result<Order> Order::from_json(std::string_view json_text) {
  auto doc = parse_json_object(json_text, kMaxOrderJsonBytes);
  Order o;
  const Status s = doc ? decode_fields(*doc, o) : doc.status();
  if (!s) return Status::corruption("order: " + s.message());
  return o;
}

}  // namespace mtg
