// Engine: a Redis that restarted and may have lost the last seconds it acknowledged.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/engine.h"
#include "engine/order_rules.h"
#include "util/check.h"

namespace mtg {

Status Engine::restore_recent_final(const std::string& uuid) {
  const FinalRecord* done = recent_finals_.find(uuid);
  if (done == nullptr) return Status::ok();
  MTG_CHECK(orders_.count(uuid) == 0);  // finished: no longer open here
  auto written = store_.finalize(done->order, done->result);
  if (!written) {
    ++stats_.store_errors;
    return written.status().with_context("writing back the final result of " + uuid);
  }
  if (*written) spdlog::warn("engine: Redis had lost the final result of {}; written again", uuid);
  return Status::ok();
}

Status Engine::on_store_restarted() {
  MTG_CHECK(started_);
  size_t finals_written = 0;
  const std::vector<FinalRecord> finals = recent_finals_.within_window(clock_.steady_ms());
  for (size_t start = 0; start < finals.size(); start += kMaxWritesPerBatch) {
    std::vector<OrderWrite> writes;
    for (size_t i = start; i < std::min(finals.size(), start + kMaxWritesPerBatch); ++i) {
      MTG_CHECK(orders_.count(finals[i].order.signal.uuid) == 0);
      writes.push_back({finals[i].order, finals[i].result});
    }
    for (const auto& written : store_.write_all(writes)) {
      if (!written) return written.status().with_context("writing back recent final results");
      finals_written += *written ? 1 : 0;
    }
  }
  MTG_CHECK(finals_written <= finals.size());
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
    track(o);
    orders_.emplace(uuid, std::move(o));
    ++adopted;
    if (!flying) continue;  // received: dispatch_waiting() sends it
    flights_[uuid] = Flight{clock_.steady_ms(), false};
    if (link_.is_connected(instance)) ask[instance].push_back(uuid);
  }
  for (const auto& [instance, uuids] : ask) send_queries(instance, uuids);
  spdlog::warn("engine: Redis restarted: {} of {} recent final results written again (lost), {} open orders "
               "written again, {} taken up from RTS",
               finals_written, finals.size(), orders_.size() - adopted, adopted);
  return Status::ok();
}

}  // namespace mtg
