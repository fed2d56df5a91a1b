#include "model/trade_world.h"

#include <gtest/gtest.h>

#include "util/check.h"

namespace mtg::model {
namespace {

constexpr int64_t kReconnectAfterMs = 250;  // a terminal redials this soon after a drop
constexpr int64_t kHeartbeatTimeoutMs = 5'000;

Config world_config(bool netting, uint64_t seed, const WorldFaults& f) {
  InstanceConfig inst;
  inst.id = kInstance;
  inst.token = "0123456789abcdef0123";
  inst.symbols = {"EURUSD", "GBPUSD"};
  inst.max_volume = 10;
  inst.sim.seed = seed;
  inst.sim.account = netting ? "netting" : "hedging";
  inst.sim.timeout_after_fill_prob = f.timeout_after_fill_prob;
  inst.sim.link_drop_after_fill_prob = f.link_drop_after_fill_prob;
  inst.sim.slow_result_prob = f.slow_result_prob;
  inst.sim.partial_fill_prob = f.partial_fill_prob;
  inst.sim.requote_prob = f.requote_prob;
  Config config;
  config.instances.push_back(inst);
  return config;
}

}  // namespace

// The engine's side of the link: frames queued to the terminal while connected.
class World::Link final : public link::TerminalLink {
 public:
  bool connected = false;
  std::deque<link::Frame> to_terminal;

  void poll(int, std::vector<link::LinkEvent>&) override {}
  bool send(const std::string& instance, const link::Frame& frame) override {
    if (!connected || instance != kInstance) return false;
    to_terminal.push_back(frame);
    return true;
  }
  bool is_connected(const std::string& instance) const override { return connected && instance == kInstance; }
  void wake() override {}
};

World::World(const std::string& dir, bool netting, uint64_t seed, const WorldFaults& faults)
    : ledger_path_(dir + "/ledger.jsonl"), config_(world_config(netting, seed, faults)), link_(new Link) {
  open_terminal();
  start_engine();
  connect();
}

World::~World() = default;

void World::open_terminal() {
  auto sim = sim::TerminalSim::open(ledger_path_, config_.instances[0].sim, clock_, [](int) {});
  MTG_CHECK_MSG(sim.is_ok(), sim.status().to_string().c_str());
  sim_ = std::move(*sim);
}

void World::start_engine() {
  EngineLimits limits;
  limits.query_after_ms = 500;  // ask about silent legs soon: the test's time is steps
  engine_ = std::make_unique<Engine>(config_, store_, *link_, clock_, limits);
  MTG_CHECK(engine_->start().is_ok());
}

void World::connect() {
  link_->connected = true;
  reconnect_at_ms_ = 0;
  to_engine_.push_back(link::LinkEvent{link::LinkEvent::Kind::kConnected, kInstance,
                                       link::Heartbeat{clock_.now_ms(), true}, "", link::kProtocolVersion});
  for (auto& f : sim_->on_connect()) to_engine_.push_back({link::LinkEvent::Kind::kFrame, kInstance, f, ""});
}

void World::drop_link(const std::string& why) {
  if (!link_->connected) return;
  link_->connected = false;
  link_->to_terminal.clear();
  delayed_.clear();
  to_engine_.push_back({link::LinkEvent::Kind::kDisconnected, kInstance, link::Heartbeat{}, why});
  reconnect_at_ms_ = clock_.now_ms() + kReconnectAfterMs;
}

void World::submit(const std::string& payload) {
  const std::string id = std::to_string(clock_.now_ms()) + "-" + std::to_string(next_entry_++);
  MTG_CHECK(engine_->on_entries({RtssEntry{id, payload, true}}).is_ok());
}

void World::deliver_to_terminal() {
  while (link_->connected && !link_->to_terminal.empty()) {
    link::Frame frame = std::move(link_->to_terminal.front());
    link_->to_terminal.pop_front();
    auto reply = sim_->handle(frame);
    MTG_CHECK_MSG(reply.is_ok(), reply.status().to_string().c_str());
    if (reply->drop_link) return drop_link("the terminal dropped the link after an execution");
    if (reply->delay_ms >= kHeartbeatTimeoutMs) return drop_link("heartbeat timeout (a slow result)");
    if (reply->delay_ms > 0) {
      delayed_.push_back(Delayed{clock_.now_ms() + reply->delay_ms, std::move(reply->frames)});
      continue;
    }
    for (auto& f : reply->frames)
      to_engine_.push_back({link::LinkEvent::Kind::kFrame, kInstance, std::move(f), ""});
  }
}

void World::step(bool market) {
  if (!link_->connected && reconnect_at_ms_ > 0 && clock_.now_ms() >= reconnect_at_ms_) connect();
  deliver_to_terminal();
  while (!delayed_.empty() && delayed_.front().due_ms <= clock_.now_ms()) {
    for (auto& f : delayed_.front().frames) {
      to_engine_.push_back({link::LinkEvent::Kind::kFrame, kInstance, std::move(f), ""});
    }
    delayed_.pop_front();
  }
  if (market) {
    auto moved = sim_->tick(clock_.now_ms());
    MTG_CHECK_MSG(moved.is_ok(), moved.status().to_string().c_str());
    if (link_->connected) {
      for (auto& f : *moved)
        to_engine_.push_back({link::LinkEvent::Kind::kFrame, kInstance, std::move(f), ""});
    }
  }
  std::vector<link::LinkEvent> events;
  events.swap(to_engine_);
  engine_->on_link_events(events);
  engine_->on_tick();
  clock_.advance_ms(kStepMs);
}

bool World::settle(int max_steps) {
  for (int i = 0; i < max_steps; ++i) {
    step(false);
    const bool quiet = engine_->open_orders() == 0 && link_->connected && link_->to_terminal.empty() &&
                       to_engine_.empty() && delayed_.empty();
    if (quiet) {
      // A last report of the holdings, answered within the same steps.
      link_->send(kInstance, link::PositionsRequest{});
      step(false);
      step(false);
      return true;
    }
  }
  return false;
}

void World::crash_engine() {
  drop_link("engine killed");
  to_engine_.clear();
  engine_.reset();
  start_engine();
}

void World::crash_terminal() {
  drop_link("terminal killed");
  sim_.reset();
  open_terminal();
}

}  // namespace mtg::model
