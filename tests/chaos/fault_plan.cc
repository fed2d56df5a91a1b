#include "chaos/fault_plan.h"

#include <cstdio>
#include <random>

#include "util/check.h"

namespace mtg::chaos {
namespace {

// Uniform in [lo, hi] from our own arithmetic: std::uniform_int_distribution is not
// the same across standard libraries, and a seed must replay everywhere.
int64_t draw(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  MTG_CHECK(lo <= hi);
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

bool is_link_cut(FaultKind kind) {
  return kind == FaultKind::kCutLinkReset || kind == FaultKind::kCutLinkBlackhole;
}

}  // namespace

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kKillEngine: return "kill -9 engine";
    case FaultKind::kKillBackend: return "kill -9 backend";
    case FaultKind::kKillSim: return "kill -9 sim";
    case FaultKind::kKillRedis: return "kill -9 redis";
    case FaultKind::kKillPostgres: return "kill -9 postgres";
    case FaultKind::kKillClickHouse: return "kill -9 clickhouse";
    case FaultKind::kCutLinkReset: return "cut link (reset)";
    case FaultKind::kCutLinkBlackhole: return "cut link (blackhole)";
    case FaultKind::kTruncatedAof: return "truncated AOF";
    case FaultKind::kCorruptSnapshot: return "corrupt newest DuckDB snapshot";
    case FaultKind::kBackupDirFull: return "backup dir full";
    case FaultKind::kBackupDirReadOnly: return "backup dir read-only";
  }
  MTG_CHECK_MSG(false, "unknown fault kind");
}

bool needs_mount(FaultKind kind) {
  return kind == FaultKind::kBackupDirFull || kind == FaultKind::kBackupDirReadOnly;
}

std::vector<Fault> plan_faults(uint64_t seed, int count, const PlanLimits& limits) {
  MTG_CHECK(count >= 0 && limits.instances > 0);
  MTG_CHECK(limits.link_down_max_ms > limits.link_disable_after_ms);
  std::vector<FaultKind> kinds;
  for (FaultKind k : kFaultKinds) {
    if (limits.mount_faults || !needs_mount(k)) kinds.push_back(k);
  }
  std::mt19937_64 rng(seed);
  std::vector<Fault> plan;
  plan.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    Fault f;
    f.kind = kinds[static_cast<size_t>(draw(rng, 0, static_cast<int64_t>(kinds.size()) - 1))];
    f.target = static_cast<int>(draw(rng, 0, limits.instances - 1));
    f.gap_ms = draw(rng, limits.gap_min_ms, limits.gap_max_ms);
    if (!is_link_cut(f.kind)) {
      f.down_ms = draw(rng, 0, limits.down_max_ms);
    } else if (draw(rng, 0, 2) == 0) {  // beyond the disable threshold: signals dropped
      f.down_ms = draw(rng, limits.link_disable_after_ms + 1'000, limits.link_down_max_ms);
    } else {
      f.down_ms = draw(rng, 200, limits.link_disable_after_ms - 500);
    }
    plan.push_back(f);
  }
  MTG_CHECK(plan.size() == static_cast<size_t>(count));
  return plan;
}

std::string describe(const Fault& fault, int instances) {
  MTG_CHECK(fault.target >= 0 && fault.target < instances);
  const std::string instance = std::to_string(fault.target + 1);
  std::string what;
  switch (fault.kind) {
    case FaultKind::kKillSim: what = "kill -9 sim " + instance; break;
    case FaultKind::kCutLinkReset: what = "cut link " + instance + " (reset)"; break;
    case FaultKind::kCutLinkBlackhole: what = "cut link " + instance + " (blackhole)"; break;
    default: what = fault_kind_name(fault.kind); break;
  }
  char down[32];
  std::snprintf(down, sizeof down, ", down %.1f s", static_cast<double>(fault.down_ms) / 1000.0);
  return what + down;
}

}  // namespace mtg::chaos
