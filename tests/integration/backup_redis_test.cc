// Redis backup and restore against a private scratch redis-server that this test
// starts itself (restore stops Redis: never the shared stack's).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "backup/redis_tools.h"
#include "backup_fixture.h"

namespace mtg::backup::itest {
namespace {

constexpr int kKeys = 200;

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class BackupRedis : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    world_ = std::make_unique<BackupWorld>();
    Config& c = world_->config();
    c.redis.port = free_port();
    const std::string dir = world_->dir().file("redis");
    std::filesystem::create_directories(dir);
    start_command_ = "redis-server --port " + std::to_string(c.redis.port) + " --bind 127.0.0.1 --dir " + dir +
                     " --appendonly yes --appendfsync everysec --save '' --daemonize yes --pidfile " + dir +
                     "/redis.pid --logfile " + dir + "/redis.log";
    c.backup.redis_start_command = start_command_;
    world_->write_toml();
    const Shell started = shell(start_command_);
    ASSERT_EQ(started.exit_code, 0) << started.output;
    ASSERT_TRUE(wait_redis_ready(c.redis, 10'000).is_ok());
  }

  void TearDown() override {
    if (!world_) return;
    auto redis = RedisClient::connect(world_->config().redis);
    if (redis) (void)(*redis)->command({"SHUTDOWN", "NOSAVE"});
    (void)wait_redis_down(world_->config().redis, 10'000);
  }

  std::map<std::string, std::string> snapshot() {
    auto redis = RedisClient::connect(world_->config().redis);
    EXPECT_TRUE(redis.is_ok());
    std::map<std::string, std::string> out;
    auto keys = (*redis)->command({"KEYS", "*"});
    for (const RedisReply& k : keys->elements) {
      auto dump = (*redis)->command({"DUMP", k.str});
      out[k.str] = dump->str;
    }
    return out;
  }

  std::unique_ptr<BackupWorld> world_;
  std::string start_command_;
};

TEST_F(BackupRedis, RestoreRoundTripsRdbAndAofAndDrillsRecordVerified) {
  auto redis = RedisClient::connect(world_->config().redis);
  ASSERT_TRUE(redis.is_ok());
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE((*redis)->command({"SET", "k" + std::to_string(i), std::to_string(i)}).is_ok());
  ASSERT_TRUE((*redis)->command({"HSET", "h", "a", "1"}).is_ok());
  ASSERT_TRUE((*redis)->command({"XADD", "s", "*", "f", "v"}).is_ok());
  const auto before = snapshot();
  auto outcome = world_->service().run(BackupKind::kRedis);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  const Manifest& m = *outcome->entry.manifest;
  EXPECT_TRUE(m.verified) << m.drill;
  EXPECT_EQ(m.facts["rdb_keys"], kKeys + 2);
  EXPECT_TRUE(m.facts["aof"].get<bool>());
  ASSERT_TRUE((*redis)->command({"FLUSHALL"}).is_ok());
  ASSERT_TRUE((*redis)->command({"SET", "after", "1"}).is_ok());
  const Shell restore = world_->mtguard("restore redis");
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  auto after = snapshot();
  const std::string commands = world_->config().redis.prefix + "backend:commands";
  ASSERT_EQ(after.count(commands), 1u) << "reconcile-redis was queued for the backend";
  after.erase(commands);
  EXPECT_EQ(after.size(), before.size());
  for (const auto& [key, dump] : before) {
    const auto it = after.find(key);
    EXPECT_TRUE(it != after.end() && it->second == dump) << "key " << key << " differs after the restore";
  }
  int aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(world_->dir().file("redis"))) {
    aside += e.path().filename().string().find("pre-restore") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(aside, 2) << "the old RDB and AOF directory are kept aside";
}

TEST_F(BackupRedis, ACorruptRdbIsNeverRestored) {
  auto redis = RedisClient::connect(world_->config().redis);
  ASSERT_TRUE((*redis)->command({"SET", "only", "1"}).is_ok());
  auto outcome = world_->service().run(BackupKind::kRedis);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  flip_byte(outcome->entry.path + "/dump.rdb", 20);
  const Shell restore = world_->mtguard("restore redis");
  EXPECT_NE(restore.exit_code, 0);
  EXPECT_NE(restore.output.find("redis/" + outcome->entry.id), std::string::npos) << restore.output;
  auto still = RedisClient::connect(world_->config().redis);
  ASSERT_TRUE(still.is_ok());
  EXPECT_TRUE((*still)->ping().is_ok()) << "Redis was not stopped for a corrupt backup";
}

}  // namespace
}  // namespace mtg::backup::itest
