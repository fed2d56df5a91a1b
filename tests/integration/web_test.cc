// `mtguard web` on the real stack, looked at by a real headless Chromium: during a
// workload on three simulated instances the page lists them connected and shows the
// latest results; a screenshot is kept under build/test-artifacts/. Also: /api/status
// answers JSON, a token set is a token required, and a non-loopback address without
// one is refused before anything listens.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "integration/system.h"
#include "integration/workload.h"
#include "overview/system_overview.h"
#include "testkit/eventually.h"
#include "testkit/http_get.h"
#include "testkit/ports.h"
#include "testkit/process.h"
#include "testkit/shell.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

using testkit::eventually;

constexpr int kWaitMs = 120'000;
constexpr int kChromiumTimeoutS = 120;

// build/test-artifacts/, beside the mtguard binary.
std::filesystem::path artifacts_dir() {
  auto dir = std::filesystem::path(MTG_BINARY).parent_path() / "test-artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

// Headless Chromium with its own profile: `--dump-dom` or `--screenshot=…`.
testkit::ShellResult chromium(const std::string& flags, const std::string& url, const std::string& profile) {
  return testkit::run_shell("timeout " + std::to_string(kChromiumTimeoutS) +
                            " chromium --headless --no-sandbox --disable-gpu --user-data-dir=" + profile + " " +
                            flags + " '" + url + "' 2>/dev/null");
}

// The rows of <table id="KEY"> in a serialized DOM, each a list of its cells' text.
std::vector<std::vector<std::string>> table_rows(const std::string& dom, const std::string& key) {
  std::vector<std::vector<std::string>> rows;
  const auto start = dom.find("<table id=\"" + key + "\"");
  if (start == std::string::npos) return rows;
  const std::string table = dom.substr(start, dom.find("</table>", start) - start);
  static const std::regex row_re("<tr>(.*?)</tr>");
  static const std::regex cell_re("<td[^>]*>(.*?)</td>");
  for (std::sregex_iterator r(table.begin(), table.end(), row_re), end; r != end; ++r) {
    const std::string row = (*r)[1];
    std::vector<std::string> cells;
    for (std::sregex_iterator c(row.begin(), row.end(), cell_re); c != end; ++c) cells.push_back((*c)[1]);
    if (!cells.empty()) rows.push_back(std::move(cells));
  }
  return rows;
}

nlohmann::json api_status(const std::string& url) {
  auto answer = testkit::http_get(url + "api/status");
  if (!answer || answer->status != 200) return nlohmann::json::object();
  return nlohmann::json::parse(answer->body, nullptr, false);
}

bool all_connected(const nlohmann::json& status, size_t instances) {
  if (!status.contains("instances") || status["instances"].size() != instances) return false;
  for (const auto& row : status["instances"]) {
    if (row.value("connected", "") != "yes") return false;
  }
  return true;
}

class WebTest : public ::testing::Test {
 protected:
  void SetUp() override { MTG_REQUIRE_STACK(); }
};

TEST_F(WebTest, ChromiumSeesThreeConnectedInstancesAndTheLatestResultsDuringAWorkload) {
  ASSERT_EQ(testkit::run_shell("command -v chromium").exit_code, 0) << "chromium is not installed (scripts/setup)";
  testkit::System sys;
  sys.start_engine();
  sys.start_sims();
  sys.start_backend();
  sys.start_web();
  ASSERT_TRUE(eventually([&] { return all_connected(api_status(sys.web_url()), 3); }, kWaitMs))
      << api_status(sys.web_url()).dump() << sys.log_tail(sys.file("web.log"));

  testkit::Workload work(sys, 24);
  ASSERT_TRUE(work.submit(work.batch(60)));
  ASSERT_TRUE(sys.wait_final(work.uuids(), kWaitMs)) << sys.log_tail(sys.engine().log_path());
  ASSERT_TRUE(work.submit(work.batch(30)));  // still running while the browser looks
  const std::vector<TradeResult> results = sys.results();
  ASSERT_FALSE(results.empty());

  const std::string profile = sys.file("chromium-profile");
  const auto dump = chromium("--dump-dom", sys.web_url(), profile);
  ASSERT_EQ(dump.exit_code, 0) << dump.output;
  const auto instances = table_rows(dump.output, "instances");
  ASSERT_EQ(instances.size(), 3u) << dump.output;
  for (int i = 0; i < 3; ++i) {
    ASSERT_GE(instances[static_cast<size_t>(i)].size(), 4u);
    EXPECT_EQ(instances[static_cast<size_t>(i)][0], sys.instance_id(i));
    EXPECT_EQ(instances[static_cast<size_t>(i)][2], "yes") << "connected";
    EXPECT_EQ(instances[static_cast<size_t>(i)][3], "up") << "broker";
  }
  // The page lists the newest results of RTRS, newest first: every uuid on it has a
  // result in RTRS, and the newest result before the page was taken is among them.
  const auto shown = table_rows(dump.output, "results");
  ASSERT_FALSE(shown.empty()) << dump.output;
  std::set<std::string> known;
  for (const TradeResult& r : results) known.insert(r.uuid);
  for (const auto& row : shown) EXPECT_TRUE(known.count(row[0]) == 1 || work.uuids().count(row[0]) == 1) << row[0];
  std::set<std::string> on_page;
  for (const auto& row : shown) on_page.insert(row[0]);
  EXPECT_TRUE(on_page.count(results.back().uuid) == 1 ||
              shown.size() == static_cast<size_t>(kLatestEntries))  // newer results pushed it off
      << results.back().uuid;

  const std::filesystem::path shot = artifacts_dir() / "web-status.png";
  std::filesystem::remove(shot);
  const auto taken = chromium("--screenshot=" + shot.string() + " --window-size=1280,2400", sys.web_url(), profile);
  ASSERT_EQ(taken.exit_code, 0) << taken.output;
  std::ifstream png(shot, std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG") << shot;
  EXPECT_GT(std::filesystem::file_size(shot), 1000u);
}

TEST_F(WebTest, ApiStatusNamesEveryStoreAndTheSectionsItCouldNotRead) {
  testkit::System sys;
  sys.start_web();
  nlohmann::json status;
  ASSERT_TRUE(eventually([&] { return (status = api_status(sys.web_url())).contains("stores"); }, kWaitMs))
      << sys.log_tail(sys.file("web.log"));
  ASSERT_EQ(status["stores"].size(), 4u);
  for (const auto& row : status["stores"]) EXPECT_EQ(row.value("state", ""), "ok") << row.dump();
  EXPECT_EQ(status["instances"].size(), 3u);
  EXPECT_EQ(status["processes"][0].value("state", ""), "not running");  // no engine in this test
  EXPECT_TRUE(status["errors"].contains("sync")) << "no backend publishes a sync status";
}

TEST_F(WebTest, ATokenOnceSetIsRequiredOfEveryRequest) {
  testkit::System sys;
  const std::string token_file = sys.file("web.token");
  std::ofstream(token_file) << "t0ken-for-test\n";
  const int port = testkit::free_port();
  testkit::Process web({MTG_BINARY, "web", "--config", sys.config_path(), "--port", std::to_string(port),
                        "--token-file", token_file},
                       sys.file("web-token.log"));
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  ASSERT_TRUE(eventually([&] { return testkit::http_get(url).is_ok(); }, kWaitMs));
  EXPECT_EQ(testkit::http_get(url)->status, 401);
  EXPECT_EQ(testkit::http_get(url + "api/status")->status, 401);
  EXPECT_EQ(testkit::http_get(url + "?token=wrong")->status, 401);
  auto page = testkit::http_get(url + "?token=t0ken-for-test");
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body.find("t0ken-for-test"), std::string::npos) << "the token is never on the page";
  EXPECT_EQ(testkit::http_get(url + "api/status?token=t0ken-for-test")->status, 200);
}

TEST_F(WebTest, ANonLoopbackAddressWithoutATokenIsRefusedBeforeListening) {
  testkit::System sys;
  const auto run = testkit::run_shell(std::string(MTG_BINARY) + " web --config " + sys.config_path() +
                                      " --listen 0.0.0.0 --port " + std::to_string(testkit::free_port()));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("web.token"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace mtg
