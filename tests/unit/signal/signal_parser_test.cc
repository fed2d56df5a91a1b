#include "signal/signal_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace mtg {
namespace {

constexpr char kUuid[] = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";

// A valid signal with `field` replaced by `value` (raw JSON), or removed when value is "".
std::string signal_with(const std::string& field, const std::string& value) {
  const std::pair<const char*, const char*> fields[] = {
      {"uuid", "\"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b\""},
      {"instance", "\"demo-1\""},
      {"symbol", "\"EURUSD\""},
      {"side", "\"buy\""},
      {"type", "\"market\""},
      {"volume", "0.10"},
      {"price", "0"},
      {"sl", "0"},
      {"tp", "0"},
      {"created_at", "1763900000000"},
      {"ttl_ms", "30000"},
  };
  std::string out = "{";
  for (const auto& [name, raw] : fields) {
    const bool replaced = field == name;
    if (replaced && value.empty()) continue;
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(name) + "\":" + (replaced ? value : std::string(raw));
  }
  return out + "}";
}

// The error message of parsing `text` with default limits ("" when it parsed).
std::string error_of(const std::string& text) {
  auto r = parse_signal(text, SignalLimits{});
  if (r) return "";
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  return r.status().message();
}

// Whether `message` reports malformed JSON (it goes on with the parser's reason).
bool is_malformed(const std::string& message) { return message.starts_with("signal: malformed JSON: "); }

TEST(SignalParser, ParsesThePublicExample) {
  auto s = parse_signal(signal_with("", ""), SignalLimits{});
  ASSERT_TRUE(s) << s.status().to_string();
  EXPECT_EQ(s->uuid, kUuid);
  EXPECT_EQ(s->instance, "demo-1");
  EXPECT_EQ(s->symbol, "EURUSD");
  EXPECT_EQ(s->side, Side::kBuy);
  EXPECT_EQ(s->type, OrderType::kMarket);
  EXPECT_DOUBLE_EQ(s->volume, 0.10);
  EXPECT_EQ(s->created_at_ms, 1763900000000);
  EXPECT_EQ(s->ttl_ms, 30000);
  EXPECT_EQ(s->expires_at_ms(), 1763900030000);
}

TEST(SignalParser, ValidSignalRoundTripsThroughToJson) {
  std::string text = signal_with("price", "1.0875");
  text = text.replace(text.find("\"market\""), 8, "\"limit\"");
  auto s = parse_signal(text, SignalLimits{});
  ASSERT_TRUE(s) << s.status().to_string();
  s->side = Side::kSell;
  s->sl = 1.0912;
  s->tp = 1.07;
  auto again = parse_signal(to_json(*s), SignalLimits{});
  ASSERT_TRUE(again) << again.status().to_string();
  EXPECT_EQ(*again, *s);
  EXPECT_EQ(to_json(*again), to_json(*s));
}

TEST(SignalParser, ToJsonUsesThePublicFieldOrder) {
  auto s = parse_signal(signal_with("", ""), SignalLimits{});
  ASSERT_TRUE(s);
  EXPECT_EQ(to_json(*s),
            "{\"uuid\":\"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b\",\"instance\":\"demo-1\","
            "\"symbol\":\"EURUSD\",\"side\":\"buy\",\"type\":\"market\",\"volume\":0.1,"
            "\"price\":0.0,\"sl\":0.0,\"tp\":0.0,\"created_at\":1763900000000,\"ttl_ms\":30000}");
}

TEST(SignalParser, OptionalFieldsTakeDefaults) {
  std::string text = "{\"uuid\":\"" + std::string(kUuid) +
                     "\",\"instance\":\"demo-1\",\"symbol\":\"EURUSD\",\"side\":\"sell\","
                     "\"volume\":1,\"created_at\":1763900000000,\"extra\":[1,2]}";
  SignalLimits limits;
  limits.default_ttl_ms = 12345;
  auto s = parse_signal(text, limits);
  ASSERT_TRUE(s) << s.status().to_string();
  EXPECT_EQ(s->type, OrderType::kMarket);
  EXPECT_EQ(s->ttl_ms, 12345);
  EXPECT_EQ(s->action, Action::kOpen);
  EXPECT_EQ(s->price, std::nullopt);
  EXPECT_EQ(s->sl, std::nullopt);
  EXPECT_EQ(s->tp, std::nullopt);
}

TEST(SignalParser, GivenZeroPricesOfAVersion1MarketOrderAreKept) {
  auto s = parse_signal(signal_with("", ""), SignalLimits{});
  ASSERT_TRUE(s) << s.status().to_string();
  EXPECT_EQ(s->price, 0.0);
  EXPECT_EQ(s->sl, 0.0);
  EXPECT_EQ(s->tp, 0.0);
}

TEST(SignalParser, UppercaseUuidIsNormalized) {
  auto s = parse_signal(signal_with("uuid", "\"6F1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5B\""), SignalLimits{});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->uuid, kUuid);
}

TEST(SignalParser, PlainHexUuidIsNormalized) {
  auto s = parse_signal(signal_with("uuid", "\"6F1C2A3B4D5E4F608A9B0C1D2E3F4A5B\""), SignalLimits{});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->uuid, kUuid);
}

TEST(SignalParser, RejectsOversizedPayloadBeforeParsing) {
  std::string text(17 * 1024, ' ');
  text.replace(0, signal_with("", "").size(), signal_with("", ""));
  EXPECT_EQ(error_of(text), "signal: too large: 17408 bytes > 16384");
}

TEST(SignalParser, RejectsMalformedJson) {
  EXPECT_TRUE(is_malformed(error_of("{\"uuid\":")));
  EXPECT_TRUE(is_malformed(error_of("")));
  EXPECT_TRUE(is_malformed(error_of("{\"volume\":NaN}")));
  EXPECT_TRUE(is_malformed(error_of("{\"volume\":Infinity}")));
}

TEST(SignalParser, RejectsNestedGarbage) {
  EXPECT_EQ(error_of(std::string(5000, '[') + std::string(5000, ']')), "signal: not a JSON object");
  EXPECT_TRUE(is_malformed(error_of(std::string(8000, '['))));
  EXPECT_TRUE(is_malformed(error_of("{\"a\":" + std::string(4000, '{'))));
}

TEST(SignalParser, RejectsNonObjects) {
  EXPECT_EQ(error_of("[1,2]"), "signal: not a JSON object");
  EXPECT_EQ(error_of("\"signal\""), "signal: not a JSON object");
  EXPECT_EQ(error_of("null"), "signal: not a JSON object");
}

TEST(SignalParser, RejectsMissingRequiredFields) {
  for (const char* field : {"uuid", "instance", "symbol", "side", "volume", "created_at"}) {
    EXPECT_EQ(error_of(signal_with(field, "")), "field " + std::string(field) + ": is required");
  }
}

TEST(SignalParser, RejectsBadUuids) {
  const std::string why = "field uuid: must be a UUID (8-4-4-4-12 or 32 hex digits)";
  EXPECT_EQ(error_of(signal_with("uuid", "\"not-a-uuid\"")), why);
  EXPECT_EQ(error_of(signal_with("uuid", "\"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5g\"")), why);
  EXPECT_EQ(error_of(signal_with("uuid", "\"6f1c2a3b4-d5e-4f60-8a9b-0c1d2e3f4a5b\"")), why);
  EXPECT_EQ(error_of(signal_with("uuid", "\"{6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5}\"")), why);
  EXPECT_EQ(error_of(signal_with("uuid", "42")), "field uuid: must be a string");
}

TEST(SignalParser, RejectsVolumeAsString) {
  EXPECT_EQ(error_of(signal_with("volume", "\"0.1\"")), "field volume: must be a finite number > 0");
}

TEST(SignalParser, RejectsInfiniteVolume) {
  // nlohmann refuses numbers beyond double range while parsing, so 1e999 never becomes inf.
  const std::string message = error_of(signal_with("volume", "1e999"));
  EXPECT_TRUE(is_malformed(message)) << message;
  EXPECT_NE(message.find("number overflow"), std::string::npos) << message;
}

TEST(SignalParser, RejectsNegativeAndZeroVolume) {
  EXPECT_EQ(error_of(signal_with("volume", "-0.1")), "field volume: must be a finite number > 0");
  EXPECT_EQ(error_of(signal_with("volume", "0")), "field volume: must be a finite number > 0");
  EXPECT_EQ(error_of(signal_with("volume", "null")), "field volume: must be a finite number > 0");
}

TEST(SignalParser, RejectsUnknownSideAndType) {
  EXPECT_EQ(error_of(signal_with("side", "\"long\"")), "field side: must be \"buy\" or \"sell\"");
  EXPECT_EQ(error_of(signal_with("side", "\"BUY\"")), "field side: must be \"buy\" or \"sell\"");
  EXPECT_EQ(error_of(signal_with("side", "1")), "field side: must be a string");
  EXPECT_EQ(error_of(signal_with("type", "\"stop-limit\"")),
            "field type: must be \"market\", \"limit\", \"stop\" or \"stop_limit\"");
}

TEST(SignalParser, RejectsBadCreatedAt) {
  const std::string why = "field created_at: must be a positive integer of Unix milliseconds before year 3000";
  for (const char* raw : {"0", "-5", "1.7639e12", "\"1763900000000\"", "1763900000000000", "99999999999999999999"}) {
    EXPECT_EQ(error_of(signal_with("created_at", raw)), why) << raw;
  }
}

TEST(SignalParser, RejectsBadTtl) {
  const std::string why = "field ttl_ms: must be an integer in 1..86400000";
  for (const char* raw : {"0", "-1", "86400001", "30000.5", "\"30000\""}) {
    EXPECT_EQ(error_of(signal_with("ttl_ms", raw)), why) << raw;
  }
  auto s = parse_signal(signal_with("ttl_ms", "86400000"), SignalLimits{});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ttl_ms, 86400000);
}

TEST(SignalParser, RejectsNegativeOrNonFinitePrices) {
  for (const char* field : {"price", "sl", "tp"}) {
    const std::string why = "field " + std::string(field) + ": must be a finite number >= 0";
    EXPECT_EQ(error_of(signal_with(field, "-1.1")), why);
    EXPECT_TRUE(is_malformed(error_of(signal_with(field, "-1e999"))));
    EXPECT_EQ(error_of(signal_with(field, "\"1.1\"")), why);
  }
}

TEST(SignalParser, RejectsLimitAndStopWithoutPrice) {
  std::string text = signal_with("type", "\"limit\"");
  EXPECT_EQ(error_of(text), "field price: must be > 0 for a limit order");
  text = signal_with("type", "\"stop\"");
  EXPECT_EQ(error_of(text), "field price: must be > 0 for a stop order");
}

TEST(SignalParser, RejectsBadNames) {
  const std::string sym = "field symbol: must be 1 to 64 printable ASCII characters (no spaces)";
  EXPECT_EQ(error_of(signal_with("symbol", "\"\"")), sym);
  EXPECT_EQ(error_of(signal_with("symbol", "\"" + std::string(65, 'A') + "\"")), sym);
  EXPECT_EQ(error_of(signal_with("symbol", "\"EUR\\u0000USD\"")), sym);
  EXPECT_EQ(error_of(signal_with("symbol", "\"EUR\\nUSD\"")), sym);
  EXPECT_EQ(error_of(signal_with("symbol", "\"EUR USD\"")), sym);
  EXPECT_EQ(error_of(signal_with("instance", "\"demo\\t1\"")),
            "field instance: must be 1 to 64 printable ASCII characters (no spaces)");
  EXPECT_EQ(error_of(signal_with("instance", "7")), "field instance: must be a string");
  auto ok = parse_signal(signal_with("symbol", "\"" + std::string(64, 'A') + "\""), SignalLimits{});
  EXPECT_TRUE(ok);
}

TEST(SignalParser, RejectsUnicodeInSymbol) {
  EXPECT_EQ(error_of(signal_with("symbol", "\"EUR€USD\"")),
            "field symbol: must be 1 to 64 printable ASCII characters (no spaces)");
  EXPECT_EQ(error_of(signal_with("symbol", "\"EUR\\u00e9\"")),
            "field symbol: must be 1 to 64 printable ASCII characters (no spaces)");
}

TEST(SignalParser, RejectsInvalidUtf8) {
  EXPECT_TRUE(is_malformed(error_of(signal_with("symbol", "\"EUR\xff\xfe\""))));
}

TEST(SignalParser, HonoursConfiguredLimits) {
  EngineConfig engine;
  engine.max_signal_bytes = 64;
  engine.default_ttl_ms = 5000;
  const SignalLimits limits = signal_limits(engine);
  EXPECT_EQ(limits.max_bytes, 64);
  EXPECT_EQ(limits.default_ttl_ms, 5000);
  EXPECT_FALSE(parse_signal(signal_with("", ""), limits));
}

TEST(ExtractUuid, FindsTheUuidOfAnOtherwiseBadSignal) {
  EXPECT_EQ(extract_uuid(signal_with("volume", "-1")), kUuid);
  EXPECT_EQ(extract_uuid("{\"uuid\":\"6F1C2A3B4D5E4F608A9B0C1D2E3F4A5B\",\"garbage\":{}}"), kUuid);
  std::string big(17 * 1024, ' ');
  big.replace(0, signal_with("", "").size(), signal_with("", ""));
  EXPECT_EQ(extract_uuid(big), kUuid);
}

TEST(ExtractUuid, ReturnsEmptyWithoutAUsableUuid) {
  EXPECT_EQ(extract_uuid("not json"), "");
  EXPECT_EQ(extract_uuid("[\"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b\"]"), "");
  EXPECT_EQ(extract_uuid(signal_with("uuid", "")), "");
  EXPECT_EQ(extract_uuid(signal_with("uuid", "\"abc\"")), "");
  EXPECT_EQ(extract_uuid(signal_with("uuid", "12")), "");
}

}  // namespace
}  // namespace mtg
