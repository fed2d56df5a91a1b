// mtguard-ea --config PATH --instance ID --ledger PATH: the MQL5 Expert Advisor's core
// (mql5/Include/MtGuard) on the shim of MT5, its broker the simulator's (state kept
// beside the ledger, the ledger in the simulator's format), dialling the engine
// exactly as the EA does, so that any test can run it in place of `mtguard sim`. With
// [engine] link_tls it dials over TLS and pins [engine] link_thumbprint, as the EA's
// EngineTls and EngineThumbprint inputs do.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "config/config.h"
#include "ea_shim/ea_core.h"
#include "ea_shim/trade_server.h"
#include "util/file_system.h"
#include "util/log.h"

namespace {

constexpr int64_t kTimerMs = 100;          // OnTimer: settle, scan history, holdings
constexpr int kPollSleepMs = 5;            // between two link turns
constexpr int64_t kHistoryLookbackMs = 7 * 24 * 3'600'000LL;
constexpr long kDeviationPoints = 10;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }

int run(const std::string& config_path, const std::string& instance_id, const std::string& ledger,
        int64_t history_grace_ms) {
  auto config = mtg::load_config(config_path);
  if (!config.is_ok()) return spdlog::error("mtguard-ea: {}", config.status().message()), 2;
  const mtg::InstanceConfig* instance = config->find_instance(instance_id);
  if (instance == nullptr) return spdlog::error("mtguard-ea: instance {} is not configured", instance_id), 2;
  const mtg::Clock& clock = mtg::SystemClock::instance();
  auto server = mtg::ea_shim::TradeServer::open(ledger, instance->sim, clock);
  if (!server.is_ok()) return spdlog::error("mtguard-ea: broker: {}", server.status().message()), 2;
  mtg::ea_shim::Terminal terminal(mtg::parent_dir(ledger), clock);
  terminal.connect(server->get());
  mtg::ea_shim::set_current(&terminal);
  MathSrand(static_cast<int>(instance->sim.seed));

  MtGuardCore core;
  const TradeSettings settings = {kDeviationPoints, "", kHistoryLookbackMs, history_grace_ms};
  const std::string journal = ledger.substr(ledger.rfind('/') + 1) + ".ea-journal";
  string error;
  if (!core.Init(journal, instance->id, instance->token, settings, error)) {
    return spdlog::error("mtguard-ea: {}", error), 2;
  }
  string link_error;
  if (!MtgLinkSettingsValid(config->engine.link_host, config->engine.link_tls, config->engine.link_thumbprint,
                            link_error)) {
    return spdlog::error("mtguard-ea: {}", link_error), 2;
  }
  MtGuardLink link;
  link.Setup(config->engine.link_host, config->engine.link_port, config->engine.link_tls,
             config->engine.link_thumbprint);
  spdlog::info("mtguard-ea: instance '{}', ledger {}, journal {}", instance->id, ledger, journal);
  int64_t next_timer_ms = clock.steady_ms();
  while (!g_stop.load()) {
    link.Poll(core, clock.steady_ms());
    if (clock.steady_ms() >= next_timer_ms) {
      const mtg::Status ticked = (*server)->tick();
      if (!ticked.is_ok()) return spdlog::error("mtguard-ea: broker: {}", ticked.message()), 1;
      core.OnTimer();
      const mtg::Status acked =
          (*server)->acknowledge_events([&core](const std::string& id) { return core.EventAcked(id); });
      if (!acked.is_ok()) return spdlog::error("mtguard-ea: broker: {}", acked.message()), 1;
      next_timer_ms = clock.steady_ms() + kTimerMs;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollSleepMs));
  }
  link.Shutdown(core, clock.steady_ms());
  core.Deinit();
  spdlog::info("mtguard-ea: instance '{}' stopped", instance->id);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The MQL5 EA's core on a shim of MT5, dialling the engine as the EA would"};
  std::string config_path;
  std::string instance_id;
  std::string ledger;
  int64_t history_grace_ms = 10'000;
  app.add_option("--config", config_path, "mtguard.toml")->required();
  app.add_option("--instance", instance_id, "instance id")->required();
  app.add_option("--ledger", ledger, "the broker's ledger (simulator format)")->required();
  app.add_option("--history-grace-ms", history_grace_ms, "how long history may lag after a start");
  CLI11_PARSE(app, argc, argv);
  (void)mtg::init_logging("mtguard-ea", "info", "");
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  return run(config_path, instance_id, ledger, history_grace_ms);
}
