// Applies one planned fault to the running system and heals it after its down time:
// kill -9 and restart of our processes, `scripts/stack kill|start` of the servers, cuts
// of a simulator's LinkProxy. Also watches for processes that died on their own (a bug:
// invariant 6) and brings them back.
#pragma once

#include <map>
#include <string>

#include "chaos/fault_plan.h"
#include "integration/system.h"

namespace mtg::chaos {

class FaultInjector {
 public:
  // `stack_script` is <source dir>/scripts/stack; port_base its MTG_PORT_BASE.
  FaultInjector(testkit::System& sys, std::string stack_script, int port_base);

  // Injects `fault`, waits fault.down_ms, heals it. Returns once healed.
  void inject(const Fault& fault);
  // Restarts every process of ours that is not running, and counts it as an
  // unexpected exit. Returns how many it found.
  int revive_dead();
  // Brings every stack server up (a no-op for the ones that are).
  void start_all_servers();

  // Faults injected per kind name (fault_kind_name).
  const std::map<std::string, int>& injected() const { return injected_; }
  // Processes found dead without a fault, by name ("engine", "backend", "sim demo-2").
  const std::map<std::string, int>& unexpected_exits() const { return unexpected_; }

 private:
  void kill_and_restart(testkit::Process& process, int64_t down_ms);
  void stack(const std::string& args);

  testkit::System& sys_;
  std::string stack_script_;
  int port_base_;
  std::map<std::string, int> injected_;
  std::map<std::string, int> unexpected_;
};

}  // namespace mtg::chaos
