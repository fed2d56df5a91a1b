#include "sim/sim_main.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "link/link_client.h"
#include "sim/terminal_sim.h"

namespace mtg::sim {
namespace {

constexpr int kPollMs = 100;
constexpr size_t kMaxQueuedRequests = 10'000;  // engine frames read ahead of execution

Result<SimConfig> effective_config(const SimConfig& base, const SimOptions& options) {
  SimConfig c = base;
  if (options.seed) c.seed = *options.seed;
  if (options.partial_fill_prob) c.partial_fill_prob = *options.partial_fill_prob;
  if (options.requote_prob) c.requote_prob = *options.requote_prob;
  if (options.reject_prob) c.reject_prob = *options.reject_prob;
  for (double p : {c.partial_fill_prob, c.requote_prob, c.reject_prob, c.timeout_after_fill_prob}) {
    if (!(p >= 0 && p <= 1)) return Status::invalid("sim probabilities must be in [0, 1]");
  }
  if (c.partial_fill_prob + c.requote_prob + c.reject_prob > 1) {
    return Status::invalid("sim probabilities add up to more than 1");
  }
  if (c.latency_ms_min < 0 || c.latency_ms_max < c.latency_ms_min) {
    return Status::invalid("sim latency_ms_min/max must satisfy 0 <= min <= max");
  }
  return c;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

Status run_sim(const Config& config, const std::string& instance_id, const SimOptions& options,
               const std::atomic<bool>& stop) {
  const InstanceConfig* instance = config.find_instance(instance_id);
  if (instance == nullptr) return Status::not_found("instance " + instance_id + " is not configured");
  if (options.ledger_path.empty()) return Status::invalid("sim needs a ledger path");
  auto sim_config = effective_config(instance->sim, options);
  if (!sim_config.is_ok()) return sim_config.status();
  const Clock& clock = SystemClock::instance();
  auto sim = TerminalSim::open(options.ledger_path, *sim_config, clock, sleep_ms);
  if (!sim.is_ok()) return sim.status();
  link::LinkClientOptions link_options;
  link_options.host = config.engine.link_host;
  link_options.port = config.engine.link_port;
  link_options.instance = instance->id;
  link_options.token = instance->token;
  link_options.jitter_seed = static_cast<uint64_t>(sim_config->seed);
  link::LinkClient client(link_options, clock);
  spdlog::info("sim: instance '{}' ({} account, seed {}), ledger {}, {} orders known", instance->id,
               sim_config->account, sim_config->seed, options.ledger_path, (*sim)->ledger().history_size());
  std::vector<link::Frame> requests;
  while (!stop.load()) {
    requests.clear();
    client.poll(kPollMs, requests);
    for (size_t i = 0; i < requests.size(); ++i) {  // requests may grow below
      auto replies = (*sim)->handle(requests[i]);
      if (!replies.is_ok()) return replies.status();
      // A reply lost with the connection is not lost: the engine queries after reconnecting.
      for (const link::Frame& reply : *replies) client.send(reply);
      // Keeps heartbeats flowing while simulated latencies add up.
      if (requests.size() < kMaxQueuedRequests) client.poll(0, requests);
    }
  }
  spdlog::info("sim: instance '{}' stopped", instance->id);
  return Status::ok();
}

}  // namespace mtg::sim
