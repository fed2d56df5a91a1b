// Redis memory policy (docs/requirements.md §5.2): RTS lives in a Redis with noeviction,
// and an RTS entry that goes missing anyway (evicted, deleted by hand) is re-written
// by the backend from DuckDB trade_state, so the order is neither lost nor run twice.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "integration/system.h"
#include "order/trade_result.h"
#include "testkit/stack.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

using testkit::Process;
using testkit::System;

constexpr int kWaitMs = 90'000;
constexpr int kOrders = 6;
constexpr int kEvicted = 3;

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST(RedisMemoryTest, MissingRtsEntriesAreRestoredFromDuckDbAndEachOrderCompletesOnce) {
  MTG_REQUIRE_STACK();
  testkit::SystemOptions options;
  options.instance_prefix = testkit::fresh_instance_prefix("rmt");  // the backend's first refill reads only ours
  System sys(options);
  const std::string dir = sys.config_path().substr(0, sys.config_path().rfind('/'));
  sys.start_engine();
  Process backend({MTG_BINARY, "backend", "--config", sys.config_path()}, dir + "/backend.log");
  const std::string prefix = sys.config().redis.prefix;
  for (int waited = 0; waited < kWaitMs; waited += 100) {  // the backend is up and mirroring
    if (sys.redis().command({"EXISTS", prefix + "backend:heartbeat"})->integer == 1) break;
    sleep_ms(100);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::string> uuids, payloads;
  for (int i = 0; i < kOrders; ++i) {
    uuids.push_back(System::new_uuid());
    payloads.push_back(sys.signal(uuids.back(), i % 3, 0.1, now, 300'000));
  }
  sys.submit(payloads);  // no terminal yet: the orders stay open
  for (int waited = 0; waited < kWaitMs; waited += 100) {
    auto n = sys.redis().command({"SCARD", prefix + "rts:open"});
    if (n && n->integer == kOrders) break;
    sleep_ms(100);
  }
  ASSERT_EQ(sys.redis().command({"SCARD", prefix + "rts:open"})->integer, kOrders);
  sleep_ms(2'500);  // at least two mirror polls (one a second) after the orders opened

  // "Eviction": the entries go, their uuids stay in the open set.
  for (int i = 0; i < kEvicted; ++i) ASSERT_EQ(sys.redis().command({"DEL", prefix + "rts:" + uuids[i]})->integer, 1);
  for (int i = 0; i < kEvicted; ++i) {
    for (int waited = 0; waited < kWaitMs; waited += 100) {
      if (sys.redis().command({"EXISTS", prefix + "rts:" + uuids[i]})->integer == 1) break;
      sleep_ms(100);
    }
    ASSERT_EQ(sys.redis().command({"EXISTS", prefix + "rts:" + uuids[i]})->integer, 1)
        << sys.log_tail(dir + "/backend.log");
  }

  // A restarted engine re-reads every open order from RTS and completes it once.
  sys.engine().kill9();
  sys.engine().restart();
  sys.start_sims();
  ASSERT_TRUE(sys.wait_final({uuids.begin(), uuids.end()}, kWaitMs)) << sys.log_tail(dir + "/engine.log");
  auto volume = sys.ledger_volume();
  for (const auto& u : uuids) EXPECT_NEAR(volume[u], 0.1, 1e-9) << u;
  std::map<std::string, int> finals;
  for (const auto& r : sys.results()) {
    if (is_final(r.status)) {
      ++finals[r.uuid];
      EXPECT_EQ(r.status, ResultStatus::kFilled) << r.reason;
    }
  }
  for (const auto& u : uuids) EXPECT_EQ(finals[u], 1) << u;
  EXPECT_EQ(backend.stop(), 0);
  std::ifstream log(dir + "/backend.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("restored it from DuckDB trade_state"), std::string::npos);
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A private redis-server with a small maxmemory and noeviction (the shared one is never
// reconfigured), and a stack configuration that points at it.
class ScratchRedis {
 public:
  static constexpr const char* kMaxMemory = "8mb";

  ScratchRedis() : port_(free_port()) {
    std::filesystem::create_directories(dir_.file("redis"));
    std::filesystem::create_directories(dir_.file("instances"));
    server_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir",
                                 dir_.file("redis"), "--save", "", "--appendonly", "no", "--maxmemory", kMaxMemory,
                                 "--maxmemory-policy", "noeviction"},
        dir_.file("redis.log"));
    RedisConfig rc;
    rc.port = port_;
    for (int waited = 0; waited < 10'000 && !client_; waited += 50) {
      auto c = RedisClient::connect(rc);
      if (c && (*c)->ping().is_ok()) client_ = std::move(*c);
      else sleep_ms(50);
    }
    const Config& stack = testkit::stack_config();
    std::ofstream(dir_.file("stack.toml"))
        << "[redis]\nport = " << port_ << "\n[postgres]\nport = " << stack.postgres.port
        << "\n[clickhouse]\nhttp_port = " << stack.clickhouse.http_port << "\n[instances]\ndir = \"instances\"\n";
  }
  RedisClient& client() { return *client_; }
  std::string stack_toml() const { return dir_.file("stack.toml"); }
  // SETs 256 KiB values until Redis refuses a write; returns that refusal.
  std::string fill() {
    const std::string value(256 * 1024, 'x');
    for (int i = 0; i < 1'000; ++i) {
      auto set = client_->command({"SET", "filler:" + std::to_string(i), value});
      if (!set) return set.status().message();
      ++fillers_;
    }
    return "";
  }
  void drain() {
    for (int i = 0; i < fillers_; ++i) (void)client_->command({"DEL", "filler:" + std::to_string(i)});
    fillers_ = 0;
  }

 private:
  testkit::TempDir dir_;
  int port_;
  std::unique_ptr<Process> server_;
  std::unique_ptr<RedisClient> client_;
  int fillers_ = 0;
};

// System reads the stack configuration from $MTG_CONFIG; point it at the scratch Redis
// for the System's construction only.
std::unique_ptr<System> system_on(const ScratchRedis& redis) {
  const std::string stack = std::getenv("MTG_CONFIG");
  setenv("MTG_CONFIG", redis.stack_toml().c_str(), 1);
  auto sys = std::make_unique<System>();
  setenv("MTG_CONFIG", stack.c_str(), 1);
  return sys;
}

TEST(RedisMemoryTest, FullRedisRefusesWritesAndTheSpillJournalKeepsTheResults) {
  MTG_REQUIRE_STACK();
  ScratchRedis redis;
  auto sys = system_on(redis);
  const std::string dir = sys->config_path().substr(0, sys->config_path().rfind('/'));
  const std::string journal = dir + "/engine/spill.journal";
  sys->start_engine();
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::string> uuids, payloads;
  for (int i = 0; i < kOrders; ++i) {
    uuids.push_back(System::new_uuid());
    payloads.push_back(sys->signal(uuids.back(), i % 3, 0.1, now, 300'000));
  }
  sys->submit(payloads);  // no terminal yet: the orders stay open
  const std::string open_key = sys->config().redis.prefix + "rts:open";
  for (int waited = 0; waited < kWaitMs && sys->redis().command({"SCARD", open_key})->integer < kOrders; waited += 100) {
    sleep_ms(100);
  }
  ASSERT_EQ(sys->redis().command({"SCARD", open_key})->integer, kOrders);

  const std::string refusal = redis.fill();
  ASSERT_NE(refusal.find("OOM"), std::string::npos) << refusal;  // noeviction: writes refused, nothing evicted
  ASSERT_EQ(sys->redis().command({"SCARD", open_key})->integer, kOrders);
  sys->start_sims();  // results arrive while Redis refuses them
  for (int waited = 0; waited < kWaitMs; waited += 100) {
    std::error_code ec;
    if (std::filesystem::file_size(journal, ec) > 0 && !ec) break;
    sleep_ms(100);
  }
  std::error_code ec;
  ASSERT_GT(std::filesystem::file_size(journal, ec), 0u) << sys->log_tail(dir + "/engine.log");

  sys->engine().kill9();  // the journal, not the engine's memory, must carry them
  redis.drain();
  sys->engine().restart();
  ASSERT_TRUE(sys->wait_final({uuids.begin(), uuids.end()}, kWaitMs)) << sys->log_tail(dir + "/engine.log");
  auto volume = sys->ledger_volume();
  std::map<std::string, int> finals;
  for (const auto& r : sys->results()) {
    if (is_final(r.status)) ++finals[r.uuid];
  }
  for (const auto& u : uuids) {
    EXPECT_NEAR(volume[u], 0.1, 1e-9) << u;
    EXPECT_EQ(finals[u], 1) << u;
  }
}

}  // namespace
}  // namespace mtg
