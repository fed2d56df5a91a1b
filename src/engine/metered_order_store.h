// An OrderStore that passes every call to another and tells EngineMetrics what was
// written: each result that reached RTRS (a call that failed, or found the order final
// already, wrote none), and which orders are in flight (sent or partially filled) as
// RTS holds them. The engine's process wraps its RedisOrderStore in one
// (engine_service.cc), so the decision code stays free of metrics. Single-threaded,
// like the Engine that calls it.
#pragma once

#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/order_store.h"
#include "engine/service_metrics.h"

namespace mtg {

class MeteredOrderStore : public OrderStore {
 public:
  // Both must outlive this object.
  MeteredOrderStore(OrderStore& inner, EngineMetrics& metrics) : inner_(inner), metrics_(metrics) {}

  Result<IntakeOutcome> intake(const IntakeDecision& decision) override;
  std::vector<Result<IntakeOutcome>> intake_all(const std::vector<IntakeDecision>& decisions) override;
  Status update(const Order& order, const TradeResult* intermediate) override;
  Result<bool> finalize(const Order& order, const TradeResult& result) override;
  std::vector<Result<bool>> write_all(const std::vector<OrderWrite>& writes) override;
  Status reassert_open(const Order& order) override { return inner_.reassert_open(order); }
  // Also the start of the in-flight count: the open orders RTS holds.
  Result<std::vector<Order>> load_open() override;
  Result<std::optional<Order>> load(const std::string& uuid) override { return inner_.load(uuid); }
  Status save_instance(const InstanceState& state) override { return inner_.save_instance(state); }
  Result<std::vector<InstanceState>> load_instances() override { return inner_.load_instances(); }
  Result<bool> append_event(const TradeEvent& event) override { return inner_.append_event(event); }
  Status save_holdings(const std::string& instance, const Holdings& holdings) override {
    return inner_.save_holdings(instance, holdings);
  }
  Result<std::map<std::string, Holdings>> load_holdings(const std::vector<std::string>& instances) override {
    return inner_.load_holdings(instances);
  }

  // Open orders whose last stored state is sent or partial.
  size_t in_flight() const { return in_flight_.size(); }

 private:
  // Counts `order` in flight or not by the state just stored.
  void track(const Order& order);
  // The metrics of one intake decision the store answered.
  Result<IntakeOutcome> observe_intake(const IntakeDecision& decision, Result<IntakeOutcome> outcome);
  // The metrics of one order write the store took (`written`: false when RTS held it final).
  void observe_written(const Order& order, const TradeResult* result, bool written);

  OrderStore& inner_;
  EngineMetrics& metrics_;
  std::unordered_set<std::string> in_flight_;  // uuids
};

}  // namespace mtg
