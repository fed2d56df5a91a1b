// bench/web: the status page (GET /) and GET /api/status of `mtguard web` with 100
// instances holding 10,000 pending orders (and 10,000 open orders in RTS), beside, in
// the same run, cpp-httplib serving the same page as fixed bytes (the HTTP floor) and
// the bare Redis read of the holdings (the data floor). Also gather and render alone.
// Prints figures (median and worst of kRounds), never passes or fails on time. Needs
// $MTG_CONFIG (scripts/stack env). Its Redis keys live under a prefix of their own.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/redis_order_store.h"
#include "overview/store_checks.h"
#include "overview/system_overview.h"
#include "testkit/http_get.h"
#include "testkit/ports.h"
#include "util/clock.h"
#include "web/status_page.h"
#include "web/web_server.h"

namespace mtg {
namespace {

using Steady = std::chrono::steady_clock;

constexpr int kInstances = 100;
constexpr int kOrdersPerInstance = 100;
constexpr int kRounds = 15;

struct Figure {
  double median_ms = 0, worst_ms = 0;
  size_t bytes = 0;
};

Figure measure(const std::function<size_t()>& once) {
  std::vector<double> ms;
  size_t bytes = 0;
  for (int i = 0; i < kRounds; ++i) {
    const auto start = Steady::now();
    bytes = once();
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back(), bytes};
}

void print(const char* what, const Figure& f) {
  std::printf("%-52s median %8.1f ms  worst %8.1f ms  %9zu bytes\n", what, f.median_ms, f.worst_ms, f.bytes);
}

Status fill(Config& config, RedisClient& redis) {
  RedisOrderStore store(redis, config.redis.prefix, {});
  const InstanceConfig model = config.instances.at(0);
  config.instances.clear();
  std::vector<std::string> open{"SADD", RedisKeys{config.redis.prefix}.open_orders()};
  for (int i = 0; i < kInstances; ++i) {
    InstanceConfig inst = model;
    inst.id = "bench-" + std::to_string(i + 1);
    config.instances.push_back(inst);
    InstanceState state{inst.id, true, true, true, 0, SystemClock::instance().now_ms(), ""};
    MTG_RETURN_IF_ERROR(store.save_instance(state));
    Holdings h;
    h.reported_at_ms = SystemClock::instance().now_ms();
    for (int o = 0; o < kOrdersPerInstance; ++o) {
      PendingOrder order;
      order.ticket = i * kOrdersPerInstance + o + 1;
      order.symbol = "EURUSD";
      order.volume = 0.1;
      order.price = 1.05 + o * 0.0001;
      order.ref = "00000000-0000-4000-8000-" + std::to_string(100'000'000'000 + order.ticket);
      h.orders.push_back(order);
      open.push_back(order.ref);
    }
    MTG_RETURN_IF_ERROR(store.save_holdings(inst.id, h));
  }
  return redis.command(open).status();
}

void delete_keys(RedisClient& redis, const std::string& prefix) {
  auto keys = redis.command({"KEYS", prefix + "*"});
  if (!keys) return;
  std::vector<std::string> del{"DEL"};
  for (const auto& k : keys->elements) del.push_back(k.str);
  if (del.size() > 1) (void)redis.command(del);
}

size_t get(const std::string& url) {
  auto answer = testkit::http_get(url, 60'000);
  if (!answer || answer->status != 200) {
    std::cerr << "bench/web: GET " << url << " failed\n";
    std::exit(1);
  }
  return answer->body.size();
}

int run() {
  const char* config_path = std::getenv("MTG_CONFIG");
  if (config_path == nullptr) {
    std::cerr << "bench/web: needs MTG_CONFIG (scripts/stack env)\n";
    return 2;
  }
  auto loaded = load_config(config_path);
  if (!loaded) return std::cerr << "bench/web: " << loaded.status().to_string() << '\n', 1;
  Config config = *loaded;
  config.redis.prefix = "bench-web-" + std::to_string(SystemClock::instance().now_ms()) + ":";
  config.web.port = testkit::free_port();
  auto redis = RedisClient::connect(config.redis);
  if (!redis) return std::cerr << "bench/web: " << redis.status().to_string() << '\n', 1;
  if (Status s = fill(config, **redis); !s.is_ok()) return std::cerr << "bench/web: " << s.to_string() << '\n', 1;

  std::atomic<bool> stop{false};
  std::thread server([&] { (void)web::serve_status_page(config, SystemClock::instance(), stop); });
  const std::string url = "http://127.0.0.1:" + std::to_string(config.web.port) + "/";
  while (!testkit::http_get(url + "api/status").is_ok()) std::this_thread::sleep_for(std::chrono::milliseconds(50));

  const std::string page = web::render_status_page(gather_overview(config, SystemClock::instance()));
  httplib::Server floor;
  floor.Get("/", [&](const httplib::Request&, httplib::Response& res) { res.set_content(page, "text/html"); });
  const int floor_port = floor.bind_to_any_port("127.0.0.1");
  std::thread floor_thread([&] { floor.listen_after_bind(); });

  std::vector<std::string> ids;
  for (const auto& inst : config.instances) ids.push_back(inst.id);
  std::printf("%d instances, %d pending orders, %d open orders in RTS, %d rounds each\n", kInstances,
              kInstances * kOrdersPerInstance, kInstances * kOrdersPerInstance, kRounds);
  print("GET / (mtguard web: gather + render + HTTP)", measure([&] { return get(url); }));
  print("GET /api/status (gather + JSON + HTTP)", measure([&] { return get(url + "api/status"); }));
  print("baseline: the same page as fixed bytes (cpp-httplib)",
        measure([&] { return get("http://127.0.0.1:" + std::to_string(floor_port) + "/"); }));
  print("baseline: load_holdings of 100 instances (Redis)", measure([&] {
          auto h = RedisOrderStore(**redis, config.redis.prefix, {}).load_holdings(ids);
          return h ? h->size() : 0;
        }));
  print("gather_overview alone (every store, Redis, backups)",
        measure([&] { return gather_overview(config, SystemClock::instance()).sections.size(); }));
  print("check_stores alone (Redis, PostgreSQL, ClickHouse, DuckDB)",
        measure([&] { return check_stores(config).size(); }));
  const SystemOverview overview = gather_overview(config, SystemClock::instance());
  print("overview_json alone", measure([&] { return overview_json(overview).dump().size(); }));
  print("render_status_page alone", measure([&] { return web::render_status_page(overview).size(); }));

  stop = true;
  floor.stop();
  server.join();
  floor_thread.join();
  delete_keys(**redis, config.redis.prefix);
  return 0;
}

}  // namespace
}  // namespace mtg

int main() { return mtg::run(); }
