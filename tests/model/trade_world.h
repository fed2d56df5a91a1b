// One account under test, in process and deterministic: the real Engine (over the
// in-memory OrderStore of the engine tests) and the real simulated terminal (its ledger
// on a scratch directory), joined by a link in memory that can drop, delay and be cut
// by a crash of either side. Time is a ManualClock advanced one step at a time.
#pragma once

#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "sim/terminal_sim.h"
#include "unit/engine/engine_fakes.h"
#include "util/clock.h"

namespace mtg::model {

inline constexpr const char* kInstance = "m-1";
inline constexpr int64_t kStepMs = 50;

struct WorldFaults {
  double timeout_after_fill_prob = 0.0;    // the simulator answers 10012 for what it executed
  double link_drop_after_fill_prob = 0.0;  // the link drops between an execution and its result
  double slow_result_prob = 0.0;           // a result slower than the heartbeat timeout
  double partial_fill_prob = 0.0;
  double requote_prob = 0.0;
};

class World {
 public:
  // `dir` holds the simulator's ledger; `netting` chooses the account kind.
  World(const std::string& dir, bool netting, uint64_t seed, const WorldFaults& faults);
  ~World();

  // Appends the signal to RTSS (as a producer does) and lets the engine decide it.
  void submit(const std::string& payload);
  // One step: frames each way, the broker's own moves (when `market` is set), the
  // engine's timers, then the clock.
  void step(bool market);
  // Steps without market moves until nothing is open or in transit (false when that
  // does not happen within max_steps).
  bool settle(int max_steps);
  // kill -9 of either side: everything in transit is lost, the link drops, the side
  // comes back from what it made durable.
  void crash_engine();
  void crash_terminal();

  const testing::MemoryOrderStore& store() const { return store_; }
  const sim::TerminalSim& terminal() const { return *sim_; }
  const Engine& engine() const { return *engine_; }
  const ManualClock& clock() const { return clock_; }

 private:
  class Link;
  struct Delayed {
    int64_t due_ms = 0;
    std::vector<link::Frame> frames;
  };
  void open_terminal();
  void start_engine();
  void drop_link(const std::string& why);
  void connect();
  void deliver_to_terminal();

  std::string ledger_path_;
  Config config_;
  testing::MemoryOrderStore store_;
  ManualClock clock_;
  std::unique_ptr<Link> link_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<sim::TerminalSim> sim_;
  std::vector<link::LinkEvent> to_engine_;
  std::deque<Delayed> delayed_;
  int64_t reconnect_at_ms_ = 0;  // 0 = connected (or never)
  int next_entry_ = 1;
};

}  // namespace mtg::model
