// Applies one planned fault to the running system and heals it after its down time:
// kill -9 and restart of our processes, `scripts/stack kill|start` of the servers, cuts
// of a simulator's LinkProxy, the storage faults of storage_faults.h. Also watches for
// processes that died on their own (a bug: invariant 6) and brings them back.
#pragma once

#include <map>
#include <set>
#include <string>

#include "chaos/fault_plan.h"
#include "integration/system.h"

namespace mtg::chaos {

class FaultInjector {
 public:
  // `source_dir` holds scripts/stack and the stack's var/; port_base is its MTG_PORT_BASE.
  // The system runs backupd (System::start_backupd).
  FaultInjector(testkit::System& sys, const std::string& source_dir, int port_base);
  ~FaultInjector();

  // Injects `fault`, waits fault.down_ms, heals it. Returns once healed.
  void inject(const Fault& fault);
  // Restarts every process of ours that is not running, and counts it as an
  // unexpected exit. Returns how many it found.
  int revive_dead();
  // Brings every stack server up (a no-op for the ones that are).
  void start_all_servers();
  // Ids of the DuckDB snapshots this injector corrupted (`backup verify` must name them).
  const std::set<std::string>& corrupted_snapshots() const { return corrupted_; }

  // Faults injected per kind name (fault_kind_name).
  const std::map<std::string, int>& injected() const { return injected_; }
  // Planned faults that could not be set up (no DuckDB snapshot yet, mount failed).
  const std::map<std::string, int>& not_injected() const { return not_injected_; }
  // Processes found dead without a fault, by name ("engine", "backend", "sim <instance id>").
  const std::map<std::string, int>& unexpected_exits() const { return unexpected_; }

 private:
  void kill_and_restart(testkit::Process& process, int64_t down_ms);
  void kill_server(FaultKind kind, int64_t down_ms);
  void truncate_aof(int64_t down_ms);
  void corrupt_snapshot(int64_t down_ms);
  void break_backup_dir(FaultKind kind, int64_t down_ms);
  void stack(const std::string& args);
  // A storage fault that could not be set up is reported, not counted as injected.
  void failed(FaultKind kind, const Status& why);

  testkit::System& sys_;
  std::string stack_script_;
  std::string aof_dir_;
  std::string backup_dir_;
  int port_base_;
  std::set<std::string> corrupted_;
  std::map<std::string, int> injected_;
  std::map<std::string, int> not_injected_;
  std::map<std::string, int> unexpected_;
};

}  // namespace mtg::chaos
