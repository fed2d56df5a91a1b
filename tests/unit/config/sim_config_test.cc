// An instance's "sim" object: every knob of the simulated broker read and checked, and
// integers refused when they do not fit their key.
#include <gtest/gtest.h>

#include "config/config.h"

namespace mtg {
namespace {

Result<InstanceConfig> with_sim(const std::string& sim) {
  return parse_instance(R"({"id":"a","token":"0123456789abcdef","symbols":[],"sim":)" + sim + "}", "a.json");
}

TEST(SimConfigTest, ReadsEveryKnob) {
  auto inst = with_sim(R"({"seed":18446744073709551615,"account":"hedging","symbol_suffix":".m",
      "filling":"ioc","symbol_filling":{"XAUUSD.m":["fok","return"]},"market_closed_prob":0.1,
      "link_drop_after_fill_prob":0.2,"slow_result_prob":0.3,"slow_result_ms":7000,
      "timeout_after_fill_prob":0.4,"latency_ms_min":1,"latency_ms_max":9})");
  ASSERT_TRUE(inst.is_ok()) << inst.status().to_string();
  const SimConfig& s = inst->sim;
  EXPECT_EQ(s.seed, UINT64_MAX);
  EXPECT_EQ(s.account, "hedging");
  EXPECT_EQ(s.symbol_suffix, ".m");
  EXPECT_EQ(s.filling, "ioc");
  EXPECT_EQ(s.symbol_filling.at("XAUUSD.m"), (std::vector<std::string>{"fok", "return"}));
  EXPECT_EQ(s.market_closed_prob, 0.1);
  EXPECT_EQ(s.link_drop_after_fill_prob, 0.2);
  EXPECT_EQ(s.slow_result_prob, 0.3);
  EXPECT_EQ(s.slow_result_ms, 7000);
  EXPECT_EQ(s.timeout_after_fill_prob, 0.4);
  EXPECT_EQ(s.latency_ms_max, 9);
  EXPECT_TRUE(check_sim_config(s).is_ok());
}

TEST(SimConfigTest, DefaultsNeedNoSimObject) {
  auto inst = parse_instance(R"({"id":"a","token":"0123456789abcdef","symbols":[]})", "a.json");
  ASSERT_TRUE(inst.is_ok());
  EXPECT_EQ(inst->sim.filling, "fok");
  EXPECT_TRUE(inst->sim.symbol_filling.empty());
  EXPECT_EQ(inst->sim.slow_result_ms, 6000);
  EXPECT_TRUE(check_sim_config(inst->sim).is_ok());
}

TEST(SimConfigTest, AnIntegerThatDoesNotFitItsKeyIsRefusedNotNarrowed) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"latency_ms_max":4294967301})", "a.json: key sim.latency_ms_max: out of range: 4294967301"},
      {R"({"seed":-1})", "a.json: key sim.seed: out of range: -1"},
      {R"({"slow_result_ms":1e3})", "a.json: key sim.slow_result_ms: expected an integer"},
      {R"({"slow_result_ms":600001})", "a.json: key sim.slow_result_ms: must be within [0, 600000]"},
  };
  for (const auto& [sim, message] : cases) {
    auto inst = with_sim(sim);
    ASSERT_FALSE(inst.is_ok()) << sim;
    EXPECT_EQ(inst.status().message(), message);
  }
}

TEST(SimConfigTest, BadKnobsAreNamed) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"filling":"all"})", "a.json: key sim.filling: must be fok, ioc or return"},
      {R"({"symbol_filling":{"EURUSD":["fok","any"]}})",
       "a.json: key sim.symbol_filling.EURUSD: modes must be fok, ioc or return"},
      {R"({"symbol_filling":{"EURUSD":"fok"}})", "a.json: key sim.symbol_filling.EURUSD: expected an array of strings"},
      {R"({"market_closed_prob":1.5})", "a.json: key sim.market_closed_prob: must be within [0, 1]"},
      {R"({"symbol_suffix":"12345678901234567"})", "a.json: key sim.symbol_suffix: at most 16 characters"},
      {R"({"account":"cash"})", "a.json: key sim.account: must be netting or hedging"},
      {R"({"reject_prob":0.6,"requote_prob":0.6})",
       "a.json: key sim.reject_prob: partial_fill_prob + requote_prob + reject_prob add up to more than 1"},
  };
  for (const auto& [sim, message] : cases) {
    auto inst = with_sim(sim);
    ASSERT_FALSE(inst.is_ok()) << sim;
    EXPECT_EQ(inst.status().message(), message);
  }
}

}  // namespace
}  // namespace mtg
