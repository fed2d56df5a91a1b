// The model-based test of trade actions (docs/testing.md): random sequences of actions —
// opens of every type, partial and full closes by ticket and by ref, close_all,
// modifies, cancels, repeats and stale copies of each — against the simulated terminal
// with ambiguous outcomes switched on (10012 after an execution, the link dropped
// between an execution and its result, results slower than the heartbeat timeout) and
// crashes of the engine and of the terminal. After each sequence:
//   - every signal has exactly one final result;
//   - nothing executed twice: the terminal's ledger holds, per signal, exactly the lots
//     its results report, never more than it asked for;
//   - the broker's positions and pending orders equal the reference model computed
//     from the results and trade events alone (model/trade_model.h).
// MTG_MODEL_SEQUENCES and MTG_MODEL_SEED choose how many sequences and where to start
// (CI runs the defaults; `--seed` exploring is MTG_MODEL_SEED=N).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "model/ledger_lots.h"
#include "model/trade_mix.h"
#include "model/trade_model.h"
#include "model/trade_world.h"
#include "testkit/temp_dir.h"

namespace mtg::model {
namespace {

constexpr int kDefaultSequences = 10'000;
constexpr uint64_t kDefaultSeed = 20261203;
constexpr int kSettleSteps = 4'000;
constexpr int64_t kSignalTtlMs = 600'000;

int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoll(v, nullptr, 10) : fallback;
}

std::string uuid_of(uint64_t seed, int n) {
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-4%03x-8%03x-%012llx",
                static_cast<unsigned>(seed & 0xffffffffu), static_cast<unsigned>((seed >> 32) & 0xffffu),
                static_cast<unsigned>(n & 0xfff), static_cast<unsigned>((n >> 12) & 0xfff),
                static_cast<unsigned long long>(n));
  return text;
}

// One random sequence of actions against one account, and its verdict.
class Sequence {
 public:
  Sequence(const std::string& dir, uint64_t seed, bool netting)
      : seed_(seed),
        netting_(netting),
        rng_(seed),
        world_(dir, netting, seed, faults()),
        ledger_path_(dir + "/ledger.jsonl"),
        mix_(
            rng_, [this] { return uuid_of(seed_, next_++); }, kInstance, kSignalTtlMs) {}

  // What the sequences did, summed for the test's closing line.
  struct Tally {
    int64_t signals = 0, crashes = 0, unknown_outcomes = 0, events = 0;
    int64_t mismatches = 0;  // positions_mismatch events: every change here is reported, so none
    std::map<std::string, int64_t> by_status;
  };

  void add_to(Tally& t) const {
    t.signals += static_cast<int64_t>(mix_.signals().size());
    t.crashes += crashes_;
    t.unknown_outcomes += unknown_outcomes_ + static_cast<int64_t>(world_.engine().stats().unknown_outcomes);
    t.events += static_cast<int64_t>(world_.store().events.size());
    for (const TradeEvent& e : world_.store().events) t.mismatches += e.kind == EventKind::kPositionsMismatch;
    for (const auto& [uuid, s] : mix_.signals()) {
      for (const TradeResult& r : world_.store().finals(uuid)) t.by_status[result_status_name(r.status)] += 1;
    }
  }

  // Drives `actions` random actions with market moves and crashes in between.
  void run(int actions) {
    for (int i = 0; i < actions; ++i) {
      act();
      const int steps = std::uniform_int_distribution<int>(1, 12)(rng_);
      for (int s = 0; s < steps; ++s) {
        world_.step(true);
        const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
        if (u < 0.008) {
          // The engine's counters die with it: keep what they saw.
          if (u < 0.004) unknown_outcomes_ += static_cast<int64_t>(world_.engine().stats().unknown_outcomes);
          u < 0.004 ? world_.crash_engine() : world_.crash_terminal();
          ++crashes_;
        }
      }
    }
  }

  // The verdict; empty when every invariant holds.
  std::vector<std::string> check() {
    std::vector<std::string> problems;
    if (!world_.settle(kSettleSteps)) problems.push_back("the engine never settled every signal");
    TradeModel model;
    for (const auto& [uuid, s] : mix_.signals()) model.on_signal(s);
    for (const TradeResult& r : world_.store().rtrs) model.on_result(r);
    for (const TradeEvent& e : world_.store().events) model.on_event(e);
    for (const auto& [uuid, s] : mix_.signals()) {
      const size_t finals = world_.store().finals(uuid).size();
      if (finals != 1) problems.push_back(uuid + ": " + std::to_string(finals) + " final results");
    }
    check_ledger(problems);
    if (std::getenv("MTG_MODEL_DUMP") != nullptr) {
      for (const auto& [uuid, sig] : mix_.signals()) std::cerr << "SIGNAL " << to_json(sig) << "\n";
      for (const TradeResult& r : world_.store().rtrs) std::cerr << "RESULT " << r.to_json() << "\n";
      for (const TradeEvent& e : world_.store().events) std::cerr << "EVENT " << e.to_json() << "\n";
      std::ifstream in(ledger_path_);
      std::string line;
      while (std::getline(in, line)) std::cerr << "LEDGER " << line << "\n";
    }
    const Book expected = model.expected(netting_, problems);
    const link::Positions positions = world_.terminal().positions();
    const link::Orders orders = world_.terminal().orders();
    const Book actual = book_of(positions.positions, orders.orders);
    if (!(expected == actual)) {
      problems.push_back("broker holds [" + describe(actual) + "], the results and events imply [" +
                         describe(expected) + "]");
    }
    return problems;
  }

 private:
  static WorldFaults faults() {
    WorldFaults f;
    f.timeout_after_fill_prob = 0.1;
    f.link_drop_after_fill_prob = 0.05;
    f.slow_result_prob = 0.03;
    f.partial_fill_prob = 0.1;
    f.requote_prob = 0.05;
    return f;
  }

  // Nothing executed twice: per signal, the terminal's ledger holds exactly the lots its
  // final result reports (a pending open's triggered lots at most its volume).
  void check_ledger(std::vector<std::string>& problems) const {
    LedgerLots lots;
    lots.read(ledger_path_);
    std::vector<LotsFinding> findings;
    for (const auto& [uuid, s] : mix_.signals()) {
      const auto finals = world_.store().finals(uuid);
      if (finals.size() == 1) lots.check(s, finals[0], findings);  // otherwise reported above
    }
    for (const LotsFinding& f : findings) problems.push_back(f.what);
  }

  void act() {
    const std::vector<Position> none;
    const auto held = world_.store().holdings.find(kInstance);
    const MixDraw draw = mix_.next(world_.clock().now_ms(),
                                   held == world_.store().holdings.end() ? none : held->second.positions);
    world_.submit(to_json(draw.signal));
  }

  uint64_t seed_;
  bool netting_;
  std::mt19937_64 rng_;
  World world_;
  std::string ledger_path_;
  int next_ = 1;
  TradeMix mix_;
  int64_t crashes_ = 0;
  int64_t unknown_outcomes_ = 0;
};

TEST(TradeActionsModel, RandomSequencesLeaveTheBrokerAsTheResultsSay) {
  const int64_t sequences = env_int("MTG_MODEL_SEQUENCES", kDefaultSequences);
  const uint64_t first = static_cast<uint64_t>(env_int("MTG_MODEL_SEED", kDefaultSeed));
  int failures = 0;
  Sequence::Tally tally;
  for (int64_t i = 0; i < sequences && failures < 5; ++i) {
    const uint64_t seed = first + static_cast<uint64_t>(i);
    const testkit::TempDir dir(std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp");
    Sequence sequence(dir.path(), seed, seed % 2 == 0);
    sequence.run(static_cast<int>(8 + seed % 9));
    for (const std::string& p : sequence.check()) {
      ADD_FAILURE() << "seed " << seed << (seed % 2 == 0 ? " (netting)" : " (hedging)") << ": " << p;
      ++failures;
    }
    sequence.add_to(tally);
  }
  std::cout << sequences << " sequences from seed " << first << ": " << tally.signals << " signals, "
            << tally.crashes << " crashes, " << tally.unknown_outcomes
            << " outcomes no terminal vouched for, " << tally.events << " trade events (" << tally.mismatches
            << " positions mismatches); final results:";
  for (const auto& [status, n] : tally.by_status) std::cout << ' ' << status << ' ' << n;
  std::cout << '\n';
  EXPECT_EQ(tally.mismatches, 0) << "the engine found positions its results and events explain";
}

}  // namespace
}  // namespace mtg::model
