// Fakes for engine unit tests: an OrderStore in memory with the same atomic semantics
// as the Redis Lua scripts, that can be told to fail; and a TerminalLink that records.
#pragma once

#include <map>
#include <set>

#include "engine/order_store.h"
#include "link/terminal_link.h"

namespace mtg::testing {

class MemoryOrderStore final : public OrderStore {
 public:
  int fail_next = 0;  // this many next calls fail as if Redis were down
  std::map<std::string, std::string> dedup;  // uuid -> stream id
  std::map<std::string, Order> rts;
  std::set<std::string> open;
  std::vector<TradeResult> rtrs;
  std::set<std::string> acked;
  std::vector<std::string> dead_letters;
  std::map<std::string, InstanceState> ris;
  std::vector<TradeEvent> events;
  std::set<std::string> event_ids;
  std::map<std::string, Holdings> holdings;

  Result<IntakeOutcome> intake(const IntakeDecision& d) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    if (!d.uuid.empty()) {
      auto it = dedup.find(d.uuid);
      if (it != dedup.end()) {
        if (it->second == d.stream_id) return IntakeOutcome::kReplayed;
        rtrs.push_back(d.duplicate_result);
        acked.insert(d.stream_id);
        return IntakeOutcome::kDuplicate;
      }
      dedup[d.uuid] = d.stream_id;
    }
    if (!d.dead_letter.empty()) dead_letters.push_back(d.dead_letter);
    if (d.accepted) {
      rts[d.uuid] = *d.accepted;
      open.insert(d.uuid);
      return IntakeOutcome::kAccepted;
    }
    if (d.final_order) rts[d.uuid] = *d.final_order;
    rtrs.push_back(*d.final_result);
    acked.insert(d.stream_id);
    return IntakeOutcome::kFinalized;
  }

  int intake_batches = 0;  // intake_all calls (one round trip each in Redis)
  int write_batches = 0;   // write_all calls (one round trip each in Redis)

  std::vector<Result<IntakeOutcome>> intake_all(const std::vector<IntakeDecision>& decisions) override {
    ++intake_batches;
    return OrderStore::intake_all(decisions);
  }

  std::vector<Result<bool>> write_all(const std::vector<OrderWrite>& writes) override {
    ++write_batches;
    return OrderStore::write_all(writes);
  }

  Status update(const Order& o, const TradeResult* intermediate) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    auto it = rts.find(o.signal.uuid);
    if (it != rts.end() && is_final(it->second.state)) return Status::precondition("final");
    rts[o.signal.uuid] = o;
    if (intermediate != nullptr) rtrs.push_back(*intermediate);
    return Status::ok();
  }

  Status reassert_open(const Order& o) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    dedup.emplace(o.signal.uuid, o.stream_id);
    auto it = rts.find(o.signal.uuid);
    if (it != rts.end() && is_final(it->second.state)) return Status::ok();
    rts[o.signal.uuid] = o;
    open.insert(o.signal.uuid);
    return Status::ok();
  }

  Result<bool> finalize(const Order& o, const TradeResult& r) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    auto it = rts.find(o.signal.uuid);
    open.erase(o.signal.uuid);
    if (it != rts.end() && is_final(it->second.state)) return false;
    if (!o.stream_id.empty()) dedup.emplace(o.signal.uuid, o.stream_id);
    rts[o.signal.uuid] = o;
    rtrs.push_back(r);
    acked.insert(o.stream_id);
    return true;
  }

  Result<std::vector<Order>> load_open() override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    std::vector<Order> out;
    for (const auto& uuid : open) out.push_back(rts.at(uuid));
    return out;
  }

  Result<std::optional<Order>> load(const std::string& uuid) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    auto it = rts.find(uuid);
    if (it == rts.end()) return std::optional<Order>();
    return std::optional<Order>(it->second);
  }

  Status save_instance(const InstanceState& s) override {
    ris[s.id] = s;
    return Status::ok();
  }

  Result<std::vector<InstanceState>> load_instances() override {
    std::vector<InstanceState> out;
    for (const auto& [id, s] : ris) out.push_back(s);
    return out;
  }

  Result<bool> append_event(const TradeEvent& e) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    if (!event_ids.insert(e.id).second) return false;
    events.push_back(e);
    return true;
  }

  Status save_holdings(const std::string& instance, const Holdings& h) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    holdings[instance] = h;
    return Status::ok();
  }

  Result<std::map<std::string, Holdings>> load_holdings(const std::vector<std::string>& ids) override {
    if (Status s = maybe_fail(); !s.is_ok()) return s;
    std::map<std::string, Holdings> out;
    for (const auto& id : ids) {
      if (auto it = holdings.find(id); it != holdings.end()) out.emplace(id, it->second);
    }
    return out;
  }

  // Final results (status final) for one uuid.
  std::vector<TradeResult> finals(const std::string& uuid) const {
    std::vector<TradeResult> out;
    for (const auto& r : rtrs) {
      if (r.uuid == uuid && is_final(r.status)) out.push_back(r);
    }
    return out;
  }

 private:
  Status maybe_fail() {
    if (fail_next <= 0) return Status::ok();
    --fail_next;
    return Status::unavailable("redis down (injected)");
  }
};

class FakeLink final : public link::TerminalLink {
 public:
  std::set<std::string> connected;
  std::map<std::string, std::vector<link::Frame>> sent;

  void poll(int, std::vector<link::LinkEvent>&) override {}
  bool send(const std::string& instance, const link::Frame& frame) override {
    if (connected.count(instance) == 0) return false;
    sent[instance].push_back(frame);
    return true;
  }
  bool is_connected(const std::string& instance) const override { return connected.count(instance) != 0; }
  void wake() override {}

  // Frames of type F sent to the instance.
  template <typename F>
  std::vector<F> sent_of(const std::string& instance) const {
    std::vector<F> out;
    auto it = sent.find(instance);
    if (it == sent.end()) return out;
    for (const auto& f : it->second) {
      if (const F* x = std::get_if<F>(&f)) out.push_back(*x);
    }
    return out;
  }
};

}  // namespace mtg::testing
