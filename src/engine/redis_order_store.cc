#include "engine/redis_order_store.h"

#include <spdlog/spdlog.h>

#include "order/order_state.h"
#include "util/check.h"

namespace mtg {
namespace {

// Lua: the states after which RTS never changes again (order/order_state.h: the final
// states and closed).
const std::string kIsSettled = "local SETTLED = " + settled_states_lua_table() + "\n" +
                               "local function is_settled(json) if not json then return false end "
                               "return SETTLED[cjson.decode(json)['state']] == true end\n";

// KEYS: dedup, order, open set, rtrs, rtss, dlq
// ARGV: uuid, stream_id, group, dedup_ttl_s, mode, order_json, result_json,
//       duplicate_result_json, dead_letter, dead_letter_reason, final_ttl_s
const RedisScript kIntake(R"lua(
local uuid, sid, group = ARGV[1], ARGV[2], ARGV[3]
if uuid ~= '' then
  if not redis.call('SET', KEYS[1], sid, 'NX', 'EX', ARGV[4]) then
    if redis.call('GET', KEYS[1]) == sid then return 'replayed' end
    redis.call('XADD', KEYS[4], '*', 'result', ARGV[8])
    redis.call('XACK', KEYS[5], group, sid)
    return 'duplicate'
  end
end
if ARGV[9] ~= '' then
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', '100000', '*',
             'stream_id', sid, 'reason', ARGV[10], 'payload', ARGV[9])
end
if ARGV[5] == 'accept' then
  redis.call('SET', KEYS[2], ARGV[6])
  redis.call('SADD', KEYS[3], uuid)
  return 'accepted'
end
if ARGV[6] ~= '' then redis.call('SET', KEYS[2], ARGV[6], 'EX', ARGV[11]) end
redis.call('XADD', KEYS[4], '*', 'result', ARGV[7])
redis.call('XACK', KEYS[5], group, sid)
return 'finalized'
)lua");

// KEYS: order, rtrs   ARGV: order_json, result_json or ''
const RedisScript kUpdate(kIsSettled + R"lua(
if is_settled(redis.call('GET', KEYS[1])) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('XADD', KEYS[2], '*', 'result', ARGV[2]) end
return 1
)lua");

// KEYS: order, open set, rtrs, rtss, dedup
// ARGV: uuid, order_json, result_json, group, stream_id, ttl_s, dedup_ttl_s
const RedisScript kFinalize(kIsSettled + R"lua(
if is_settled(redis.call('GET', KEYS[1])) then
  redis.call('SREM', KEYS[2], ARGV[1])
  return 0
end
if ARGV[5] ~= '' then redis.call('SET', KEYS[5], ARGV[5], 'NX', 'EX', ARGV[7]) end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[6])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'result', ARGV[3])
if ARGV[5] ~= '' then redis.call('XACK', KEYS[4], ARGV[4], ARGV[5]) end
return 1
)lua");

// KEYS: dedup, order, open set   ARGV: stream_id, dedup_ttl_s, order_json, uuid
const RedisScript kReassertOpen(kIsSettled + R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
if is_settled(redis.call('GET', KEYS[2])) then return 0 end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
)lua");

// KEYS: event_seen, events   ARGV: event_json, dedup_ttl_s, max_events
const RedisScript kAppendEvent(R"lua(
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'event', ARGV[1])
return 1
)lua");

constexpr size_t kLoadBatch = 500;

}  // namespace

RedisOrderStore::RedisOrderStore(RedisClient& redis, std::string prefix, RedisOrderStoreOptions options)
    : redis_(redis), keys_{std::move(prefix)}, options_(options) {
  MTG_CHECK(options_.dedup_window_s > 0);
  MTG_CHECK(options_.final_order_ttl_s > 0);
}

RedisClient::ScriptCall RedisOrderStore::intake_call(const IntakeDecision& d) const {
  MTG_CHECK(d.accepted.has_value() != d.final_result.has_value());
  MTG_CHECK(!d.accepted || !d.uuid.empty());
  const std::string order_json =
      d.accepted ? d.accepted->to_json() : (d.final_order ? d.final_order->to_json() : "");
  return {&kIntake,
          {keys_.dedup(d.uuid), keys_.order(d.uuid), keys_.open_orders(), keys_.rtrs(), keys_.rtss(),
           keys_.dead_letters()},
          {d.uuid, d.stream_id, RedisKeys::kEngineGroup, std::to_string(options_.dedup_window_s),
           d.accepted ? "accept" : "final", order_json, d.final_result ? d.final_result->to_json() : "",
           d.duplicate_result.to_json(), d.dead_letter, d.final_result ? d.final_result->reason : "",
           std::to_string(options_.final_order_ttl_s)}};
}

RedisClient::ScriptCall RedisOrderStore::write_call(const OrderWrite& w) const {
  const std::string& uuid = w.order.signal.uuid;
  if (!is_final(w.order.state)) {
    return {&kUpdate, {keys_.order(uuid), keys_.rtrs()}, {w.order.to_json(), w.result ? w.result->to_json() : ""}};
  }
  MTG_CHECK(w.result.has_value());
  MTG_CHECK(is_final(w.result->status));
  return {&kFinalize,
          {keys_.order(uuid), keys_.open_orders(), keys_.rtrs(), keys_.rtss(), keys_.dedup(uuid)},
          {uuid, w.order.to_json(), w.result->to_json(), RedisKeys::kEngineGroup, w.order.stream_id,
           std::to_string(options_.final_order_ttl_s), std::to_string(options_.dedup_window_s)}};
}

namespace {

Result<IntakeOutcome> intake_outcome(const Result<RedisReply>& reply) {
  if (!reply) return reply.status();
  const std::string& outcome = reply->str;
  if (outcome == "accepted") return IntakeOutcome::kAccepted;
  if (outcome == "finalized") return IntakeOutcome::kFinalized;
  if (outcome == "duplicate") return IntakeOutcome::kDuplicate;
  if (outcome == "replayed") return IntakeOutcome::kReplayed;
  return Status::internal("intake script answered " + outcome);
}

// Both scripts answer 1 when they wrote, 0 when RTS held the order settled already.
Result<bool> write_outcome(const OrderWrite& w, const Result<RedisReply>& reply) {
  if (!reply) return reply.status();
  if (reply->integer == 1) return true;
  if (is_final(w.order.state)) return false;
  return Status::precondition("order " + w.order.signal.uuid + " is already final in RTS");
}

// The same failure for each of n calls whose pipeline failed as a whole.
template <class T>
std::vector<Result<T>> all_failed(size_t n, const Status& status) {
  MTG_CHECK(!status.is_ok());
  return std::vector<Result<T>>(n, Result<T>(status));
}

}  // namespace

Result<IntakeOutcome> RedisOrderStore::intake(const IntakeDecision& d) {
  const RedisClient::ScriptCall call = intake_call(d);
  return intake_outcome(redis_.eval(*call.script, call.keys, call.args));
}

std::vector<Result<IntakeOutcome>> RedisOrderStore::intake_all(const std::vector<IntakeDecision>& decisions) {
  std::vector<RedisClient::ScriptCall> calls;
  calls.reserve(decisions.size());
  for (const auto& d : decisions) calls.push_back(intake_call(d));
  auto replies = redis_.eval_all(calls);
  if (!replies) return all_failed<IntakeOutcome>(decisions.size(), replies.status());
  std::vector<Result<IntakeOutcome>> out;
  out.reserve(decisions.size());
  for (const auto& r : *replies) out.push_back(intake_outcome(r));
  return out;
}

Status RedisOrderStore::update(const Order& order, const TradeResult* intermediate) {
  MTG_CHECK(!is_final(order.state));
  OrderWrite w{order, intermediate ? std::optional<TradeResult>(*intermediate) : std::nullopt};
  const RedisClient::ScriptCall call = write_call(w);
  return write_outcome(w, redis_.eval(*call.script, call.keys, call.args)).status();
}

Result<bool> RedisOrderStore::finalize(const Order& order, const TradeResult& result) {
  MTG_CHECK(is_final(order.state));
  OrderWrite w{order, result};
  const RedisClient::ScriptCall call = write_call(w);
  return write_outcome(w, redis_.eval(*call.script, call.keys, call.args));
}

std::vector<Result<bool>> RedisOrderStore::write_all(const std::vector<OrderWrite>& writes) {
  std::vector<RedisClient::ScriptCall> calls;
  calls.reserve(writes.size());
  for (const auto& w : writes) calls.push_back(write_call(w));
  auto replies = redis_.eval_all(calls);
  if (!replies) return all_failed<bool>(writes.size(), replies.status());
  std::vector<Result<bool>> out;
  out.reserve(writes.size());
  for (size_t i = 0; i < writes.size(); ++i) out.push_back(write_outcome(writes[i], (*replies)[i]));
  return out;
}

Status RedisOrderStore::reassert_open(const Order& order) {
  MTG_CHECK(!is_final(order.state));
  MTG_CHECK(!order.stream_id.empty());
  const std::string& uuid = order.signal.uuid;
  auto reply = redis_.eval(kReassertOpen, {keys_.dedup(uuid), keys_.order(uuid), keys_.open_orders()},
                           {order.stream_id, std::to_string(options_.dedup_window_s), order.to_json(), uuid});
  return reply.status();
}

Result<std::vector<Order>> RedisOrderStore::load_open() {
  auto members = redis_.command({"SMEMBERS", keys_.open_orders()});
  if (!members) return members.status();
  std::vector<Order> orders;
  const auto& uuids = members->elements;
  for (size_t start = 0; start < uuids.size(); start += kLoadBatch) {
    std::vector<std::string> argv{"MGET"};
    const size_t end = std::min(uuids.size(), start + kLoadBatch);
    for (size_t i = start; i < end; ++i) argv.push_back(keys_.order(uuids[i].str));
    auto values = redis_.command(argv);
    if (!values) return values.status();
    for (size_t i = start; i < end; ++i) {
      const RedisReply& v = values->elements[i - start];
      if (v.type != RedisReply::Type::kString) {
        spdlog::warn("RTS: open order {} has no state record", uuids[i].str);
        continue;
      }
      auto order = Order::from_json(v.str);
      if (!order) return order.status().with_context("RTS order " + uuids[i].str);
      if (!is_final(order->state)) orders.push_back(std::move(*order));
    }
  }
  return orders;
}

Result<std::optional<Order>> RedisOrderStore::load(const std::string& uuid) {
  auto value = redis_.command({"GET", keys_.order(uuid)});
  if (!value) return value.status();
  if (value->type != RedisReply::Type::kString) return std::optional<Order>();
  auto order = Order::from_json(value->str);
  if (!order) return order.status().with_context("RTS order " + uuid);
  return std::optional<Order>(std::move(*order));
}

Status RedisOrderStore::save_instance(const InstanceState& s) {
  auto reply = redis_.pipeline(
      {{"HSET", keys_.instance(s.id), "enabled", s.enabled ? "1" : "0", "connected",
        s.connected ? "1" : "0", "broker_connected", s.broker_connected ? "1" : "0", "attempts",
        std::to_string(s.attempts), "updated_at_ms", std::to_string(s.updated_at_ms), "reason",
        s.reason},
       {"SADD", keys_.instances(), s.id}});
  return reply.status();
}

Result<bool> RedisOrderStore::append_event(const TradeEvent& event) {
  MTG_CHECK(!event.id.empty());
  auto reply = redis_.eval(kAppendEvent, {keys_.event_seen(event.id), keys_.events()},
                           {event.to_json(), std::to_string(options_.event_dedup_window_s),
                            std::to_string(options_.max_events)});
  if (!reply) return reply.status();
  return reply->integer == 1;
}

Status RedisOrderStore::save_holdings(const std::string& instance, const Holdings& holdings) {
  return redis_.command({"SET", keys_.holdings(instance), holdings_to_json(holdings)}).status();
}

Result<std::map<std::string, Holdings>> RedisOrderStore::load_holdings(const std::vector<std::string>& instances) {
  std::map<std::string, Holdings> out;
  if (instances.empty()) return out;
  std::vector<std::string> argv{"MGET"};
  for (const auto& id : instances) argv.push_back(keys_.holdings(id));
  auto values = redis_.command(argv);
  if (!values) return values.status();
  for (size_t i = 0; i < instances.size(); ++i) {
    const RedisReply& v = values->elements[i];
    if (v.type != RedisReply::Type::kString) continue;
    auto h = holdings_from_json(v.str);
    if (!h) return h.status().with_context("holdings of " + instances[i]);
    out.emplace(instances[i], std::move(*h));
  }
  return out;
}

Result<std::vector<InstanceState>> RedisOrderStore::load_instances() {
  auto ids = redis_.command({"SMEMBERS", keys_.instances()});
  if (!ids) return ids.status();
  std::vector<InstanceState> states;
  for (const auto& id : ids->elements) {
    auto fields = redis_.command({"HGETALL", keys_.instance(id.str)});
    if (!fields) return fields.status();
    InstanceState s;
    s.id = id.str;
    const auto& f = fields->elements;
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      const std::string& k = f[i].str;
      const std::string& v = f[i + 1].str;
      if (k == "enabled") s.enabled = v == "1";
      else if (k == "connected") s.connected = v == "1";
      else if (k == "broker_connected") s.broker_connected = v == "1";
      else if (k == "attempts") s.attempts = std::atoi(v.c_str());
      else if (k == "updated_at_ms") s.updated_at_ms = std::atoll(v.c_str());
      else if (k == "reason") s.reason = v;
    }
    states.push_back(std::move(s));
  }
  return states;
}

}  // namespace mtg
