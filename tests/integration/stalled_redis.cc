#include "integration/stalled_redis.h"

#include <cstdlib>
#include <string>

#include "testkit/stack.h"
#include "util/check.h"

namespace mtg::testkit {
namespace {

// Sets an environment variable for the life of the object (scripts/stack reads them).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

}  // namespace

StalledRedis::StalledRedis(int fsync_delay_ms, const std::string& durability) {
  MTG_CHECK(fsync_delay_ms > 0);
  MTG_CHECK(durability == "everysec" || durability == "always");
  MTG_CHECK_MSG(stack_controllable(), "a stalled Redis needs the stack of this source tree");
  stack_run("kill redis");
  const ScopedEnv lib("MTG_SLOW_FSYNC_LIB", MTG_SLOW_FSYNC_LIB);
  const ScopedEnv delay("MTG_REDIS_SLOW_FSYNC_MS", std::to_string(fsync_delay_ms));
  const ScopedEnv mode("MTG_REDIS_DURABILITY", durability);
  stack_run("start redis");
}

StalledRedis::~StalledRedis() {
  if (stalled_) crash_and_restart();
}

void StalledRedis::crash_and_restart() {
  MTG_CHECK(stalled_);
  stalled_ = false;
  stack_run("kill redis");
  stack_run("start redis");
}

}  // namespace mtg::testkit
