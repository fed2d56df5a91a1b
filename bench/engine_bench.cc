// bench/engine: end-to-end throughput (signals/s, RTSS -> engine -> 3 simulators ->
// RTRS) and latency (submit -> final result, p50/p99/p999) on the real stack, beside
// redis-benchmark XADD and the floor (the engine's own Redis work per signal without
// the engine) measured in the same run, once with Redis's appendfsync everysec and once
// with always ([redis] durability), side by side; then a scaling table: the flood over
// 3, 30 and 300 simulators (argv[2], e.g. "3,30,300"). With --tls instead: the terminal
// link in plaintext beside the link over TLS ([engine] link_tls), same run. Prints
// figures, never passes or fails on time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/redis_order_store.h"
#include "engine/signal_queue.h"
#include "integration/system.h"
#include "keys/redis_keys.h"
#include "order/trade_result.h"
#include "signal/signal_parser.h"
#include "testkit/count_list.h"
#include "testkit/stack.h"
#include "util/check.h"
#include "util/clock.h"

namespace mtg {
namespace {

using Clock = std::chrono::steady_clock;

double now_us() {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count());
}

// Reads RTRS from `from` until `count` final results arrived; stamps each uuid's arrival.
std::unordered_map<std::string, double> collect(testkit::System& sys, size_t count, std::string from) {
  auto reader = RedisClient::connect(sys.config().redis);
  std::unordered_map<std::string, double> arrived;
  const auto deadline = Clock::now() + std::chrono::minutes(5);
  while (arrived.size() < count && Clock::now() < deadline) {
    auto r = (*reader)->command({"XREAD", "COUNT", "1000", "BLOCK", "1000", "STREAMS",
                                 sys.config().redis.prefix + "rtrs", from});
    if (!r || r->type != RedisReply::Type::kArray) continue;
    const double t = now_us();
    for (const auto& e : r->elements[0].elements[1].elements) {
      from = e.elements[0].str;
      auto tr = TradeResult::from_json(e.elements[1].elements[1].str);
      if (tr && is_final(tr->status)) arrived.emplace(tr->uuid, t);
    }
  }
  return arrived;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

struct Run {
  double signals_per_s = 0;
  std::vector<double> latency_ms;
  size_t lost = 0;
};

// Submits `n` signals, `batch` per pipeline, pausing `gap_us` between batches.
Run run(testkit::System& sys, size_t n, size_t batch, int gap_us) {
  std::vector<std::string> uuids(n);
  for (auto& u : uuids) u = testkit::System::new_uuid();
  std::unordered_map<std::string, double> submitted;
  std::unordered_map<std::string, double> arrived;
  std::thread reader([&] { arrived = collect(sys, n, "$"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // reader is blocking on XREAD
  const double start = now_us();
  for (size_t i = 0; i < n; i += batch) {
    std::vector<std::string> payloads;
    const double t = now_us();
    for (size_t j = i; j < std::min(n, i + batch); ++j) {
      payloads.push_back(sys.signal(uuids[j], static_cast<int>(j % sys.config().instances.size()), 0.01,
                                    SystemClock::instance().now_ms()));
      submitted[uuids[j]] = t;
    }
    sys.submit(payloads);
    if (gap_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
  }
  reader.join();
  double last = start;
  Run r;
  for (const auto& [uuid, t] : arrived) {
    last = std::max(last, t);
    r.latency_ms.push_back((t - submitted[uuid]) / 1000.0);
  }
  r.lost = n - arrived.size();
  r.signals_per_s = static_cast<double>(arrived.size()) / ((last - start) / 1e6);
  return r;
}

// requests/s that redis-benchmark reports for XADD against our Redis.
double redis_benchmark_xadd(const Config& c, int pipeline) {
  const std::string cmd = "redis-benchmark -h " + c.redis.host + " -p " + std::to_string(c.redis.port) +
                          " -c 50 -n 100000 -P " + std::to_string(pipeline) +
                          " -q XADD mtgbench:stream '*' signal x 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return 0;
  char buf[4096];
  std::string out;
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  (void)std::system(("redis-cli -h " + c.redis.host + " -p " + std::to_string(c.redis.port) +
                     " DEL mtgbench:stream >/dev/null").c_str());
  // "XADD mtgbench:stream * signal x: 81234.57 requests per second, p50=..." (last figure line)
  const auto at = out.rfind(": ");
  return at == std::string::npos ? 0 : std::atof(out.c_str() + at + 2);
}

// What the engine asks of Redis for one signal that fills at once: its intake, the
// `sent` write-ahead and its final result (order/order.h transitions, final_result_of).
struct FloorWork {
  IntakeDecision intake;
  OrderWrite sent, filled;
};

FloorWork floor_work(const RtssEntry& e, const SignalLimits& limits, int64_t now_ms) {
  auto signal = parse_signal(e.payload, limits);
  MTG_CHECK(signal.is_ok());
  Order order;
  order.signal = *signal;
  order.stream_id = e.stream_id;
  FloorWork w;
  w.intake.stream_id = e.stream_id;
  w.intake.uuid = signal->uuid;
  w.intake.accepted = order;
  w.intake.duplicate_result.status = ResultStatus::kDuplicate;
  MTG_CHECK(order.transition(OrderState::kSent, now_ms).is_ok());
  w.sent.order = order;
  MTG_CHECK(order.apply_fill(signal->volume, 1.1).is_ok());
  MTG_CHECK(order.transition(OrderState::kFilled, now_ms).is_ok());
  w.filled = {order, final_result_of(order, ResultStatus::kFilled, "", now_ms)};
  return w;
}

// The floor: the engine's own Redis work for `n` signals without the engine — each
// signal's XADD, its read through a consumer group, the intake script, the `sent` update
// and the finalize script (with its XACK) — pipelined in the engine's batches
// (kMaxEntriesPerRead) through RedisOrderStore on one connection, under a prefix of its
// own that is deleted afterwards. Returns signals/s.
double floor_signals_per_s(testkit::System& sys, size_t n) {
  const std::string prefix = "mtgfloor:";
  auto redis = RedisClient::connect(sys.config().redis);
  if (!redis) return 0;
  RedisOrderStore store(**redis, prefix, RedisOrderStoreOptions{});
  SignalQueue queue(**redis, prefix, "floor");
  if (!queue.ensure_group().is_ok()) return 0;
  const SignalLimits limits = signal_limits(sys.config().engine);
  const std::string rtss = RedisKeys{prefix}.rtss();
  const double start = now_us();
  size_t done = 0;
  while (done < n) {
    std::vector<std::vector<std::string>> xadds;
    const int64_t now_ms = SystemClock::instance().now_ms();
    for (size_t i = done; i < std::min(n, done + kMaxEntriesPerRead); ++i) {
      xadds.push_back({"XADD", rtss, "*", "signal",
                       sys.signal(testkit::System::new_uuid(), static_cast<int>(i % 3), 0.01, now_ms)});
    }
    if (!(*redis)->pipeline(xadds)) return 0;
    auto entries = queue.read_new(kMaxEntriesPerRead, 100);
    if (!entries) return 0;
    std::vector<IntakeDecision> intakes;
    std::vector<OrderWrite> sent, filled;
    for (const auto& e : *entries) {
      FloorWork w = floor_work(e, limits, now_ms);
      intakes.push_back(std::move(w.intake));
      sent.push_back(std::move(w.sent));
      filled.push_back(std::move(w.filled));
    }
    for (const auto& r : store.intake_all(intakes)) MTG_CHECK(r.is_ok() && *r == IntakeOutcome::kAccepted);
    for (const auto& r : store.write_all(sent)) MTG_CHECK(r.is_ok());
    for (const auto& r : store.write_all(filled)) MTG_CHECK(r.is_ok() && *r);
    done += entries->size();
  }
  const double seconds = (now_us() - start) / 1e6;
  const RedisConfig& c = sys.config().redis;
  const std::string cli = "redis-cli -h " + c.host + " -p " + std::to_string(c.port);
  (void)std::system((cli + " --scan --pattern '" + prefix + "*' | xargs -r -n 1000 " + cli + " DEL >/dev/null").c_str());
  return static_cast<double>(n) / seconds;
}

// Redis's appendfsync now, "" when it cannot be read.
std::string appendfsync(RedisClient& redis) {
  auto r = redis.command({"CONFIG", "GET", "appendfsync"});
  return r && r->elements.size() == 2 ? r->elements[1].str : "";
}

// The figures of one durability mode ([redis] durability).
struct ModeFigures {
  std::string mode;
  Run flood, paced;
  double xadd = 0, xadd_p32 = 0, floor = 0;
};

// Switches the running Redis to appendfsync `mode` and measures everything in it.
ModeFigures measure(testkit::System& sys, size_t n, const std::string& mode) {
  ModeFigures f;
  f.mode = mode;
  (void)sys.redis().command({"CONFIG", "SET", "appendfsync", mode});
  f.flood = run(sys, n, 500, 0);
  f.paced = run(sys, 2'000, 10, 10'000);  // ~1,000 signals/s: latency without queueing
  f.xadd = redis_benchmark_xadd(sys.config(), 1);
  f.xadd_p32 = redis_benchmark_xadd(sys.config(), 32);
  f.floor = floor_signals_per_s(sys, n);
  return f;
}

// Waits (up to a minute) until RIS says every instance's terminal is connected.
bool wait_connected(testkit::System& sys) {
  const RedisKeys keys{sys.config().redis.prefix};
  const auto deadline = Clock::now() + std::chrono::minutes(1);
  while (Clock::now() < deadline) {
    size_t up = 0;
    for (const auto& inst : sys.config().instances) {
      auto r = sys.redis().command({"HGET", keys.instance(inst.id), "connected"});
      if (r && r->str == "1") ++up;
    }
    if (up == sys.config().instances.size()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

// One row of the scaling table: a flood of `n` signals spread over `terminals` simulators.
Run scaling_run(size_t terminals, size_t n) {
  testkit::SystemOptions options;
  options.instances = static_cast<int>(terminals);
  testkit::System sys(options);
  sys.start_engine();
  sys.start_sims();
  if (!wait_connected(sys)) std::fprintf(stderr, "bench/engine: not every terminal of %zu connected\n", terminals);
  return run(sys, n, 500, 0);
}

void print_row(const std::string& what, const Run& r) {
  std::printf("%-52s %14.0f %10.2f %10.2f %10.2f\n", what.c_str(), r.signals_per_s, percentile(r.latency_ms, 0.5),
              percentile(r.latency_ms, 0.99), percentile(r.latency_ms, 0.999));
}

// The cost of TLS on the terminal link: a system in plaintext, then one over TLS, each
// flooded and paced; returns the signals lost.
size_t compare_link_transports(size_t n) {
  std::printf("bench/engine --tls: %zu signals over 3 simulators, the terminal link in plaintext, then over TLS\n", n);
  std::vector<std::pair<std::string, ModeFigures>> rows;
  for (const bool tls : {false, true}) {
    testkit::SystemOptions options;
    options.link_tls = tls;
    testkit::System sys(options);
    sys.start_engine();
    sys.start_sims();
    (void)wait_connected(sys);
    ModeFigures f;
    f.flood = run(sys, n, 500, 0);
    f.paced = run(sys, 2'000, 10, 10'000);
    rows.emplace_back(tls ? "TLS" : "plaintext", f);
  }
  std::printf("\n%-52s %14s %10s %10s %10s\n", "measure", "signals/s", "p50 ms", "p99 ms", "p999 ms");
  size_t lost = 0;
  for (const auto& [name, f] : rows) {
    print_row("mtguard end to end, flood (500/pipeline), " + name, f.flood);
    print_row("mtguard end to end, paced ~1000/s, " + name, f.paced);
    lost += f.flood.lost + f.paced.lost;
  }
  const ModeFigures& plain = rows[0].second;
  const ModeFigures& tls = rows[1].second;
  if (plain.flood.signals_per_s > 0) {
    std::printf("\nTLS / plaintext: flood %.3f, paced p50 latency %.2fx\n",
                tls.flood.signals_per_s / plain.flood.signals_per_s,
                percentile(tls.paced.latency_ms, 0.5) / std::max(1e-9, percentile(plain.paced.latency_ms, 0.5)));
  }
  std::printf("lost: %zu\n", lost);
  return lost;
}

}  // namespace
}  // namespace mtg

int main(int argc, char** argv) {
  using namespace mtg;
  if (!testkit::stack_available()) {
    std::cerr << "bench/engine: needs the stack (eval \"$(scripts/stack env)\")\n";
    return 2;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool tls = std::erase(args, "--tls") > 0;
  const size_t n = !args.empty() ? std::stoul(args[0]) : 20'000;
  if (tls) return compare_link_transports(n) == 0 ? 0 : 1;
  const std::vector<size_t> terminals = testkit::count_list(args.size() > 1 ? args[1] : "3,30,300");
  std::vector<ModeFigures> modes;
  {
    testkit::System sys;  // 3 simulators, no faults, zero latency
    sys.start_engine();
    sys.start_sims();
    (void)wait_connected(sys);
    std::printf("bench/engine: %zu signals over 3 simulators (zero latency, no faults), with Redis's appendfsync "
                "everysec and always in turn\n", n);
    const std::string original = appendfsync(sys.redis());
    for (const char* mode : {"everysec", "always"}) modes.push_back(measure(sys, n, mode));
    if (!original.empty()) (void)sys.redis().command({"CONFIG", "SET", "appendfsync", original});
  }
  // The scaling table: the same flood (a quarter of the signals) over more terminals.
  std::vector<Run> scaling;
  for (size_t t : terminals) scaling.push_back(scaling_run(t, n / 4));
  std::printf("\n%-52s %14s %10s %10s %10s\n", "measure", "signals/s", "p50 ms", "p99 ms", "p999 ms");
  size_t lost = 0;
  for (const ModeFigures& f : modes) {
    print_row("mtguard end to end, flood (500/pipeline), " + f.mode, f.flood);
    print_row("mtguard end to end, paced ~1000/s, " + f.mode, f.paced);
    std::printf("%-52s %14.0f\n", ("redis-benchmark XADD, 50 clients, " + f.mode).c_str(), f.xadd);
    std::printf("%-52s %14.0f\n", ("redis-benchmark XADD, 50 clients, -P 32, " + f.mode).c_str(), f.xadd_p32);
    std::printf("%-52s %14.0f\n", ("floor: the engine's Redis work, pipelined, " + f.mode).c_str(), f.floor);
    std::printf("%-52s %14.3f\n", ("mtguard flood / floor, " + f.mode).c_str(),
                f.flood.signals_per_s / std::max(1.0, f.floor));
    lost += f.flood.lost + f.paced.lost;
  }
  std::printf("\nscaling (flood of %zu signals, everysec)%13s %14s %10s %10s %10s\n", n / 4, "", "signals/s", "p50 ms",
              "p99 ms", "p999 ms");
  for (size_t i = 0; i < terminals.size(); ++i) {
    print_row(std::to_string(terminals[i]) + " terminals", scaling[i]);
    lost += scaling[i].lost;
  }
  const ModeFigures& everysec = modes[0];
  const ModeFigures& always = modes[1];
  if (everysec.flood.signals_per_s > 0 && everysec.xadd > 0) {
    std::printf("\nalways / everysec: flood %.3f, paced p50 latency %.2fx, XADD %.3f, XADD -P 32 %.3f\n",
                always.flood.signals_per_s / everysec.flood.signals_per_s,
                percentile(always.paced.latency_ms, 0.5) / std::max(1e-9, percentile(everysec.paced.latency_ms, 0.5)),
                always.xadd / everysec.xadd, always.xadd_p32 / std::max(1.0, everysec.xadd_p32));
  }
  std::printf("lost: %zu\n", lost);
  return lost == 0 ? 0 : 1;
}
