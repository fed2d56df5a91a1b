// One instance's JSON document: symbol_map, and integers read without narrowing.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace mtg {
namespace {

// An instance document with `extra` (raw JSON members, may be "") after its required keys.
std::string instance_with(const std::string& extra) {
  std::string text = R"({"id":"demo-1","token":"0123456789abcdef0123","symbols":["EURUSD","XAUUSD"])";
  if (!extra.empty()) text += "," + extra;
  return text + "}";
}

// The error of parsing the document ("" when it parsed).
std::string error_of(const std::string& text) {
  auto inst = parse_instance(text, "x.json");
  if (inst) return "";
  EXPECT_EQ(inst.status().code(), Code::kInvalidArgument);
  return inst.status().message();
}

TEST(InstanceSymbolMap, MapsCanonicalNamesToTheBrokersAndBack) {
  auto inst =
      parse_instance(instance_with(R"("symbol_map":{"EURUSD":"EURUSD.m","XAUUSD":"GOLD"})"), "x.json");
  ASSERT_TRUE(inst) << inst.status().to_string();
  EXPECT_EQ(inst->symbol_map.size(), 2U);
  EXPECT_EQ(inst->broker_symbol("EURUSD"), "EURUSD.m");
  EXPECT_EQ(inst->broker_symbol("XAUUSD"), "GOLD");
  EXPECT_EQ(inst->canonical_symbol("EURUSD.m"), "EURUSD");
  EXPECT_EQ(inst->canonical_symbol("GOLD"), "XAUUSD");
}

TEST(InstanceSymbolMap, AnUnmappedNameIsItself) {
  auto plain = parse_instance(instance_with(""), "x.json");
  ASSERT_TRUE(plain) << plain.status().to_string();
  EXPECT_TRUE(plain->symbol_map.empty());
  EXPECT_EQ(plain->broker_symbol("EURUSD"), "EURUSD");
  EXPECT_EQ(plain->canonical_symbol("EURUSD"), "EURUSD");
  auto mapped = parse_instance(instance_with(R"("symbol_map":{"EURUSD":"EURUSD.m"})"), "x.json");
  ASSERT_TRUE(mapped) << mapped.status().to_string();
  EXPECT_EQ(mapped->broker_symbol("XAUUSD"), "XAUUSD");
  EXPECT_EQ(mapped->canonical_symbol("XAUUSD"), "XAUUSD");
}

TEST(InstanceSymbolMap, RejectsWhatIsNotAMapOfNames) {
  const std::string names = "must be 1 to 32 printable ASCII characters (no spaces)";
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":["EURUSD"])")),
            "x.json: key symbol_map: expected an object of canonical name -> broker name");
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":7})")),
            "x.json: key symbol_map.EURUSD: " + names);
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":""})")),
            "x.json: key symbol_map.EURUSD: " + names);
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":"EUR USD"})")),
            "x.json: key symbol_map.EURUSD: " + names);
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":")" + std::string(33, 'E') + "\"}")),
            "x.json: key symbol_map.EURUSD: " + names);
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":"EUR\u00e9"})")),
            "x.json: key symbol_map.EURUSD: " + names);
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"":"EURUSD.m"})")),
            "x.json: key symbol_map: a canonical name " + names);
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EUR\nUSD":"EURUSD.m"})")),
            "x.json: key symbol_map: a canonical name " + names);
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":")" + std::string(32, 'E') + "\"}")), "");
}

TEST(InstanceSymbolMap, RejectsAMapUnderWhichTwoNamesMeetAtTheBroker) {
  // Both map to GOLD: a position in GOLD could not be told apart.
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":"GOLD","XAUUSD":"GOLD"})")),
            "x.json: key symbol_map: EURUSD and XAUUSD would both be GOLD at the broker");
  // XAUUSD is sent as itself, and EURUSD is sent as XAUUSD too.
  EXPECT_EQ(error_of(instance_with(R"("symbol_map":{"EURUSD":"XAUUSD"})")),
            "x.json: key symbol_map: EURUSD and XAUUSD would both be XAUUSD at the broker");
  // A swap is a valid mapping: each name still reaches the broker as one name.
  auto swapped =
      parse_instance(instance_with(R"("symbol_map":{"EURUSD":"XAUUSD","XAUUSD":"EURUSD"})"), "x.json");
  ASSERT_TRUE(swapped) << swapped.status().to_string();
  EXPECT_EQ(swapped->canonical_symbol("XAUUSD"), "EURUSD");
}

TEST(InstanceIntegers, AnIntegerTooWideForItsKeyIsRejectedNotNarrowed) {
  // 4294967346 = 2^32 + 50: narrowed to an int it would read as a latency of 50 ms.
  EXPECT_EQ(error_of(instance_with(R"("sim":{"latency_ms_min":4294967346,"latency_ms_max":4294967346})")),
            "x.json: key sim.latency_ms_min: out of range: 4294967346");
  EXPECT_EQ(error_of(instance_with(R"("sim":{"latency_ms_max":-4294967246})")),
            "x.json: key sim.latency_ms_max: out of range: -4294967246");
  EXPECT_EQ(error_of(instance_with(R"("sim":{"latency_ms_max":18446744073709551615})")),
            "x.json: key sim.latency_ms_max: out of range: 18446744073709551615");
  // A negative seed would wrap to 2^64 - 1.
  EXPECT_EQ(error_of(instance_with(R"("sim":{"seed":-1})")), "x.json: key sim.seed: out of range: -1");
  auto wide = parse_instance(
      instance_with(R"("sim":{"seed":18446744073709551615,"latency_ms_max":2147483647})"), "x.json");
  ASSERT_TRUE(wide) << wide.status().to_string();
  EXPECT_EQ(wide->sim.seed, 18446744073709551615U);
  EXPECT_EQ(wide->sim.latency_ms_max, 2147483647);
}

}  // namespace
}  // namespace mtg
