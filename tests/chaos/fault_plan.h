// The chaos campaign's fault schedule: which fault, on what, for how long, after what
// gap — all drawn from the seed before the campaign starts, so the same seed replays
// the same schedule whatever the timing of the run.
//
// Extension point: a new fault is a FaultKind, its name in fault_kind_name(), its
// entry in kFaultKinds (the kinds the planner draws from) and its case in
// FaultInjector::inject.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mtg::chaos {

enum class FaultKind {
  kKillEngine,       // kill -9 `mtguard engine`, restart after down_ms
  kKillBackend,      // kill -9 `mtguard backend`, restart after down_ms
  kKillSim,          // kill -9 simulator `target`, restart after down_ms
  kKillRedis,        // scripts/stack kill redis, start after down_ms (reloads its AOF)
  kKillPostgres,     // scripts/stack kill postgres, start after down_ms
  kKillClickHouse,   // scripts/stack kill clickhouse, start after down_ms
  kCutLinkReset,      // LinkProxy of simulator `target` resets, restored after down_ms
  kCutLinkBlackhole,  // LinkProxy of simulator `target` goes silent, restored after down_ms
  kTruncatedAof,      // kill -9 redis, a torn command appended to its AOF, start after down_ms
  kCorruptSnapshot,   // kill -9 backend, newest DuckDB snapshot corrupted and the DuckDB
                      // file lost; the backend restarts after down_ms on an older snapshot
  kBackupDirFull,     // the backup directory is a full file system for down_ms
  kBackupDirReadOnly  // the backup directory is read-only for down_ms
};

// Every kind the planner draws from, each with the same probability.
inline constexpr std::array kFaultKinds{
    FaultKind::kKillEngine,      FaultKind::kKillBackend,       FaultKind::kKillSim,
    FaultKind::kKillRedis,       FaultKind::kKillPostgres,      FaultKind::kKillClickHouse,
    FaultKind::kCutLinkReset,    FaultKind::kCutLinkBlackhole,  FaultKind::kTruncatedAof,
    FaultKind::kCorruptSnapshot, FaultKind::kBackupDirFull,     FaultKind::kBackupDirReadOnly};

// The kinds that need mount(2) (root), left out of a plan on a machine without it.
bool needs_mount(FaultKind kind);

// "kill -9 engine", "cut link (reset)", ... without the target for a kind name.
const char* fault_kind_name(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::kKillEngine;
  int target = 0;       // simulator / link index for kKillSim and kCutLink*
  int64_t gap_ms = 0;   // quiet time before the fault
  int64_t down_ms = 0;  // how long the component stays down or the link cut
};

struct PlanLimits {
  int instances = 3;
  int64_t gap_min_ms = 300;
  int64_t gap_max_ms = 2'500;
  int64_t down_max_ms = 3'000;           // processes and servers
  int64_t link_disable_after_ms = 3'000;  // the engine's disable threshold
  int64_t link_down_max_ms = 8'000;       // a long cut outlasts the threshold
  bool mount_faults = true;               // draw the kinds needs_mount() names
};

// `count` faults drawn from `seed`. About one link cut in three outlasts
// limits.link_disable_after_ms. Precondition: count >= 0, sane limits.
std::vector<Fault> plan_faults(uint64_t seed, int count, const PlanLimits& limits);

// One line: "kill -9 redis, down 2.3 s" / "cut link 1 (blackhole), down 5.0 s" (the
// first instance's link).
std::string describe(const Fault& fault, int instances);

}  // namespace mtg::chaos
