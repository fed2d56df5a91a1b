// examples/producer.py (docs/producers.md) against the real engine and simulators: it
// sends its signals, Redis is killed (kill -9) and started again while it waits (the
// engine is stopped meanwhile, so none is settled yet), it sends them all again, and
// every signal ends with exactly one final result, none executed twice.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "integration/system.h"
#include "testkit/shell.h"
#include "testkit/process.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

constexpr int kSignals = 60;
constexpr double kVolume = 0.01;  // the example's default

// Waits up to 30 s until RTSS holds at least n entries.
bool wait_for_entries(testkit::System& sys, int n) {
  for (int waited_ms = 0; waited_ms < 30'000; waited_ms += 100) {
    auto len = sys.redis().command({"XLEN", sys.config().redis.prefix + "rtss"});
    if (len && len->integer >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(ProducerExampleTest, ThePythonProducerGetsAFinalResultForEverySignalThroughARedisRestart) {
  MTG_REQUIRE_STACK();
  if (!testkit::stack_controllable()) GTEST_SKIP() << "needs the stack of this source tree (kills its Redis)";
  if (testkit::run_shell("python3 --version").exit_code != 0) GTEST_SKIP() << "no python3";
  testkit::System sys;
  sys.start_engine();
  sys.start_sims();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the simulators connect
  sys.engine().stop();  // the signals wait in RTSS while Redis restarts under the producer
  testkit::ShellResult run;
  std::thread producer([&] {
    run = testkit::run_shell("python3 " + testkit::source_dir() + "/examples/producer.py --port " +
                             std::to_string(sys.config().redis.port) + " --prefix '" + sys.config().redis.prefix +
                             "' --instance " + sys.instance_id(0) + " --count " + std::to_string(kSignals) +
                             " --timeout-s 120");  // its progress lines come with the results
  });
  ASSERT_TRUE(wait_for_entries(sys, kSignals)) << "the producer never sent its signals";
  testkit::stack_run("kill redis");  // on a sound disk: nothing acknowledged is lost
  testkit::stack_run("start redis");
  const bool resent = wait_for_entries(sys, 2 * kSignals);
  sys.engine().restart();
  producer.join();
  EXPECT_TRUE(resent) << run.output;
  EXPECT_NE(run.output.find("sending 60 signal(s) again"), std::string::npos) << run.output;
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::istringstream lines(run.output);
  std::map<std::string, int> printed;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;  // progress
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ++printed[j.value("uuid", "")];
  }
  ASSERT_EQ(printed.size(), static_cast<size_t>(kSignals)) << run.output;
  // A signal sent twice may be settled by its `duplicate` before its final result.
  std::set<std::string> uuids;
  for (const auto& [uuid, n] : printed) uuids.insert(uuid);
  EXPECT_TRUE(sys.wait_final(uuids, 60'000));
  std::map<std::string, int> finals;
  for (const TradeResult& r : sys.results()) {
    if (printed.count(r.uuid) != 0 && is_final(r.status)) ++finals[r.uuid];
  }
  for (const auto& [uuid, n] : printed) {
    EXPECT_EQ(n, 1) << uuid << " printed twice";
    EXPECT_EQ(finals[uuid], 1) << uuid << ": final results in RTRS";
  }
  for (const auto& [uuid, volume] : sys.ledger_volume()) EXPECT_LE(volume, kVolume + 1e-9) << uuid;
}

}  // namespace
}  // namespace mtg
