#include "order/trade_result.h"

#include <nlohmann/json.hpp>

#include "util/json_fields.h"
#include "util/check.h"

namespace mtg {
namespace {

using R = ResultStatus;

constexpr ResultStatus kAllStatuses[] = {R::kFilled,  R::kPartial, R::kFailed,   R::kRejected, R::kExpired,
                                         R::kDuplicate, R::kDropped, R::kPlaced, R::kModified, R::kCancelled};

// The optional fields of contract version 2: absent in results written before it.
Status decode_v2_fields(const JsonFields& f, TradeResult& r) {
  if (f.has("action")) MTG_ASSIGN_FIELD(r.action, f.text("action"));
  if (f.has("deal")) MTG_ASSIGN_FIELD(r.deal, f.unsigned_integer("deal"));
  if (f.has("position")) MTG_ASSIGN_FIELD(r.position, f.unsigned_integer("position"));
  if (f.has("retcode_name")) MTG_ASSIGN_FIELD(r.retcode_name, f.text("retcode_name"));
  return Status::ok();
}

Status decode_fields(const nlohmann::json& doc, TradeResult& r) {
  const JsonFields f(doc);
  MTG_ASSIGN_FIELD(r.result_id, f.text("result_id"));
  MTG_ASSIGN_FIELD(r.uuid, f.text("uuid"));
  MTG_ASSIGN_FIELD(r.instance, f.text("instance"));
  MTG_ASSIGN_FIELD(r.symbol, f.text("symbol"));
  MTG_ASSIGN_FIELD(r.side, f.text("side"));
  std::string status;
  MTG_ASSIGN_FIELD(status, f.text("status"));
  auto s = parse_result_status(status);
  if (!s) return s.status().with_context("field status");
  r.status = *s;
  MTG_ASSIGN_FIELD(r.volume, f.number("volume"));
  MTG_ASSIGN_FIELD(r.filled_volume, f.number("filled_volume"));
  MTG_ASSIGN_FIELD(r.avg_price, f.number("avg_price"));
  MTG_ASSIGN_FIELD(r.reason, f.text("reason"));
  MTG_ASSIGN_FIELD(r.ticket, f.unsigned_integer("ticket"));
  int64_t retcode = 0;
  MTG_ASSIGN_FIELD(retcode, f.integer("retcode"));
  if (retcode < INT32_MIN || retcode > INT32_MAX) return field_error("retcode", "out of range");
  r.retcode = static_cast<int>(retcode);
  MTG_ASSIGN_FIELD(r.ts_ms, f.integer("ts"));
  MTG_ASSIGN_FIELD(r.stream_id, f.text("stream_id"));
  return decode_v2_fields(f, r);
}

}  // namespace

const char* result_status_name(ResultStatus status) {
  switch (status) {
    case R::kFilled: return "filled";
    case R::kPartial: return "partial";
    case R::kFailed: return "failed";
    case R::kRejected: return "rejected";
    case R::kExpired: return "expired";
    case R::kDuplicate: return "duplicate";
    case R::kDropped: return "dropped";
    case R::kPlaced: return "placed";
    case R::kModified: return "modified";
    case R::kCancelled: return "cancelled";
  }
  MTG_CHECK_MSG(false, "bad ResultStatus");
}

Result<ResultStatus> parse_result_status(std::string_view name) {
  for (ResultStatus s : kAllStatuses) {
    if (name == result_status_name(s)) return s;
  }
  return Status::invalid("unknown result status " + std::string(name));
}

bool is_final(ResultStatus status) { return status != R::kPartial && status != R::kDuplicate; }

std::string TradeResult::to_json() const {
  nlohmann::ordered_json j;
  j["result_id"] = result_id;
  j["uuid"] = uuid;
  j["instance"] = instance;
  j["symbol"] = symbol;
  j["side"] = side;
  j["status"] = result_status_name(status);
  j["volume"] = volume;
  j["filled_volume"] = filled_volume;
  j["avg_price"] = avg_price;
  j["price"] = avg_price;
  j["reason"] = clip_reason(reason);
  j["ticket"] = ticket;
  j["order"] = ticket;
  j["retcode"] = retcode;
  j["ts"] = ts_ms;
  j["stream_id"] = stream_id;
  j["action"] = action;
  j["deal"] = deal;
  j["position"] = position;
  j["retcode_name"] = retcode_name;
  return dump_json(j);
}

Result<TradeResult> TradeResult::from_json(std::string_view json_text) {
  auto doc = parse_json_object(json_text, kMaxResultJsonBytes);
  TradeResult r;
  const Status s = doc ? decode_fields(*doc, r) : doc.status();
  if (!s) return Status::corruption("result: " + s.message());
  return r;
}

std::string final_result_id(const std::string& uuid) { return uuid + ":final"; }

std::string partial_result_id(const std::string& uuid, int leg) {
  MTG_CHECK(leg >= 0);
  MTG_CHECK(leg <= kMaxLeg);
  return uuid + ":p" + std::to_string(leg);
}

std::string duplicate_result_id(const std::string& uuid, const std::string& stream_id) {
  return uuid + ":dup:" + stream_id;
}

std::string unparsed_result_id(const std::string& stream_id) { return "rtss:" + stream_id; }

TradeResult final_result_of(const Order& order, ResultStatus status, std::string reason, int64_t now_ms) {
  MTG_CHECK_MSG(is_final(status), "final_result_of: status is not final");
  MTG_CHECK_MSG(status != R::kFilled || order.filled_volume > 0, "final_result_of: filled without fills");
  TradeResult r;
  r.result_id = final_result_id(order.signal.uuid);
  r.uuid = order.signal.uuid;
  r.instance = order.signal.instance;
  r.symbol = order.signal.symbol;
  r.side = order.signal.action == Action::kOpen ? side_name(order.signal.side) : "";
  r.action = action_name(order.signal.action);
  r.status = status;
  r.volume = order.signal.volume;
  r.filled_volume = order.filled_volume;
  r.avg_price = order.avg_price;
  r.reason = clip_reason(reason);
  r.ts_ms = now_ms;
  r.stream_id = order.stream_id;
  r.ticket = order.ticket;
  r.deal = order.deal;
  r.position = order.position;
  r.retcode = order.retcode;
  MTG_CHECK(r.filled_volume <= order.volume_cap() + kVolumeEpsilon);
  return r;
}

}  // namespace mtg
