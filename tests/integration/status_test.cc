// `mtguard status` against the real stack: all ok, then each server killed for real
// (kill -9) is reported, and a bad configuration file is a one-line error.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "testkit/stack.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandRun run(const std::string& args) {
  CommandRun r;
  FILE* p = popen((std::string(MTG_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), p) != nullptr) r.output += buf.data();
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string status_args() { return "status --config " + std::string(std::getenv("MTG_CONFIG")); }

// The table row of one store, e.g. "redis  127.0.0.1:17379  7.0.15  ok".
std::string row(const std::string& output, const std::string& store) {
  const auto at = output.find("\n" + store + " ");
  if (at == std::string::npos) return "";
  return output.substr(at + 1, output.find('\n', at + 1) - at - 1);
}

TEST(StatusTest, AllFourStoresOkWhenTheStackIsUp) {
  MTG_REQUIRE_STACK();
  CommandRun r = run(status_args());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* store : {"redis", "postgres", "clickhouse", "duckdb"}) {
    const std::string line = row(r.output, store);
    EXPECT_NE(line.find(" ok"), std::string::npos) << store << ": " << r.output;
  }
  for (const char* instance : {"demo-1", "demo-2", "demo-3"}) {
    EXPECT_NE(row(r.output, instance), "") << instance << ": " << r.output;
  }
  CommandRun json = run(status_args() + " --json");
  EXPECT_EQ(json.exit_code, 0);
  auto doc = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.output;
  ASSERT_EQ(doc["stores"].size(), 4U) << json.output;
  for (const auto& store : doc["stores"]) EXPECT_EQ(store["state"], "ok") << json.output;
  ASSERT_EQ(doc["instances"].size(), 3U) << json.output;
  for (const auto& instance : doc["instances"]) EXPECT_TRUE(instance.contains("attempts")) << json.output;
}

// Found with the read-only open of the DuckDB file: `mtguard status` created the file
// when it was missing, so that a backend which had lost it would find an empty file
// and restore nothing. A missing file with no backend running is reported (the backend
// creates it or restores it) and stays missing.
TEST(StatusTest, AMissingDuckdbFileIsReportedAndNeverCreated) {
  MTG_REQUIRE_STACK();
  const Config& stack = testkit::stack_config();
  testkit::TempDir dir;
  const std::string duckdb = dir.file("data/mtguard.duckdb");
  const std::string config = dir.write(
      "mtguard.toml", "[redis]\nport = " + std::to_string(stack.redis.port) + "\nprefix = \"status-missing:\"\n" +
                          "[postgres]\nport = " + std::to_string(stack.postgres.port) + "\n" +
                          "[clickhouse]\nhttp_port = " + std::to_string(stack.clickhouse.http_port) + "\n" +
                          "[duckdb]\npath = \"" + duckdb + "\"\n[instances]\ndir = \"" + stack.instances_dir + "\"\n");
  CommandRun r = run("status --config " + config);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string line = row(r.output, "duckdb");
  EXPECT_NE(line.find("no file yet"), std::string::npos) << r.output;
  EXPECT_NE(line.find(" ok"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(duckdb)) << "status created the DuckDB file";
  EXPECT_FALSE(std::filesystem::exists(dir.file("data"))) << "status created the DuckDB file's directory";
}

// [redis] durability = "always" promises that an acknowledged signal is on disk: a Redis
// that runs with appendfsync everysec breaks that promise and is reported as an error.
TEST(StatusTest, ARedisThatKeepsLessThanTheConfiguredDurabilityIsAnError) {
  MTG_REQUIRE_STACK();
  const Config& stack = testkit::stack_config();
  if (stack.redis.durability == RedisDurability::kAlways) GTEST_SKIP() << "the stack's Redis runs appendfsync always";
  testkit::TempDir dir;
  const std::string config = dir.write(
      "mtguard.toml", "[redis]\nport = " + std::to_string(stack.redis.port) + "\ndurability = \"always\"\n" +
                          "[postgres]\nport = " + std::to_string(stack.postgres.port) + "\n" +
                          "[clickhouse]\nhttp_port = " + std::to_string(stack.clickhouse.http_port) + "\n" +
                          "[duckdb]\npath = \"" + dir.file("mtguard.duckdb") + "\"\n[instances]\ndir = \"" +
                          stack.instances_dir + "\"\n");
  CommandRun r = run("status --config " + config);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(row(r.output, "redis").find("error: failed precondition: [redis] durability is \"always\" but Redis runs "
                                        "with appendfsync everysec"),
            std::string::npos)
      << r.output;
  CommandRun plain = run(status_args());
  EXPECT_NE(row(plain.output, "redis").find("(appendfsync everysec)"), std::string::npos) << plain.output;
}

class StatusKillTest : public ::testing::TestWithParam<const char*> {};

TEST_P(StatusKillTest, ReportsTheKilledServerAndRecoversAfterStart) {
  MTG_REQUIRE_STACK();
  ASSERT_TRUE(testkit::stack_controllable());
  const std::string server = GetParam();
  testkit::stack_run("kill " + server);
  CommandRun down = run(status_args());
  testkit::stack_run("start " + server);
  EXPECT_EQ(down.exit_code, 1) << down.output;
  EXPECT_NE(row(down.output, server).find("error"), std::string::npos) << down.output;
  CommandRun up = run(status_args());
  EXPECT_EQ(up.exit_code, 0) << up.output;
}

INSTANTIATE_TEST_SUITE_P(EachServer, StatusKillTest, ::testing::Values("redis", "postgres", "clickhouse"));

TEST(StatusTest, MalformedConfigIsAOneLineErrorNamingFileAndKey) {
  testkit::TempDir dir;
  const std::string path = dir.write("bad.toml", "[redis]\nport = \"not a number\"\n");
  CommandRun r = run("status --config " + path);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.output, "mtguard: " + path + ": key redis.port: expected an integer\n");
  const std::string syntax = dir.write("syntax.toml", "[redis\n");
  CommandRun s = run("status --config " + syntax);
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.output.find(syntax + ":1:"), std::string::npos) << s.output;
  EXPECT_EQ(std::count(s.output.begin(), s.output.end(), '\n'), 1) << s.output;
}

}  // namespace
}  // namespace mtg
