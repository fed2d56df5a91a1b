#include "chaos/fault_injector.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "util/check.h"

namespace mtg::chaos {
namespace {

constexpr int kStackAttempts = 3;  // a server start that fails is tried again this often
constexpr int kStackRetryMs = 1'000;

void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

FaultInjector::FaultInjector(testkit::System& sys, std::string stack_script, int port_base)
    : sys_(sys), stack_script_(std::move(stack_script)), port_base_(port_base) {
  MTG_CHECK(port_base_ > 0);
}

void FaultInjector::inject(const Fault& fault) {
  MTG_CHECK(fault.down_ms >= 0);
  ++injected_[fault_kind_name(fault.kind)];
  switch (fault.kind) {
    case FaultKind::kKillEngine: kill_and_restart(sys_.engine(), fault.down_ms); return;
    case FaultKind::kKillBackend: kill_and_restart(sys_.backend(), fault.down_ms); return;
    case FaultKind::kKillSim: kill_and_restart(sys_.sim(fault.target), fault.down_ms); return;
    case FaultKind::kKillRedis:
    case FaultKind::kKillPostgres:
    case FaultKind::kKillClickHouse: {
      const std::string name = fault.kind == FaultKind::kKillRedis      ? "redis"
                               : fault.kind == FaultKind::kKillPostgres ? "postgres"
                                                                        : "clickhouse";
      stack("kill " + name);
      sleep_ms(fault.down_ms);
      stack("start " + name);
      return;
    }
    case FaultKind::kCutLinkReset:
    case FaultKind::kCutLinkBlackhole:
      sys_.proxy(fault.target)
          .cut(fault.kind == FaultKind::kCutLinkReset ? testkit::CutMode::kReset : testkit::CutMode::kBlackhole);
      sleep_ms(fault.down_ms);
      sys_.proxy(fault.target).restore();
      return;
  }
  MTG_CHECK_MSG(false, "unknown fault kind");
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
