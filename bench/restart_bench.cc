// bench/restart: the engine restarts with N open orders in RTS (a table of N, by default
// 1,000, 10,000 and 100,000: argv[1], e.g. "1000,10000") and
// three terminals waiting to reconnect. Measures, from the moment the new engine
// process starts: its recovery (loading RIS + RTS, logged by the engine), the first
// new fill in RTRS, and every order final. Beside it, in the same run, the floor:
// one client reading the same N order JSONs straight from Redis (SMEMBERS + MGET).
// Prints figures, never passes or fails on time.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <thread>

#include "integration/system.h"
#include "testkit/count_list.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

using Steady = std::chrono::steady_clock;

double ms_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

int64_t open_orders(testkit::System& sys) {
  auto r = sys.redis().command({"SCARD", sys.config().redis.prefix + "rts:open"});
  return r ? r->integer : -1;
}

// The floor: reading every open order's JSON in one client, pipelined by MGET.
double raw_read_ms(testkit::System& sys) {
  const std::string prefix = sys.config().redis.prefix;
  const auto t0 = Steady::now();
  auto members = sys.redis().command({"SMEMBERS", prefix + "rts:open"});
  if (!members) return -1;
  constexpr size_t kChunk = 500;
  for (size_t i = 0; i < members->elements.size(); i += kChunk) {
    std::vector<std::string> mget{"MGET"};
    for (size_t j = i; j < std::min(members->elements.size(), i + kChunk); ++j) {
      mget.push_back(prefix + "rts:" + members->elements[j].str);
    }
    if (!sys.redis().command(mget)) return -1;
  }
  return ms_since(t0);
}

// Scans RTRS from `from` until the first fill (returns its time) and, when `all` is
// given, until that many final results arrived.
struct Arrivals {
  double first_fill_ms = -1, all_final_ms = -1;
};

Arrivals watch(testkit::System& sys, Steady::time_point t0, size_t all) {
  auto reader = RedisClient::connect(sys.config().redis);
  Arrivals a;
  std::set<std::string> finals;
  std::string from = "0";
  const auto deadline = Steady::now() + std::chrono::minutes(10);
  while (finals.size() < all && Steady::now() < deadline) {
    auto r = (*reader)->command({"XREAD", "COUNT", "1000", "BLOCK", "500", "STREAMS",
                                 sys.config().redis.prefix + "rtrs", from});
    if (!r || r->type != RedisReply::Type::kArray) continue;
    for (const auto& e : r->elements[0].elements[1].elements) {
      from = e.elements[0].str;
      auto tr = TradeResult::from_json(e.elements[1].elements[1].str);
      if (!tr) continue;
      const bool fill = tr->filled_volume > 0;
      if (fill && a.first_fill_ms < 0) a.first_fill_ms = ms_since(t0);
      if (is_final(tr->status)) finals.insert(tr->uuid);
    }
  }
  if (finals.size() >= all) a.all_final_ms = ms_since(t0);
  return a;
}

// One restart with `n` open orders: the floor beside the engine's figures.
struct RestartFigures {
  size_t orders = 0;
  double raw_ms = -1;
  Arrivals arrivals;
};

RestartFigures measure(size_t n) {
  testkit::SystemOptions options;
  // No terminal is connected while the orders pile up: keep the policy from dropping them.
  options.engine_toml = "notify_after_attempts = 1000\ndisable_after_attempts = 1000\n";
  testkit::System sys(options);
  sys.start_engine();
  std::printf("bench/restart: %zu open orders in RTS, 3 simulators waiting, engine kill -9 + restart\n", n);
  const int64_t now = SystemClock::instance().now_ms();
  for (size_t i = 0; i < n; i += 500) {
    std::vector<std::string> batch;
    for (size_t j = i; j < std::min(n, i + 500); ++j) {
      batch.push_back(sys.signal(testkit::System::new_uuid(), static_cast<int>(j % 3), 0.01, now, 3'600'000));
    }
    sys.submit(batch);
  }
  while (open_orders(sys) < static_cast<int64_t>(n)) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  sys.engine().kill9();
  RestartFigures f;
  f.orders = n;
  f.raw_ms = raw_read_ms(sys);
  sys.start_sims();  // terminals dial a dead engine and back off, as in production
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto t0 = Steady::now();
  sys.engine().restart();
  f.arrivals = watch(sys, t0, n);
  std::printf("engine log (recovery lines):\n");
  std::string tail = sys.log_tail(sys.engine().log_path());
  for (size_t at = 0; (at = tail.find("recover", at)) != std::string::npos; ++at) {
    const size_t begin = tail.rfind('\n', at) + 1;
    std::printf("  %s\n", tail.substr(begin, tail.find('\n', at) - begin).c_str());
    at = tail.find('\n', at);
    if (at == std::string::npos) break;
  }
  return f;
}

}  // namespace
}  // namespace mtg

int main(int argc, char** argv) {
  using namespace mtg;
  if (!testkit::stack_available()) {
    std::cerr << "bench/restart: needs the stack (eval \"$(scripts/stack env)\")\n";
    return 2;
  }
  std::vector<RestartFigures> rows;
  for (size_t n : testkit::count_list(argc > 1 ? argv[1] : "1000,10000,100000")) rows.push_back(measure(n));
  std::printf("\n%10s %22s %26s %26s\n", "orders", "floor: SMEMBERS+MGET ms", "restart -> first new fill ms",
              "restart -> every final ms");
  bool all_final = true;
  for (const auto& r : rows) {
    std::printf("%10zu %22.0f %26.0f %26.0f\n", r.orders, r.raw_ms, r.arrivals.first_fill_ms, r.arrivals.all_final_ms);
    all_final = all_final && r.arrivals.all_final_ms >= 0;
  }
  return all_final ? 0 : 1;
}
