// deploy/prometheus/ on real processes: a real Prometheus (Debian's, on a loopback port,
// scraping and evaluating every second) reads the shipped example configuration, pointed
// at this test's engine, backend and backupd, and the shipped rules; with ClickHouse
// killed the backend's sync suspends after max_attempts failures, and the alert
// MtguardSyncSuspended goes pending, then fires once its `for:` has passed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "integration/system.h"
#include "testkit/eventually.h"
#include "testkit/http_get.h"
#include "testkit/metrics_text.h"
#include "testkit/ports.h"
#include "testkit/process.h"
#include "testkit/stack.h"
#include "testkit/temp_dir.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testkit::eventually;

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr int kWaitMs = 120'000;  // bounds a wait, never a promise about speed

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `text` with its one `from` replaced by `to`; a test failure when `from` is not there.
std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "deploy/prometheus/prometheus.yml no longer holds '" << from << "'";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string port_of(const std::string& metrics_url) {
  const size_t colon = metrics_url.rfind(':');
  return metrics_url.substr(colon + 1, metrics_url.find('/', colon) - colon - 1);
}

class PrometheusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testkit::stack_available() || !testkit::stack_controllable())
      GTEST_SKIP() << "needs scripts/stack (MTG_CONFIG)";
    if (!std::filesystem::exists(kPrometheus))
      GTEST_SKIP() << "no " << kPrometheus << " (scripts/setup installs it)";
    testkit::SystemOptions options;
    options.instance_prefix = testkit::fresh_instance_prefix("prom");
    // Five quick failures suspend the sync; it stays suspended (no probe) until resumed.
    options.extra_toml = "[backend]\nretry_interval_ms = 300\nmax_attempts = 5\nauto_resume_after_ms = 0\n";
    sys_ = std::make_unique<testkit::System>(options);
    ASSERT_TRUE(sys_->create_master_key().is_ok());
  }

  void TearDown() override {
    if (clickhouse_killed_) testkit::stack_run("start clickhouse");
    if (prometheus_) prometheus_->stop();
  }

  // The shipped example configuration with this test's ports, the rules by absolute
  // path, and a scrape and evaluation every second.
  std::string prometheus_config() const {
    const std::string deploy = testkit::source_dir() + "/deploy/prometheus/";
    std::string yml = read_file(deploy + "prometheus.yml");
    yml = replace_once(yml, "scrape_interval: 15s", "scrape_interval: 1s");
    yml = replace_once(yml, "evaluation_interval: 15s", "evaluation_interval: 1s");
    yml = replace_once(yml, "- mtguard-rules.yml", "- " + deploy + "mtguard-rules.yml");
    yml = replace_once(yml, "127.0.0.1:9460", "127.0.0.1:" + port_of(sys_->metrics_url("engine")));
    yml = replace_once(yml, "127.0.0.1:9461", "127.0.0.1:" + port_of(sys_->metrics_url("backend")));
    yml = replace_once(yml, "127.0.0.1:9462", "127.0.0.1:" + port_of(sys_->metrics_url("backupd")));
    return yml;
  }

  void start_prometheus() {
    const std::string config = data_.write("prometheus.yml", prometheus_config());
    api_ = "http://127.0.0.1:" + std::to_string(testkit::free_port());
    prometheus_ = std::make_unique<testkit::Process>(
        std::vector<std::string>{kPrometheus, "--config.file=" + config,
                                 "--storage.tsdb.path=" + data_.file("tsdb"),
                                 "--web.listen-address=" + api_.substr(7), "--log.level=warn"},
        sys_->file("prometheus.log"));
    ASSERT_TRUE(eventually(
        [&] {
          auto ready = testkit::http_get(api_ + "/-/ready");
          return ready && ready->status == 200;
        },
        kWaitMs))
        << sys_->log_tail(sys_->file("prometheus.log"));
  }

  // GET api_ + path as JSON; null when Prometheus does not answer with a success.
  nlohmann::json api(const std::string& path) const {
    auto answer = testkit::http_get(api_ + path);
    if (!answer || answer->status != 200) return nullptr;
    auto j = nlohmann::json::parse(answer->body, nullptr, false);
    if (j.is_discarded() || j.value("status", "") != "success") return nullptr;
    return j["data"];
  }

  // The state of alert `name` ("pending", "firing"), "" when it is not active.
  std::string alert_state(const std::string& name) const {
    const nlohmann::json data = api("/api/v1/alerts");
    if (data.is_null()) return "";
    for (const auto& a : data["alerts"]) {
      if (a["labels"].value("alertname", "") == name) return a.value("state", "");
    }
    return "";
  }

  // Targets Prometheus scraped successfully at its last scrape.
  int targets_up() const {
    const nlohmann::json data = api("/api/v1/targets?state=active");
    if (data.is_null()) return -1;
    int up = 0;
    for (const auto& t : data["activeTargets"]) up += t.value("health", "") == "up";
    return up;
  }

  std::unique_ptr<testkit::System> sys_;
  testkit::TempDir data_;
  std::string api_;
  std::unique_ptr<testkit::Process> prometheus_;
  bool clickhouse_killed_ = false;
};

TEST_F(PrometheusTest, TheSyncSuspendedAlertFiresWhenClickHouseStaysAway) {
  sys_->start_engine();
  sys_->start_sims();
  sys_->start_backend();
  sys_->start_backupd();
  start_prometheus();
  ASSERT_TRUE(eventually([&] { return targets_up() == 3; }, kWaitMs)) << api("/api/v1/targets").dump();
  EXPECT_EQ(alert_state("MtguardSyncSuspended"), "");

  testkit::stack_run("kill clickhouse");
  clickhouse_killed_ = true;
  std::vector<std::string> payloads;
  std::set<std::string> uuids;
  for (int i = 0; i < 20; ++i) {
    const std::string uuid = testkit::System::new_uuid();
    uuids.insert(uuid);
    payloads.push_back(sys_->signal(uuid, i % 3, 0.1, SystemClock::instance().now_ms()));
  }
  sys_->submit(payloads);
  ASSERT_TRUE(sys_->wait_final(uuids, kWaitMs)) << sys_->log_tail(sys_->engine().log_path());

  ASSERT_TRUE(eventually([&] { return alert_state("MtguardSyncSuspended") == "firing"; }, kWaitMs))
      << sys_->log_tail(sys_->file("backend.log"));
  // Pending first, as Prometheus itself recorded: the suspension had to last the rule's
  // `for:` before it fired.
  const nlohmann::json pending =
      api("/api/v1/query?query=count_over_time(ALERTS%7Balertname%3D%22MtguardSyncSuspended%22%2C"
          "alertstate%3D%22pending%22%7D%5B10m%5D)");
  ASSERT_FALSE(pending.is_null());
  ASSERT_EQ(pending["result"].size(), 1u) << pending.dump();
  EXPECT_GT(std::stod(pending["result"][0]["value"][1].get<std::string>()), 0.0) << pending.dump();
  const nlohmann::json data = api("/api/v1/alerts");
  ASSERT_FALSE(data.is_null());
  int firing = 0;
  for (const auto& a : data["alerts"]) {
    if (a["labels"].value("alertname", "") != "MtguardSyncSuspended") continue;
    ++firing;
    EXPECT_EQ(a["labels"].value("severity", ""), "critical");
    EXPECT_EQ(a["labels"].value("job", ""), "mtguard-backend");
  }
  EXPECT_EQ(firing, 1);
  // The backend counted the notification it sent.
  auto backend = testkit::http_get(sys_->metrics_url("backend"));
  ASSERT_TRUE(backend.is_ok()) << backend.status().to_string();
  auto text = testkit::MetricsText::parse(backend->body);
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  EXPECT_EQ(text->value("mtguard_notifications_total", {{"kind", "sync_suspended"}, {"severity", "critical"}}), 1.0)
      << backend->body;
}

}  // namespace
}  // namespace mtg
