// The local stack of scripts/stack (docs/requirements.md "Local stack"): the config it writes,
// its servers answering on loopback only, and a server's data surviving kill -9 + start.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "store/redis/redis_client.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

constexpr size_t kMaxReplyBytes = 4096;
constexpr int kSocketTimeoutS = 5;
constexpr size_t kTokenHexChars = 32;
constexpr off_t kMasterKeyBytes = 32;

int env_port(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? -1 : std::atoi(v);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// Sends request to 127.0.0.1:port and returns what arrives until the peer closes,
// kMaxReplyBytes arrive or (for a server that keeps the connection) stop_after appears.
std::string exchange(int port, const std::string& request, const std::string& stop_after) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  timeval timeout{kSocketTimeoutS, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    reply = "connect failed";
  } else if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buf[512];
    ssize_t n = 0;
    while (reply.size() < kMaxReplyBytes && reply.find(stop_after) == std::string::npos &&
           (n = read(fd, buf, sizeof(buf))) > 0) {
      reply.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return reply;
}

// Local addresses (hex, as in /proc/net/tcp*) of the listening sockets on port.
std::set<std::string> listen_addresses(int port) {
  std::set<std::string> found;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const size_t colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;  // 0A: LISTEN
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) found.insert(local.substr(0, colon));
    }
  }
  return found;
}

class Stack : public ::testing::Test {
 protected:
  void SetUp() override { MTG_REQUIRE_STACK(); }
};

TEST_F(Stack, ConfigNamesTheStackPorts) {
  const Config& c = testkit::stack_config();
  EXPECT_EQ(c.redis.port, env_port("MTG_REDIS_PORT"));
  EXPECT_EQ(c.postgres.port, env_port("MTG_PG_PORT"));
  EXPECT_EQ(c.clickhouse.http_port, env_port("MTG_CLICKHOUSE_HTTP_PORT"));
  EXPECT_EQ(c.engine.link_port, env_port("MTG_LINK_PORT"));
  const std::string host = "http://" + c.metrics.listen + ":";
  EXPECT_EQ(host + std::to_string(c.metrics.engine_port) + "/metrics", env("MTG_ENGINE_METRICS_URL"));
  EXPECT_EQ(host + std::to_string(c.metrics.backend_port) + "/metrics", env("MTG_BACKEND_METRICS_URL"));
  EXPECT_EQ(host + std::to_string(c.metrics.backupd_port) + "/metrics", env("MTG_BACKUPD_METRICS_URL"));
  EXPECT_EQ("http://" + c.web.listen + ":" + std::to_string(c.web.port) + "/", env("MTG_WEB_URL"));
  EXPECT_EQ(c.redis.prefix, "mtg:");
  EXPECT_EQ(c.postgres.database, "mtguard");
  EXPECT_EQ(c.clickhouse.database, "mtguard");
}

TEST_F(Stack, ThreeDemoInstancesWithDistinctSecretTokens) {
  const Config& c = testkit::stack_config();
  ASSERT_EQ(c.instances.size(), 3u);
  std::set<std::string> tokens;
  for (size_t i = 0; i < c.instances.size(); ++i) {
    const InstanceConfig& inst = c.instances[i];
    EXPECT_EQ(inst.id, "demo-" + std::to_string(i + 1));
    EXPECT_EQ(inst.token.size(), kTokenHexChars);
    EXPECT_EQ(inst.token.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(inst.sim.seed, i + 1);
    EXPECT_EQ(inst.sim.account, i == 1 ? "hedging" : "netting");
    struct stat st {};
    ASSERT_EQ(stat(inst.source_path.c_str(), &st), 0) << inst.source_path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << inst.source_path;
    tokens.insert(inst.token);
  }
  EXPECT_EQ(tokens.size(), 3u);
}

TEST_F(Stack, MasterKeyIs32RawBytesReadableByOwnerOnly) {
  struct stat st {};
  const std::string& key = testkit::stack_config().key_file;
  ASSERT_EQ(stat(key.c_str(), &st), 0) << key;
  EXPECT_EQ(st.st_size, kMasterKeyBytes);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(Stack, ServersAnswerOnLoopbackOnly) {
  const Config& c = testkit::stack_config();
  EXPECT_EQ(exchange(c.redis.port, "PING\r\n", "\r\n"), "+PONG\r\n");
  const std::string ping = exchange(c.clickhouse.http_port, "GET /ping HTTP/1.0\r\n\r\n", "Ok.");
  EXPECT_NE(ping.find("Ok."), std::string::npos) << ping;
  const std::string loopback = "0100007F";  // 127.0.0.1 as /proc/net/tcp prints it
  for (int port : {c.redis.port, c.postgres.port, c.clickhouse.http_port}) {
    EXPECT_EQ(listen_addresses(port), std::set<std::string>{loopback}) << "port " << port;
  }
}

TEST_F(Stack, RedisKeepsAcknowledgedWritesAcrossKillAndStart) {
  if (!testkit::stack_controllable()) GTEST_SKIP() << "no scripts/stack";
  const RedisConfig& config = testkit::stack_config().redis;
  const std::string key = "mtgtest:" + std::to_string(getpid()) + ":stack";
  {
    auto redis = RedisClient::connect(config);
    ASSERT_TRUE(redis.is_ok()) << redis.status().to_string();
    ASSERT_TRUE((*redis)->command({"SET", key, "kept"}).is_ok());
  }
  testkit::stack_run("kill redis");
  EXPECT_EQ(exchange(config.port, "PING\r\n", "\r\n"), "connect failed");
  testkit::stack_run("start redis");
  auto redis = RedisClient::connect(config);
  ASSERT_TRUE(redis.is_ok()) << redis.status().to_string();
  auto value = (*redis)->command({"GET", key});
  ASSERT_TRUE(value.is_ok()) << value.status().to_string();
  EXPECT_EQ(value->str, "kept");
  EXPECT_TRUE((*redis)->command({"DEL", key}).is_ok());
}

}  // namespace
}  // namespace mtg
