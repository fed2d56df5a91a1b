// The stack's Redis on a stalled disk, for integration tests of the durability contract
// (docs/requirements.md "Durability"): restarted by scripts/stack with every fsync and
// fdatasync delayed (tests/fixtures/slow_fsync.c, MTG_REDIS_SLOW_FSYNC_MS) and a given
// appendfsync, then crashed with kill -9 and started again on a sound disk. Tests that
// use it need stack_controllable() (they kill the stack's own Redis).
#pragma once

#include <string>

namespace mtg::testkit {

class StalledRedis {
 public:
  // Restarts the stack's Redis with every fsync delayed fsync_delay_ms (> 0) and
  // appendfsync `durability` ("everysec" or "always").
  StalledRedis(int fsync_delay_ms, const std::string& durability);
  // Crashes the stalled Redis and starts it sound, unless crash_and_restart() did.
  ~StalledRedis();
  StalledRedis(const StalledRedis&) = delete;
  StalledRedis& operator=(const StalledRedis&) = delete;

  // kill -9 of the stalled Redis, then `scripts/stack start redis` on a sound disk with
  // the stack's own durability: what it had written to its AOF is all that is left.
  void crash_and_restart();

 private:
  bool stalled_ = true;
};

}  // namespace mtg::testkit
