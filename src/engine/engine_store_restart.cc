// Engine: a Redis that restarted and may have lost the last seconds it acknowledged.
#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "engine/order_rules.h"
#include "util/check.h"

namespace mtg {

Status Engine::on_store_restarted() {
  MTG_CHECK(started_);
  for (const auto& [uuid, order] : orders_) MTG_RETURN_IF_ERROR(store_.reassert_open(order));
  auto open = store_.load_open();
  if (!open) return open.status().with_context("loading open orders from RTS");
  std::map<std::string, std::vector<std::string>> ask;  // instance -> uuids in flight
  size_t adopted = 0;
  for (Order& o : *open) {
    const std::string uuid = o.signal.uuid;
    if (orders_.count(uuid) != 0) continue;
    const bool flying = in_flight(o);
    const std::string instance = o.signal.instance;
    orders_.emplace(uuid, std::move(o));
    ++adopted;
    if (!flying) continue;  // received: dispatch_waiting() sends it
    flights_[uuid] = Flight{clock_.steady_ms(), false};
    if (link_.is_connected(instance)) ask[instance].push_back(uuid);
  }
  for (const auto& [instance, uuids] : ask) send_queries(instance, uuids);
  spdlog::warn("engine: Redis restarted: {} open orders written again, {} taken up from RTS", orders_.size() - adopted,
               adopted);
  return Status::ok();
}

}  // namespace mtg
