// mtguard_chaos: the whole system (engine, backend, backupd, three simulators behind
// LinkProxies) on the stack of scripts/stack, under a steady signal load and a seeded
// schedule of faults; afterwards the invariants are checked against independent
// evidence, and the backups are taken and verified once more.
//
//   mtguard_chaos --seed S --faults N [--signals-per-s R] [--json] [--keep] [--terminal PATH]
//
// Prints each fault as it happens, then exactly one line
//   chaos: seed S, F faults, N signals, L lost, D duplicated, X over-filled, O over-closed; B of I books
//   equal the model
// and the per-kind fault counts; exits 1 unless every check passed, 2 without a stack. The same seed replays
// the same fault schedule.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "chaos/backup_check.h"
#include "chaos/fault_injector.h"
#include "chaos/fault_plan.h"
#include "chaos/invariant_check.h"
#include "chaos/signal_load.h"
#include "chaos/storage_faults.h"
#include "integration/system.h"
#include "testkit/stack.h"
#include "util/check.h"
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
constexpr int kBackupdStopTimeoutMs = 60'000;  // a backup under way finishes first

struct Options {
  uint64_t seed = 0;
  int faults = 20;
  double signals_per_s = 40;
  bool json = false;
  bool keep = false;  // keep the evidence also when the campaign passed
  bool plan_only = false;
  std::string terminal_program;  // "" = `mtguard sim`; else e.g. mtguard-ea
};

testkit::SystemOptions system_options(uint64_t seed, const std::string& terminal_program) {
  testkit::SystemOptions o;
  o.terminal_program = terminal_program;
  // Instances of this campaign alone: the history a lost DuckDB file is refilled with
  // is the campaign's, not every earlier test's.
  o.instance_prefix = "chaos" + std::to_string(SystemClock::instance().now_ms() % 1'000'000) + "-";
  o.link_proxies = true;
  o.sim.seed = seed;
  o.sim.partial_fill_prob = 0.1;
  o.sim.requote_prob = 0.02;
  o.sim.reject_prob = 0.02;
  o.sim.timeout_after_fill_prob = 0.05;  // outcomes no terminal vouches for
  o.sim.link_drop_after_fill_prob = 0.02;
  o.sim.latency_ms_max = 3;
  o.engine_toml = "attempt_interval_ms = " + std::to_string(kAttemptIntervalMs) + "\n";
  // Keep RTRS as evidence for a day; retry ClickHouse often so outages stay short.
  o.extra_toml = "[backend]\nretry_interval_ms = 500\nmax_attempts = 5\nrtrs_retain_ms = 86400000\n";
  // Backups every few seconds, so the backup faults meet backups under way.
  o.backup_toml =
      "duckdb_interval_s = 5\nredis_interval_s = 10\nconfigs_interval_s = 7\nprefs_interval_s = 7\n"
      "postgres_interval_s = 15\n";
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

// "close_all 40, close_by_ref 301, ...; V valid, P% closes, modifies and cancels": what the mix drew.
std::string action_counts(const LoadCounts& c) {
  std::string line;
  for (const auto& [kind, n] : c.actions) line += (line.empty() ? "" : ", ") + kind + " " + std::to_string(n);
  const int64_t percent = c.valid > 0 ? (c.acting * 100 + c.valid / 2) / c.valid : 0;
  return line + "; " + std::to_string(c.valid) + " valid signals, " + std::to_string(percent) +
         "% closes, modifies and cancels";
}

int total(const std::map<std::string, int>& per_kind) {
  int n = 0;
  for (const auto& [name, count] : per_kind) n += count;
  return n;
}

// Faults drawn beyond --faults: when one cannot be injected (the backup lock held too
// long, a mount refused), the next of the schedule goes in, so that a campaign injects
// --faults faults. The schedule's first faults are the same whatever the reserve.
int reserve_for(int faults) { return faults / 10 + 10; }

// Runs the faults of `plan` one after another while the load runs, until `faults` went in.
void run_campaign(const std::vector<Fault>& plan, int faults, FaultInjector& injector, int instances,
                  FILE* progress) {
  for (size_t i = 0; i < plan.size() && total(injector.injected()) < faults; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(plan[i].gap_ms));
    injector.revive_dead();
    std::fprintf(progress, "fault %d/%d: %s\n", total(injector.injected()) + 1, faults,
                 describe(plan[i], instances).c_str());
    std::fflush(progress);
    injector.inject(plan[i]);
  }
}

// Everything a finished campaign found.
struct CampaignOutcome {
  size_t planned = 0;
  LoadCounts counts;
  Verdict verdict;
  BackupVerdict backups;
  bool quiet = false;
  double campaign_s = 0;
};

// Prints the verdict lines (and the JSON object); returns the exit status.
int report(const Options& opt, const CampaignOutcome& o, const FaultInjector& injector, double seconds) {
  const Verdict& v = o.verdict;
  for (const auto& e : v.examples) std::fprintf(stderr, "  %s\n", e.c_str());
  for (const auto& p : o.backups.problems) std::fprintf(stderr, "  %s\n", p.c_str());
  const int injected = total(injector.injected());
  std::printf(
      "chaos: seed %llu, %d faults, %lld signals, %lld lost, %lld duplicated, %lld over-filled, "
      "%lld over-closed; %d of %d books equal the model\n",
      static_cast<unsigned long long>(opt.seed), injected, static_cast<long long>(o.counts.signals),
      static_cast<long long>(v.lost), static_cast<long long>(v.duplicated),
      static_cast<long long>(v.over_filled), static_cast<long long>(v.over_closed), v.books - v.books_differ,
      v.books);
  std::printf("actions: %s; %d trade events\n", action_counts(o.counts).c_str(), v.events);
  const int unexpected = total(injector.unexpected_exits());
  std::printf("faults: %s; %d not injected; %d unexpected exits; %lld wrong; %lld repeats, %lld malformed, "
              "%lld results; quiescent %s; %.0f s (campaign %.0f s)\n",
              kind_counts(injector.injected()).c_str(), total(injector.not_injected()), unexpected,
              static_cast<long long>(v.wrong), static_cast<long long>(o.counts.repeats),
              static_cast<long long>(o.counts.malformed), static_cast<long long>(v.results), o.quiet ? "yes" : "NO",
              seconds, o.campaign_s);
  std::printf("backups: %d of 5 kinds backed up after the campaign, %d verified, %d corrupted by the campaign "
              "and named by verify, %zu problems\n",
              o.backups.kinds_backed_up, o.backups.verified, o.backups.corrupt_named, o.backups.problems.size());
  if (opt.json) {
    nlohmann::json j = {{"seed", opt.seed},
                        {"faults", injected},
                        {"planned", o.planned},
                        {"signals", o.counts.signals},
                        {"lost", v.lost},
                        {"duplicated", v.duplicated},
                        {"over_filled", v.over_filled},
                        {"over_closed", v.over_closed},
                        {"wrong", v.wrong},
                        {"books", v.books},
                        {"books_differ", v.books_differ},
                        {"actions", o.counts.actions},
                        {"unexpected_exits", injector.unexpected_exits()},
                        {"injected", injector.injected()},
                        {"not_injected", injector.not_injected()},
                        {"quiescent", o.quiet},
                        {"seconds", seconds},
                        {"examples", v.examples},
                        {"backup_problems", o.backups.problems}};
    std::printf("%s\n", j.dump().c_str());
  }
  return v.ok() && o.backups.ok() && o.quiet && unexpected == 0 ? 0 : 1;
}

// Stops the load, heals everything, waits for quiescence and checks.
CampaignOutcome finish(testkit::System& sys, SignalLoad& load, FaultInjector& injector, int64_t since_ms) {
  CampaignOutcome o;
  const bool flushed = load.stop(kFlushTimeoutMs);
  injector.start_all_servers();
  injector.revive_dead();
  InvariantCheck check(sys, load.sent(), since_ms);
  o.quiet = check.wait_quiescent(kQuiescenceTimeoutMs);
  // backupd would open the DuckDB file while the check holds it (the backend stopped).
  const int backupd_exit = sys.backupd().stop(kBackupdStopTimeoutMs);
  o.verdict = check.check();
  o.backups = check_backups(sys, injector.corrupted_snapshots());
  if (backupd_exit != 0) {
    ++o.verdict.wrong;
    o.verdict.examples.push_back("backupd exited " + std::to_string(backupd_exit) + " when stopped");
  }
  if (!flushed) {
    ++o.verdict.wrong;
    o.verdict.examples.push_back("the load could not hand its last signals to Redis");
  }
  o.counts = load.counts();
  return o;
}

PlanLimits plan_limits(int instances, int disable_after_attempts) {
  PlanLimits limits;
  limits.instances = instances;
  limits.link_disable_after_ms = kAttemptIntervalMs * disable_after_attempts;
  limits.link_down_max_ms = limits.link_disable_after_ms + kLongCutExtraMs;
  limits.mount_faults = mount_available();
  return limits;
}

// The schedule of opt.seed for a default system (3 instances, 10 attempts), one fault a line.
int print_plan(const Options& opt) {
  const PlanLimits limits = plan_limits(3, EngineConfig{}.disable_after_attempts);
  std::map<std::string, int> kinds;
  const auto plan = plan_faults(opt.seed, opt.faults, limits);
  for (size_t i = 0; i < plan.size(); ++i) {
    std::printf("fault %zu/%zu: %s after %.1f s\n", i + 1, plan.size(),
                describe(plan[i], limits.instances).c_str(), static_cast<double>(plan[i].gap_ms) / 1000.0);
    ++kinds[fault_kind_name(plan[i].kind)];
  }
  std::printf("plan: seed %llu, %zu faults: %s\n", static_cast<unsigned long long>(opt.seed), plan.size(),
              kind_counts(kinds).c_str());
  return 0;
}

int run(const Options& opt) {
  if (opt.plan_only) return print_plan(opt);
  if (!testkit::stack_available() || !testkit::stack_controllable()) {
    std::fprintf(
        stderr,
        "mtguard_chaos: needs this checkout's stack: scripts/stack up; eval \"$(scripts/stack env)\"\n");
    return 2;
  }
  FILE* progress = opt.json ? stderr : stdout;
  const auto started = std::chrono::steady_clock::now();
  const int64_t since_ms = SystemClock::instance().now_ms();
  testkit::System sys(system_options(opt.seed, opt.terminal_program));
  const int instances = static_cast<int>(sys.config().instances.size());
  const PlanLimits limits = plan_limits(instances, sys.config().engine.disable_after_attempts);
  if (!limits.mount_faults)
    std::fprintf(progress, "chaos: mount(8) is not permitted: no backup-directory faults\n");
  const auto plan = plan_faults(opt.seed, opt.faults + reserve_for(opt.faults), limits);
  std::fprintf(progress, "chaos: seed %llu, %d faults, %.0f signals/s, config %s\n",
               static_cast<unsigned long long>(opt.seed), opt.faults, opt.signals_per_s,
               sys.config_path().c_str());
  const Status key = sys.create_master_key();  // for the PostgreSQL backups
  MTG_CHECK_MSG(key.is_ok(), key.to_string().c_str());
  sys.start_backend();
  sys.start_backupd();
  sys.start_engine();
  sys.start_sims();
  std::this_thread::sleep_for(std::chrono::milliseconds(kWarmupMs));

  FaultInjector injector(sys, testkit::source_dir(),
                         testkit::stack_config().redis.port - kStackPortOffsetRedis);
  SignalLoad load(sys, opt.seed, opt.signals_per_s);
  load.start();
  run_campaign(plan, opt.faults, injector, instances, progress);
  const double campaign_s = seconds_since(started);
  CampaignOutcome outcome = finish(sys, load, injector, since_ms);
  outcome.planned = static_cast<size_t>(opt.faults);
  outcome.campaign_s = campaign_s;
  const int rc = report(opt, outcome, injector, seconds_since(started));
  if (rc != 0 || opt.keep)
    std::fprintf(stderr, "chaos: evidence kept in %s\n", keep_evidence(sys, opt.seed).c_str());
  return rc;
}

}  // namespace
}  // namespace mtg::chaos

int main(int argc, char** argv) {
  mtg::chaos::Options opt;
  opt.seed = std::random_device{}();
  CLI::App app("mtguard chaos campaign: seeded faults against the whole system, then the invariants");
  app.add_option("--seed", opt.seed, "Seed of the fault schedule and the load (default: random, printed)");
  app.add_option("--faults", opt.faults, "Faults to inject, one after another")
      ->check(CLI::Range(0, mtg::chaos::kMaxFaults));
  app.add_option("--signals-per-s", opt.signals_per_s, "Steady signal load")->check(CLI::Range(1.0, 2000.0));
  app.add_flag("--json", opt.json, "Also print the verdict as one JSON object (progress goes to stderr)");
  app.add_flag("--plan", opt.plan_only, "Print the fault schedule of the seed and exit (needs no stack)");
  app.add_option("--terminal", opt.terminal_program,
                 "The terminals' program, given --config --instance --ledger (default: mtguard sim), e.g. mtguard-ea");
  app.add_flag("--keep", opt.keep, "Keep logs, ledgers and DuckDB in var/chaos/seed-S/ also on success");
  CLI11_PARSE(app, argc, argv);
  return mtg::chaos::run(opt);
}
