// BackendChannel against the real Redis of scripts/stack, with this test playing the
// backend: a request leases itself while its requester waits, ends at once when Redis
// loses it or when the backend's process is gone (its liveness lease names a dead or
// lapsed process), and leaves neither command nor lease behind when its requester gives up.
#include "backend_channel/backend_channel.h"
#include "backend_channel/backend_liveness.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "testkit/stack.h"

namespace mtg {
namespace {

constexpr int64_t kLongTimeoutMs = 120'000;  // far longer than any outcome below takes

void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

class BackendChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    requester_ = connect();
    backend_ = connect();
    channel_ = std::make_unique<BackendChannel>(*requester_, prefix_);
    ASSERT_TRUE(backend_->command({"SET", channel_->keys().heartbeat(), "{}", "PX", "600000"}).is_ok());
    RedisConfig config = testkit::stack_config().redis;
    config.prefix = prefix_;
    alive_ = std::make_unique<LivenessLease>(config, channel_->keys());
    ASSERT_TRUE(wait_until_running()) << "the liveness lease never showed";
  }
  void TearDown() override {
    if (the_backend_.joinable()) the_backend_.join();
    alive_.reset();
    if (redis_killed_) {
      testkit::stack_run("start redis");
      // The old connection died with Redis (its first call would fail): what the killed
      // Redis kept (the command nobody could withdraw) is cleaned through a new one.
      backend_ = connect();
    }
    if (backend_ == nullptr) return;
    (void)backend_->command({"EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end",
                             "0", prefix_ + "*"});
  }
  static std::unique_ptr<RedisClient> connect() {
    auto client = RedisClient::connect(testkit::stack_config().redis);
    EXPECT_TRUE(client.is_ok()) << client.status().to_string();
    return client ? std::move(client).value() : nullptr;
  }

  // The command the requester queued, once it is there (popped, as the backend does).
  std::string pop_command() {
    for (int i = 0; i < 500; ++i) {
      auto line = backend_->command({"LPOP", channel_->keys().commands()});
      if (line && !line->is_nil()) return line->str;
      sleep_ms(20);
    }
    ADD_FAILURE() << "no command was queued";
    return "";
  }
  static std::string request_id(const std::string& command) { return command.substr(command.find(' ') + 1, 16); }

  // Plays the backend, busy for `delay_ms`: then pops and takes the next command (SET …
  // taken XX, as the backend does) and answers ok when the take succeeded.
  void serve_after(int64_t delay_ms) {
    the_backend_ = std::thread([this, delay_ms] {
      sleep_ms(delay_ms);
      const std::string id = request_id(pop_command());
      auto taken = backend_->command({"SET", channel_->keys().lease(id), "taken", "XX", "KEEPTTL"});
      took_ = taken && !taken->is_nil();
      if (took_) (void)backend_->command({"SET", channel_->keys().reply(id), R"({"ok":true})", "PX", "60000"});
    });
  }

  // Keys of ours other than the heartbeat and the liveness lease.
  std::vector<std::string> keys_left() {
    auto keys = backend_->command({"KEYS", prefix_ + "*"});
    std::vector<std::string> left;
    if (!keys) return {"KEYS failed"};
    for (const RedisReply& k : keys->elements) {
      if (k.str != channel_->keys().heartbeat() && k.str != channel_->keys().alive()) left.push_back(k.str);
    }
    return left;
  }

  bool wait_until_running() {
    for (int i = 0; i < 500; ++i) {
      auto running = channel_->backend_running();
      if (running && *running) return true;
      sleep_ms(10);
    }
    return false;
  }

  const std::string prefix_ = "mtgtest:" + std::to_string(getpid()) + ":";
  std::unique_ptr<RedisClient> requester_;
  std::unique_ptr<RedisClient> backend_;
  std::unique_ptr<BackendChannel> channel_;
  std::unique_ptr<LivenessLease> alive_;  // this process plays the backend's
  std::thread the_backend_;
  std::atomic<bool> took_{false};
  bool redis_killed_ = false;
};

TEST_F(BackendChannelTest, AnAnsweredRequestLeavesNothingBehind) {
  serve_after(0);
  const Status asked = channel_->request(BackendVerb::kSnapshot, "/tmp/x.duckdb", kLongTimeoutMs,
                                         BackendChannel::Wait::kReply);
  EXPECT_TRUE(asked.is_ok()) << asked.to_string();
  the_backend_.join();
  EXPECT_TRUE(took_);
  EXPECT_EQ(keys_left(), std::vector<std::string>{}) << "the lease and the reply are deleted";
}

// The backend's loop may be busy for longer than a lease lives; the requester renews it.
TEST_F(BackendChannelTest, TheLeaseLivesAsLongAsItsRequesterWaits) {
  serve_after(kRequestLeaseMs + 2'000);
  const Status asked = channel_->request(BackendVerb::kSnapshot, "/tmp/x.duckdb", kLongTimeoutMs,
                                         BackendChannel::Wait::kReply);
  EXPECT_TRUE(asked.is_ok()) << asked.to_string();
  the_backend_.join();
  EXPECT_TRUE(took_) << "the lease lapsed while its requester waited";
}

// A Redis restarted from a truncated AOF (a chaos fault) can lose a queued request; its
// requester used to wait for the whole reply timeout (300 s in backupd).
TEST_F(BackendChannelTest, ARequestRedisLostWithItsLeaseEndsAtOnce) {
  the_backend_ = std::thread([this] {
    const std::string id = request_id(pop_command());
    (void)backend_->command({"DEL", channel_->keys().lease(id)});
  });
  const Status asked = channel_->request(BackendVerb::kSnapshot, "/tmp/x.duckdb", kLongTimeoutMs,
                                         BackendChannel::Wait::kReply);
  EXPECT_EQ(asked.code(), Code::kUnavailable) << asked.to_string();
  EXPECT_NE(asked.message().find("Redis lost"), std::string::npos) << asked.to_string();
}

TEST_F(BackendChannelTest, ARequestRedisLostWhileItsLeaseSurvivedEndsAtOnce) {
  the_backend_ = std::thread([this] { pop_command(); });  // popped and never taken
  const Status asked = channel_->request(BackendVerb::kSnapshot, "/tmp/x.duckdb", kLongTimeoutMs,
                                         BackendChannel::Wait::kReply);
  EXPECT_EQ(asked.code(), Code::kUnavailable) << asked.to_string();
  EXPECT_NE(asked.message().find("Redis lost"), std::string::npos) << asked.to_string();
  EXPECT_EQ(keys_left(), std::vector<std::string>{}) << "the lease is deleted";
}

TEST_F(BackendChannelTest, ARequestNobodyTookIsWithdrawnWithItsLease) {
  const Status asked =
      channel_->request(BackendVerb::kSnapshot, "/tmp/x.duckdb", 1'000, BackendChannel::Wait::kReply);
  EXPECT_EQ(asked.code(), Code::kTimeout) << asked.to_string();
  EXPECT_EQ(keys_left(), std::vector<std::string>{}) << "the command and its lease are gone";
}

// A requester that cannot reach Redis gives up once its lease has lapsed; it could not
// withdraw the command, so the backend drops it (BackendSnapshotTest covers that side).
TEST_F(BackendChannelTest, ARequesterGivesUpOnARedisGoneForALeaseTime) {
  the_backend_ = std::thread([this] {
    for (int i = 0; i < 500; ++i) {
      auto queued = backend_->command({"LLEN", channel_->keys().commands()});
      if (queued && queued->integer > 0) break;
      sleep_ms(20);
    }
    testkit::stack_run("kill redis");
  });
  redis_killed_ = true;
  const Status asked = channel_->request(BackendVerb::kSnapshot, "/tmp/x.duckdb", kLongTimeoutMs,
                                         BackendChannel::Wait::kReply);
  EXPECT_EQ(asked.code(), Code::kUnavailable) << asked.to_string();
  EXPECT_NE(asked.message().find("Redis unreachable"), std::string::npos) << asked.to_string();
}

// A backend killed with kill -9 leaves its heartbeat for seconds; its liveness lease
// names a process that is gone, and the requester stops waiting at once.
TEST_F(BackendChannelTest, ARequestEndsAtOnceWhenTheBackendsProcessIsGone) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  auto self = ProcessIdentity::self();
  ASSERT_TRUE(self.is_ok()) << self.status().to_string();
  ProcessIdentity gone = *self;
  gone.pid = child;  // a process that ran here and is no more
  alive_.reset();    // this process stops playing the backend's
  ASSERT_TRUE(backend_->command({"SET", channel_->keys().alive(), gone.to_json(), "PX", "600000"}).is_ok());
  auto running = channel_->backend_running();
  ASSERT_TRUE(running.is_ok()) << running.status().to_string();
  EXPECT_FALSE(*running) << "a heartbeat without a live process is no running backend";
  int polls = 0;
  const Status asked = channel_->request(BackendVerb::kRestoreDuckdb, "/tmp/x.duckdb", kLongTimeoutMs,
                                         BackendChannel::Wait::kReply, [&polls](int64_t) { ++polls; });
  EXPECT_EQ(asked.code(), Code::kUnavailable) << asked.to_string();
  EXPECT_NE(asked.message().find("process is gone"), std::string::npos) << asked.to_string();
  EXPECT_EQ(polls, 0) << "the first poll saw the process gone";
  EXPECT_EQ(keys_left(), std::vector<std::string>{}) << "the request is withdrawn";
}

// Elsewhere than on the backend's machine only the lease's lapse can tell.
TEST_F(BackendChannelTest, ARequestEndsWhenTheLeaseOfARemoteBackendLapses) {
  alive_.reset();
  auto self = ProcessIdentity::self();
  ASSERT_TRUE(self.is_ok()) << self.status().to_string();
  ProcessIdentity remote = *self;
  remote.boot_id = "another machine";
  ASSERT_TRUE(backend_->command({"SET", channel_->keys().alive(), remote.to_json(), "PX", "1000"}).is_ok());
  auto running = channel_->backend_running();
  ASSERT_TRUE(running.is_ok() && *running) << "a remote backend's lease vouches for it while it lives";
  const Status asked = channel_->request(BackendVerb::kRestoreDuckdb, "/tmp/x.duckdb", kLongTimeoutMs,
                                         BackendChannel::Wait::kReply);
  EXPECT_EQ(asked.code(), Code::kUnavailable) << asked.to_string();
  EXPECT_NE(asked.message().find("process is gone"), std::string::npos) << asked.to_string();
}

}  // namespace
}  // namespace mtg
