// mtguard_chaos: the whole system (engine, backend, three simulators behind LinkProxies)
// on the stack of scripts/stack, under a steady signal load and a seeded schedule of
// faults; afterwards the invariants are checked against independent evidence.
//
//   mtguard_chaos --seed S --faults N [--signals-per-s R] [--json] [--keep]
//
// Prints each fault as it happens, then exactly one line
//   chaos: seed S, F faults, N signals, L lost, D duplicated, X over-filled
// and the per-kind fault counts; exits 1 unless every check passed, 2 without a stack. The same seed replays the same fault schedule.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "chaos/fault_injector.h"
#include "chaos/fault_plan.h"
#include "chaos/invariant_check.h"
#include "chaos/signal_load.h"
#include "integration/system.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg::chaos {
namespace {

constexpr int kStackPortOffsetRedis = 379;  // scripts/stack: redis = MTG_PORT_BASE + 379
constexpr int kWarmupMs = 2'000;            // terminals connect, the backend creates its tables
constexpr int kFlushTimeoutMs = 60'000;
constexpr int kQuiescenceTimeoutMs = 300'000;
// x 10 attempts: an instance is disabled after 10 s, above the simulators' 5 s reconnect
// backoff cap (shorter, every engine restart would disable every instance).
constexpr int64_t kAttemptIntervalMs = 1'000;
constexpr int64_t kLongCutExtraMs = 6'000;  // the longest link cut outlasts the threshold by this
constexpr int kMaxFaults = 100'000;

struct Options {
  uint64_t seed = 0;
  int faults = 20;
  double signals_per_s = 40;
  bool json = false;
  bool keep = false;  // keep the evidence also when the campaign passed
};

testkit::SystemOptions system_options(uint64_t seed) {
  testkit::SystemOptions o;
  o.link_proxies = true;
  o.sim.seed = seed;
  o.sim.partial_fill_prob = 0.1;
  o.sim.requote_prob = 0.02;
  o.sim.reject_prob = 0.02;
  o.sim.latency_ms_max = 3;
  o.engine_toml = "attempt_interval_ms = " + std::to_string(kAttemptIntervalMs) + "\n";
  // Keep RTRS as evidence for a day; retry ClickHouse often so outages stay short.
  o.extra_toml = "[backend]\nretry_interval_ms = 500\nmax_attempts = 5\nrtrs_retain_ms = 86400000\n";
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string kind_counts(const std::map<std::string, int>& injected) {
  std::string line;
  for (FaultKind k : kFaultKinds) {
    const auto n = injected.find(fault_kind_name(k));
    line += (line.empty() ? "" : ", ") + std::string(fault_kind_name(k)) + " " +
            std::to_string(n == injected.end() ? 0 : n->second);
  }
  return line;
}

// Copies the system's directory (config, logs, ledgers, DuckDB file) to
// <source dir>/var/chaos/seed-S/ so a failed campaign can be examined; returns the path.
std::string keep_evidence(testkit::System& sys, uint64_t seed) {
  namespace fs = std::filesystem;
  const fs::path dest = fs::path(testkit::source_dir()) / "var" / "chaos" / ("seed-" + std::to_string(seed));
  std::error_code ec;
  fs::remove_all(dest, ec);
  fs::create_directories(dest, ec);
  fs::copy(sys.file("."), dest, fs::copy_options::recursive, ec);
  return ec ? "(copy failed: " + ec.message() + ")" : fs::weakly_canonical(dest).string();
}

// Runs the faults of `plan` one after another while the load runs.
void run_campaign(const std::vector<Fault>& plan, FaultInjector& injector, int instances, FILE* progress) {
  for (size_t i = 0; i < plan.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(plan[i].gap_ms));
    injector.revive_dead();
    std::fprintf(progress, "fault %zu/%zu: %s\n", i + 1, plan.size(), describe(plan[i], instances).c_str());
    std::fflush(progress);
    injector.inject(plan[i]);
  }
}

int run(const Options& opt) {
  if (!testkit::stack_available() || !testkit::stack_controllable()) {
    std::fprintf(stderr, "mtguard_chaos: needs this checkout's stack: scripts/stack up; eval \"$(scripts/stack env)\"\n");
    return 2;
  }
  FILE* progress = opt.json ? stderr : stdout;
  const auto started = std::chrono::steady_clock::now();
  const int64_t since_ms = SystemClock::instance().now_ms();
  testkit::System sys(system_options(opt.seed));
  const int instances = static_cast<int>(sys.config().instances.size());
  PlanLimits limits;
  limits.instances = instances;
  limits.link_disable_after_ms = kAttemptIntervalMs * sys.config().engine.disable_after_attempts;
  limits.link_down_max_ms = limits.link_disable_after_ms + kLongCutExtraMs;
  const auto plan = plan_faults(opt.seed, opt.faults, limits);
  std::fprintf(progress, "chaos: seed %llu, %d faults, %.0f signals/s, config %s\n",
               static_cast<unsigned long long>(opt.seed), opt.faults, opt.signals_per_s, sys.config_path().c_str());
  sys.start_backend();
  sys.start_engine();
  sys.start_sims();
  std::this_thread::sleep_for(std::chrono::milliseconds(kWarmupMs));

  FaultInjector injector(sys, testkit::source_dir() + "/scripts/stack",
                         testkit::stack_config().redis.port - kStackPortOffsetRedis);
  SignalLoad load(sys, opt.seed, opt.signals_per_s);
  load.start();
  run_campaign(plan, injector, instances, progress);
  const double campaign_s = seconds_since(started);
  const bool flushed = load.stop(kFlushTimeoutMs);
  injector.start_all_servers();
  injector.revive_dead();

  InvariantCheck check(sys, load.sent(), since_ms);
  const bool quiet = check.wait_quiescent(kQuiescenceTimeoutMs);
  Verdict v = check.check();
  if (!flushed) {
    ++v.wrong;
    v.examples.push_back("the load could not hand its last signals to Redis");
  }
  const LoadCounts counts = load.counts();
  for (const auto& e : v.examples) std::fprintf(stderr, "  %s\n", e.c_str());
  std::printf("chaos: seed %llu, %zu faults, %lld signals, %lld lost, %lld duplicated, %lld over-filled\n",
              static_cast<unsigned long long>(opt.seed), plan.size(), static_cast<long long>(counts.signals),
              static_cast<long long>(v.lost), static_cast<long long>(v.duplicated),
              static_cast<long long>(v.over_filled));
  int unexpected = 0;
  for (const auto& [name, n] : injector.unexpected_exits()) unexpected += n;
  std::printf("faults: %s; %d unexpected exits; %lld wrong; %lld repeats, %lld malformed, %lld results; "
              "quiescent %s; %.0f s (campaign %.0f s)\n",
              kind_counts(injector.injected()).c_str(), unexpected, static_cast<long long>(v.wrong),
              static_cast<long long>(counts.repeats), static_cast<long long>(counts.malformed),
              static_cast<long long>(v.results), quiet ? "yes" : "NO", seconds_since(started), campaign_s);
  if (opt.json) {
    nlohmann::json j = {{"seed", opt.seed}, {"faults", plan.size()}, {"signals", counts.signals},
                        {"lost", v.lost}, {"duplicated", v.duplicated}, {"over_filled", v.over_filled},
                        {"wrong", v.wrong}, {"unexpected_exits", injector.unexpected_exits()},
                        {"injected", injector.injected()}, {"quiescent", quiet},
                        {"seconds", seconds_since(started)}, {"examples", v.examples}};
    std::printf("%s\n", j.dump().c_str());
  }
  const bool passed = v.ok() && quiet && unexpected == 0;
  if (!passed || opt.keep) std::fprintf(stderr, "chaos: evidence kept in %s\n", keep_evidence(sys, opt.seed).c_str());
  return passed ? 0 : 1;
}

}  // namespace
}  // namespace mtg::chaos

int main(int argc, char** argv) {
  mtg::chaos::Options opt;
  opt.seed = std::random_device{}();
  CLI::App app("mtguard chaos campaign: seeded faults against the whole system, then the invariants");
  app.add_option("--seed", opt.seed, "Seed of the fault schedule and the load (default: random, printed)");
  app.add_option("--faults", opt.faults, "Faults to inject, one after another")->check(CLI::Range(0, mtg::chaos::kMaxFaults));
  app.add_option("--signals-per-s", opt.signals_per_s, "Steady signal load")->check(CLI::Range(1.0, 2000.0));
  app.add_flag("--json", opt.json, "Also print the verdict as one JSON object (progress goes to stderr)");
  app.add_flag("--keep", opt.keep, "Keep logs, ledgers and DuckDB in var/chaos/seed-S/ also on success");
  CLI11_PARSE(app, argc, argv);
  return mtg::chaos::run(opt);
}
