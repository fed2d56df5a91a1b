#include "sim/sim_main.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <algorithm>
#include <deque>
#include <span>
#include <thread>

#include "link/link_client.h"
#include "sim/terminal_sim.h"

namespace mtg::sim {
namespace {

constexpr int kPollMs = 100;
constexpr size_t kMaxQueuedRequests = 10'000;  // engine frames read ahead of execution
constexpr size_t kMaxDelayedReplies = 1'000;   // slow results held back at once; more are sent at once
constexpr size_t kMaxGroupRequests = 256;      // engine frames answered with one group commit

Result<SimConfig> effective_config(const SimConfig& base, const SimOptions& options) {
  SimConfig c = base;
  if (options.seed) c.seed = *options.seed;
  if (options.partial_fill_prob) c.partial_fill_prob = *options.partial_fill_prob;
  if (options.requote_prob) c.requote_prob = *options.requote_prob;
  if (options.reject_prob) c.reject_prob = *options.reject_prob;
  MTG_RETURN_IF_ERROR(check_sim_config(c));
  return c;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Whether a session of this protocol version carries the frame: orders and events
// are version 2.
bool carries(int version, const link::Frame& frame) {
  const bool v2_only =
      std::holds_alternative<link::Orders>(frame) || std::holds_alternative<link::EventFrame>(frame);
  return version >= 2 || !v2_only;
}

// A frame lost with the connection is not lost: the engine queries and asks for
// holdings after reconnecting, and events are sent again until acknowledged.
void send_all(link::LinkClient& client, const std::vector<link::Frame>& frames) {
  for (const link::Frame& frame : frames) {
    if (carries(client.version(), frame)) client.send(frame);
  }
}

// A reply held back by slow_result_ms, sent when due on the connection it answers.
struct Delayed {
  int64_t due_ms = 0;  // steady clock
  std::vector<link::Frame> frames;
};

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
  if (config.engine.link_tls) {
    if (config.engine.link_thumbprint.empty()) {
      return Status::invalid("engine.link_tls: the simulator needs engine.link_thumbprint (mtguard link-cert prints it)");
    }
    link_options.tls_thumbprint = config.engine.link_thumbprint;
  }
  link_options.jitter_seed = static_cast<uint64_t>(sim_config->seed);
  auto client = std::make_unique<link::LinkClient>(link_options, clock);
  spdlog::info("sim: instance '{}' ({} account, seed {}), ledger {}, {} orders known", instance->id,
               sim_config->account, sim_config->seed, options.ledger_path, (*sim)->ledger().history_size());
  std::vector<link::Frame> requests;
  std::deque<Delayed> delayed;
  int sessions = 0;  // sessions of the current client seen so far
  int64_t next_tick_ms = clock.steady_ms();
  while (!stop.load()) {
    requests.clear();
    client->poll(kPollMs, requests);
    if (client->sessions() != sessions) {  // a new session: what the engine may have missed
      sessions = client->sessions();
      delayed.clear();
      send_all(*client, (*sim)->on_connect());
    }
    // Frames read together are answered with one group commit of the ledger. A
    // simulated latency spaces orders apart anyway: then each goes alone, so that its
    // result is not held back behind the latencies of the others.
    const size_t group = sim_config->latency_ms_max > 0 ? 1 : kMaxGroupRequests;
    for (size_t next = 0; next < requests.size();) {  // requests may grow below
      const size_t count = std::min(group, requests.size() - next);
      auto replies = (*sim)->handle_all(std::span<const link::Frame>(requests).subspan(next, count));
      if (!replies.is_ok()) return replies.status();
      next += count;
      const bool dropped = !replies->empty() && replies->back().drop_link;
      for (Reply& reply : *replies) {
        if (reply.drop_link) break;
        if (reply.delay_ms > 0 && delayed.size() < kMaxDelayedReplies) {
          delayed.push_back(Delayed{clock.steady_ms() + reply.delay_ms, std::move(reply.frames)});
        } else {
          send_all(*client, reply.frames);
        }
      }
      if (dropped) {
        spdlog::info("sim: dropping the link after an execution (simulated)");
        client = std::make_unique<link::LinkClient>(link_options, clock);
        sessions = 0;
        delayed.clear();
        break;  // the rest came over the dropped connection: the engine asks again
      }
      // Keeps heartbeats flowing while simulated latencies add up.
      if (requests.size() < kMaxQueuedRequests) client->poll(0, requests);
    }
    while (!delayed.empty() && delayed.front().due_ms <= clock.steady_ms()) {
      send_all(*client, delayed.front().frames);
      delayed.pop_front();
    }
    if (clock.steady_ms() >= next_tick_ms) {
      auto moved = (*sim)->tick(clock.now_ms());
      if (!moved.is_ok()) return moved.status();
      send_all(*client, *moved);
      next_tick_ms = clock.steady_ms() + kTickMs;
    }
  }
  spdlog::info("sim: instance '{}' stopped", instance->id);
  return Status::ok();
}

}  // namespace mtg::sim
