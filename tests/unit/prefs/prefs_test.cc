// Validation and decoding of each known preference key.
#include "prefs/prefs.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

void expect_invalid(const std::string& key, const std::string& value, const std::string& reason_part) {
  Status s = validate_pref(key, value);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << key << " = " << value;
  EXPECT_NE(s.message().find(reason_part), std::string::npos) << s.message();
}

TEST(ValidatePref, WebhookUrlsTakeUpToEightHttpUrls) {
  EXPECT_TRUE(validate_pref("notify.webhook_urls", R"(["http://127.0.0.1:9/x","https://hooks.example.com/a?b=c"])"));
  EXPECT_TRUE(validate_pref("notify.webhook_urls", "[]"));
  std::string nine = "[";
  for (int i = 0; i < 9; ++i) nine += std::string(i ? "," : "") + "\"http://h/" + std::to_string(i) + "\"";
  expect_invalid("notify.webhook_urls", nine + "]", "at most 8");
  expect_invalid("notify.webhook_urls", R"(["ftp://h/x"])", "http(s)");
  expect_invalid("notify.webhook_urls", R"(["http://"])", "entry 0");
  expect_invalid("notify.webhook_urls", R"(["http://h/a b"])", "entry 0");
  expect_invalid("notify.webhook_urls", R"("http://h/x")", "array");
  expect_invalid("notify.webhook_urls", R"([1])", "array");
  expect_invalid("notify.webhook_urls", "[\"http://h/" + std::string(3000, 'a') + "\"]", "entry 0");
}

TEST(ValidatePref, DefaultTtlIsAnIntegerWithinOneDay) {
  EXPECT_TRUE(validate_pref("signal.default_ttl_ms", "1"));
  EXPECT_TRUE(validate_pref("signal.default_ttl_ms", "86400000"));
  expect_invalid("signal.default_ttl_ms", "0", "1..86400000");
  expect_invalid("signal.default_ttl_ms", "86400001", "1..86400000");
  expect_invalid("signal.default_ttl_ms", "-5", "1..86400000");
  expect_invalid("signal.default_ttl_ms", "1.5", "integer");
  expect_invalid("signal.default_ttl_ms", "\"100\"", "integer");
  expect_invalid("signal.default_ttl_ms", "18446744073709551615", "integer");
}

TEST(ValidatePref, InstanceMaxVolumeIsAPositiveNumber) {
  EXPECT_TRUE(validate_pref("instance.demo-1.max_volume", "0.5"));
  EXPECT_TRUE(validate_pref("instance.a.b.max_volume", "3"));  // ids may hold dots
  expect_invalid("instance.demo-1.max_volume", "0", "> 0");
  expect_invalid("instance.demo-1.max_volume", "-1", "> 0");
  expect_invalid("instance.demo-1.max_volume", "\"1\"", "> 0");
  expect_invalid("instance..max_volume", "1", "unknown preference key");
  expect_invalid("instance." + std::string(65, 'x') + ".max_volume", "1", "64");
}

TEST(ValidatePref, BackupIntervalNamesAKnownKind) {
  for (const char* kind : kBackupKinds) {
    EXPECT_TRUE(validate_pref(std::string("backup.") + kind + ".interval_s", "60")) << kind;
  }
  expect_invalid("backup.duckdb.interval_s", "0", "integer 1..");
  expect_invalid("backup.duckdb.interval_s", "60.5", "integer 1..");
  expect_invalid("backup.tapes.interval_s", "60", "unknown backup kind 'tapes'");
}

TEST(ValidatePref, UnknownKeysAndBadJsonAreRefused) {
  expect_invalid("colour", "1", "unknown preference key 'colour'");
  expect_invalid("", "1", "1..128");
  expect_invalid("signal.default ttl", "1", "without spaces");
  expect_invalid("signal.default_ttl_ms", "{", "not valid JSON");
  expect_invalid("signal.default_ttl_ms", std::string(40'000, '1'), "larger than");
}

TEST(ParsePrefs, DecodesEveryKnownKey) {
  auto prefs = parse_prefs({{"notify.webhook_urls", R"(["http://h/1"])"},
                            {"signal.default_ttl_ms", "20000"},
                            {"instance.demo-2.max_volume", "0.25"},
                            {"backup.redis.interval_s", "120"}});
  ASSERT_TRUE(prefs.is_ok()) << prefs.status().to_string();
  EXPECT_EQ(prefs->webhook_urls, std::vector<std::string>{"http://h/1"});
  EXPECT_EQ(prefs->default_ttl_ms, 20000);
  EXPECT_EQ(prefs->max_volume.at("demo-2"), 0.25);
  EXPECT_EQ(prefs->backup_interval_s.at("redis"), 120);
}

TEST(ParsePrefs, EmptyFieldsAreDefaultsAndOneBadFieldFailsTheWhole) {
  auto empty = parse_prefs({});
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(*empty, Prefs{});
  auto bad = parse_prefs({{"signal.default_ttl_ms", "20000"}, {"x", "1"}});
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST(PrefJsonFromText, JsonStaysJsonAndOtherTextBecomesAString) {
  EXPECT_EQ(pref_json_from_text("20000"), "20000");
  EXPECT_EQ(pref_json_from_text(R"([ "http://h/1" ])"), R"(["http://h/1"])");
  EXPECT_EQ(pref_json_from_text("http://h/1"), R"("http://h/1")");
  EXPECT_EQ(pref_json_from_text("say \"hi\""), R"("say \"hi\"")");
}

}  // namespace
}  // namespace mtg
