// OrderStore in Redis (the engine's RTS, RIS, RTRS, dedup and dead letters). Every
// operation is one Lua script, so a crash between two Redis writes cannot happen:
// Redis applies a script whole or not at all (and AOF logs it whole).
#pragma once

#include "engine/order_store.h"
#include "keys/redis_keys.h"
#include "store/redis/redis_client.h"

namespace mtg {

struct RedisOrderStoreOptions {
  int64_t dedup_window_s = 7 * 24 * 3600;  // a uuid is remembered this long
  int64_t final_order_ttl_s = 24 * 3600;   // a final order stays readable in RTS this long
  int64_t event_dedup_window_s = 7 * 24 * 3600;  // an event id is remembered this long
  int64_t max_events = 1'000'000;          // the events stream is trimmed to about this many
};

class RedisOrderStore final : public OrderStore {
 public:
  // `redis` must outlive the store; the store is used from one thread.
  RedisOrderStore(RedisClient& redis, std::string prefix, RedisOrderStoreOptions options);

  Result<IntakeOutcome> intake(const IntakeDecision& decision) override;
  // One round trip for the whole batch (RedisClient::eval_all).
  std::vector<Result<IntakeOutcome>> intake_all(const std::vector<IntakeDecision>& decisions) override;
  Status update(const Order& order, const TradeResult* intermediate) override;
  Result<bool> finalize(const Order& order, const TradeResult& result) override;
  // One round trip for the whole batch (RedisClient::eval_all).
  std::vector<Result<bool>> write_all(const std::vector<OrderWrite>& writes) override;
  Status reassert_open(const Order& order) override;
  Result<std::vector<Order>> load_open() override;
  Result<std::optional<Order>> load(const std::string& uuid) override;
  Status save_instance(const InstanceState& state) override;
  Result<std::vector<InstanceState>> load_instances() override;
  Result<bool> append_event(const TradeEvent& event) override;
  Status save_holdings(const std::string& instance, const Holdings& holdings) override;
  Result<std::map<std::string, Holdings>> load_holdings(const std::vector<std::string>& instances) override;

 private:
  RedisClient::ScriptCall intake_call(const IntakeDecision& decision) const;
  RedisClient::ScriptCall write_call(const OrderWrite& write) const;

  RedisClient& redis_;
  RedisKeys keys_;
  RedisOrderStoreOptions options_;
};

}  // namespace mtg
