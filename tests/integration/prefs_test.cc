// User preferences on the real Redis of scripts/stack (private key prefix): the
// `mtguard prefs` commands keep the hash and its JSON file in agreement, bad input is
// refused with a reason, and a lost hash is re-seeded from the file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "integration/system.h"
#include "prefs/prefs_file.h"
#include "prefs/prefs_store.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

class PrefsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    sys_ = std::make_unique<testkit::System>();
  }

  CliRun cli(const std::string& args) {
    const std::string command = std::string(MTG_BINARY) + " --config " + sys_->config_path() + " " + args + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    CliRun run;
    if (pipe == nullptr) return run;
    char buf[4096];
    for (size_t n = 0; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) run.output.append(buf, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }
  std::map<std::string, std::string> hash() {
    auto reply = sys_->redis().command({"HGETALL", sys_->config().redis.prefix + "prefs"});
    EXPECT_TRUE(reply.is_ok());
    std::map<std::string, std::string> out;
    for (size_t i = 0; reply && i + 1 < reply->elements.size(); i += 2) {
      out[reply->elements[i].str] = reply->elements[i + 1].str;
    }
    return out;
  }
  std::map<std::string, std::string> file() {
    auto f = read_prefs_file(sys_->config().prefs_file);
    EXPECT_TRUE(f.is_ok()) << f.status().to_string();
    return f ? *f : std::map<std::string, std::string>{};
  }

  std::unique_ptr<testkit::System> sys_;
};

TEST_F(PrefsTest, CliChangesKeepTheHashAndTheFileInAgreement) {
  EXPECT_EQ(cli("prefs set signal.default_ttl_ms 20000").exit_code, 0);
  EXPECT_EQ(cli("prefs set notify.webhook_urls '[\"http://127.0.0.1:9/hook\"]'").exit_code, 0);
  CliRun capped = cli("prefs set instance.demo-1.max_volume 50");
  EXPECT_EQ(capped.exit_code, 0);
  EXPECT_NE(capped.output.find("changes nothing"), std::string::npos) << capped.output;  // config max is 10
  EXPECT_EQ(cli("prefs set backup.duckdb.interval_s 30").exit_code, 0);
  const std::map<std::string, std::string> expected = {{"backup.duckdb.interval_s", "30"},
                                                       {"instance.demo-1.max_volume", "50"},
                                                       {"notify.webhook_urls", R"(["http://127.0.0.1:9/hook"])"},
                                                       {"signal.default_ttl_ms", "20000"}};
  EXPECT_EQ(hash(), expected);
  EXPECT_EQ(file(), expected);

  CliRun got = cli("prefs get signal.default_ttl_ms");
  EXPECT_EQ(got.exit_code, 0);
  EXPECT_EQ(got.output, "20000\n");
  CliRun listed = cli("prefs list --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  const auto rows = nlohmann::json::parse(listed.output);
  ASSERT_EQ(rows.size(), expected.size());
  EXPECT_EQ(rows[0]["key"], "backup.duckdb.interval_s");
  EXPECT_EQ(rows[0]["value"], "30");

  EXPECT_EQ(cli("prefs unset backup.duckdb.interval_s").exit_code, 0);
  EXPECT_EQ(hash().count("backup.duckdb.interval_s"), 0u);
  EXPECT_EQ(file(), hash());
}

TEST_F(PrefsTest, BadKeysAndValuesExitOneWithTheReasonAndWriteNothing) {
  ASSERT_EQ(cli("prefs set signal.default_ttl_ms 20000").exit_code, 0);
  CliRun unknown = cli("prefs set colour blue");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("unknown preference key 'colour'"), std::string::npos) << unknown.output;
  CliRun bad = cli("prefs set signal.default_ttl_ms 0");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("1..86400000"), std::string::npos) << bad.output;
  CliRun bare = cli("prefs set notify.webhook_urls http://127.0.0.1:9/x");  // a string, not an array
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_NE(bare.output.find("array"), std::string::npos) << bare.output;
  EXPECT_EQ(cli("prefs get colour").exit_code, 1);
  EXPECT_EQ(cli("prefs unset backup.redis.interval_s").exit_code, 1);
  const std::map<std::string, std::string> only = {{"signal.default_ttl_ms", "20000"}};
  EXPECT_EQ(hash(), only);
  EXPECT_EQ(file(), only);
}

TEST_F(PrefsTest, LostHashIsReseededFromTheFile) {
  ASSERT_EQ(cli("prefs set signal.default_ttl_ms 25000").exit_code, 0);
  ASSERT_EQ(cli("prefs set instance.demo-2.max_volume 0.5").exit_code, 0);
  const auto before = hash();
  ASSERT_EQ(before.size(), 2u);
  ASSERT_TRUE(sys_->redis().command({"DEL", sys_->config().redis.prefix + "prefs"}).is_ok());
  ASSERT_TRUE(hash().empty());

  PrefsStore store(sys_->redis(), sys_->config().redis.prefix, sys_->config().prefs_file);
  auto prefs = store.load();
  ASSERT_TRUE(prefs.is_ok()) << prefs.status().to_string();
  EXPECT_EQ(prefs->default_ttl_ms, 25000);
  EXPECT_EQ(prefs->max_volume.at("demo-2"), 0.5);
  EXPECT_EQ(hash(), before);
  EXPECT_EQ(file(), before);
}

}  // namespace
}  // namespace mtg
