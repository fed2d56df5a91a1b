#include "chaos/fault_injector.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "chaos/storage_faults.h"
#include "util/check.h"

namespace mtg::chaos {
namespace {

constexpr int kStackAttempts = 3;  // a server start that fails is tried again this often
constexpr int kStackRetryMs = 1'000;

void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

FaultInjector::FaultInjector(testkit::System& sys, const std::string& source_dir, int port_base)
    : sys_(sys),
      stack_script_(source_dir + "/scripts/stack"),
      aof_dir_(source_dir + "/var/redis/appendonlydir"),
      backup_dir_(sys.file("backups")),
      port_base_(port_base) {
  MTG_CHECK(port_base_ > 0);
  std::error_code ec;
  std::filesystem::create_directories(backup_dir_, ec);
  MTG_CHECK_MSG(!ec, "the backup directory must exist before it can be broken");
}

FaultInjector::~FaultInjector() { unmount_all_under(backup_dir_); }

void FaultInjector::inject(const Fault& fault) {
  MTG_CHECK(fault.down_ms >= 0);
  ++injected_[fault_kind_name(fault.kind)];
  switch (fault.kind) {
    case FaultKind::kKillEngine: kill_and_restart(sys_.engine(), fault.down_ms); return;
    case FaultKind::kKillBackend: kill_and_restart(sys_.backend(), fault.down_ms); return;
    case FaultKind::kKillSim: kill_and_restart(sys_.sim(fault.target), fault.down_ms); return;
    case FaultKind::kKillRedis:
    case FaultKind::kKillPostgres:
    case FaultKind::kKillClickHouse: kill_server(fault.kind, fault.down_ms); return;
    case FaultKind::kCutLinkReset:
    case FaultKind::kCutLinkBlackhole:
      sys_.proxy(fault.target)
          .cut(fault.kind == FaultKind::kCutLinkReset ? testkit::CutMode::kReset : testkit::CutMode::kBlackhole);
      sleep_ms(fault.down_ms);
      sys_.proxy(fault.target).restore();
      return;
    case FaultKind::kTruncatedAof: truncate_aof(fault.down_ms); return;
    case FaultKind::kCorruptSnapshot: corrupt_snapshot(fault.down_ms); return;
    case FaultKind::kBackupDirFull:
    case FaultKind::kBackupDirReadOnly: break_backup_dir(fault.kind, fault.down_ms); return;
  }
  MTG_CHECK_MSG(false, "unknown fault kind");
}

void FaultInjector::kill_server(FaultKind kind, int64_t down_ms) {
  const std::string name = kind == FaultKind::kKillRedis      ? "redis"
                           : kind == FaultKind::kKillPostgres ? "postgres"
                                                              : "clickhouse";
  stack("kill " + name);
  sleep_ms(down_ms);
  stack("start " + name);
}

void FaultInjector::truncate_aof(int64_t down_ms) {
  stack("kill redis");
  const Status torn = append_torn_aof_command(aof_dir_);
  if (!torn.is_ok()) failed(FaultKind::kTruncatedAof, torn);
  sleep_ms(down_ms);
  stack("start redis");
}

// The newest snapshot is corrupted before the backend dies, so the backend's restore
// must skip it and take an older one (or none), then refill from ClickHouse and RTRS.
void FaultInjector::corrupt_snapshot(int64_t down_ms) {
  auto id = corrupt_newest_duckdb_snapshot(backup_dir_, corrupted_);
  if (!id) {
    failed(FaultKind::kCorruptSnapshot, id.status());
    return;
  }
  corrupted_.insert(*id);
  sys_.backend().kill9();
  const std::string path = sys_.config().duckdb.path;
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::filesystem::remove(path + ".wal", ec);
  sleep_ms(down_ms);
  sys_.backend().restart();
}

void FaultInjector::break_backup_dir(FaultKind kind, int64_t down_ms) {
  const Status broken = kind == FaultKind::kBackupDirFull ? fill_directory(backup_dir_) : make_read_only(backup_dir_);
  if (!broken.is_ok()) failed(kind, broken);
  sleep_ms(down_ms);
  const Status healed = unmount_over(backup_dir_);
  MTG_CHECK_MSG(healed.is_ok(), "the backup directory stays broken: the campaign cannot heal it");
}

void FaultInjector::failed(FaultKind kind, const Status& why) {
  std::fprintf(stderr, "chaos: could not inject %s: %s\n", fault_kind_name(kind), why.to_string().c_str());
  --injected_[fault_kind_name(kind)];
  ++not_injected_[fault_kind_name(kind)];
}

void FaultInjector::kill_and_restart(testkit::Process& process, int64_t down_ms) {
  process.kill9();
  sleep_ms(down_ms);
  process.restart();
  MTG_CHECK(process.pid() > 0);
}

int FaultInjector::revive_dead() {
  int found = 0;
  const auto revive = [&](testkit::Process& p, const std::string& name) {
    if (p.running()) return;
    std::fprintf(stderr, "chaos: %s exited on its own (log %s), restarting it\n", name.c_str(),
                 p.log_path().c_str());
    ++unexpected_[name];
    ++found;
    p.restart();
  };
  revive(sys_.engine(), "engine");
  revive(sys_.backend(), "backend");
  if (sys_.has_backupd()) revive(sys_.backupd(), "backupd");
  for (int i = 0; i < static_cast<int>(sys_.config().instances.size()); ++i) revive(sys_.sim(i), "sim " + sys_.instance_id(i));
  return found;
}

void FaultInjector::start_all_servers() {
  for (const char* name : {"redis", "postgres", "clickhouse"}) stack(std::string("start ") + name);
}

void FaultInjector::stack(const std::string& args) {
  const std::string command = "MTG_PORT_BASE=" + std::to_string(port_base_) + " " + stack_script_ + " " + args +
                              " >/dev/null 2>&1";
  for (int attempt = 1; attempt <= kStackAttempts; ++attempt) {
    if (std::system(command.c_str()) == 0) return;
    std::fprintf(stderr, "chaos: `scripts/stack %s` failed (attempt %d)\n", args.c_str(), attempt);
    sleep_ms(kStackRetryMs);
  }
  MTG_CHECK_MSG(false, "scripts/stack keeps failing: the campaign cannot heal the stack");
}

}  // namespace mtg::chaos
