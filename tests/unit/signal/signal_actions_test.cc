// Signal contract version 2: the fields each action takes and every reason a signal is
// refused. One table per action; every accepted signal must also round-trip through
// to_json. Version-1 signals are covered by signal_parser_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "signal/signal_parser.h"

namespace mtg {
namespace {

constexpr char kRef[] = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";

// A signal of `fields` (raw JSON members, e.g. R"("action":"close","position":7)")
// beside a valid uuid, instance and created_at.
std::string signal_of(const std::string& fields) {
  return R"({"uuid":"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b","instance":"demo-1",)" + fields +
         R"(,"created_at":1763900000000})";
}

// One row of a table: the fields of a signal and the reason it is refused ("" = accepted).
struct Case {
  std::string fields;
  std::string error;
};

Result<Signal> parse(const std::string& fields) { return parse_signal(signal_of(fields), SignalLimits{}); }

// Checks every row: accepted rows parse and round-trip, refused rows give their reason.
void check_table(const std::vector<Case>& table) {
  for (const Case& c : table) {
    SCOPED_TRACE(c.fields);
    auto s = parse(c.fields);
    if (!c.error.empty()) {
      ASSERT_FALSE(s) << to_json(*s);
      EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(s.status().message(), c.error);
      continue;
    }
    ASSERT_TRUE(s) << s.status().to_string();
    const std::string text = to_json(*s);
    auto again = parse_signal(text, SignalLimits{});
    ASSERT_TRUE(again) << again.status().to_string() << " in " << text;
    EXPECT_EQ(*again, *s) << text;
    EXPECT_EQ(to_json(*again), text);
  }
}

const std::string kOpenActionList =
    R"(must be "open", "close", "close_all", "modify", "modify_order" or "cancel")";

TEST(SignalActions, ActionIsOpenWhenAbsentAndMustBeKnown) {
  check_table({
      {R"("symbol":"EURUSD","side":"buy","volume":0.1)", ""},
      {R"("action":"open","symbol":"EURUSD","side":"buy","volume":0.1)", ""},
      {R"("action":"buy","symbol":"EURUSD","side":"buy","volume":0.1)", "field action: " + kOpenActionList},
      {R"("action":"Close","position":7)", "field action: " + kOpenActionList},
      {R"("action":3,"position":7)", "field action: must be a string"},
  });
  EXPECT_EQ(parse(R"("symbol":"EURUSD","side":"buy","volume":0.1)")->action, Action::kOpen);
  EXPECT_EQ(to_json(*parse(R"("action":"open","symbol":"EURUSD","side":"buy","volume":0.1)")),
            to_json(*parse(R"("symbol":"EURUSD","side":"buy","volume":0.1)")));
}

TEST(SignalActions, Open) {
  const std::string base = R"("symbol":"EURUSD","side":"buy","volume":0.1,)";
  const std::string sell = R"("symbol":"EURUSD","side":"sell","volume":0.1,)";
  check_table({
      // market
      {base + R"("type":"market","deviation_points":20,"sl":1.05,"tp":1.2)", ""},
      {base + R"("type":"market","price":0,"deviation_points":0)", ""},
      {base + R"("type":"market","price":1.0875)", ""},
      {base + R"("type":"market","expiration":0)", "field expiration: not allowed for a market order"},
      {base + R"("type":"market","stop_limit_price":1.1)",
       "field stop_limit_price: not allowed for a market order"},
      {base + R"("deviation_points":-1)", "field deviation_points: must be an integer in 0..1000000"},
      {base + R"("deviation_points":1000001)", "field deviation_points: must be an integer in 0..1000000"},
      {base + R"("deviation_points":2.5)", "field deviation_points: must be an integer in 0..1000000"},
      {base + R"("sl":-0.5)", "field sl: must be a finite number >= 0"},
      // limit and stop
      {base + R"("type":"limit","price":1.05,"sl":1.04,"tp":1.06,"expiration":1763990000000)", ""},
      {base + R"("type":"limit","price":1.05,"sl":0,"tp":0,"expiration":0)", ""},
      {sell + R"("type":"stop","price":1.05,"sl":1.06,"tp":1.04)", ""},
      {base + R"("type":"limit")", "field price: must be > 0 for a limit order"},
      {base + R"("type":"stop","price":0)", "field price: must be > 0 for a stop order"},
      {base + R"("type":"limit","price":1.05,"deviation_points":5)",
       "field deviation_points: not allowed for a limit order"},
      {base + R"("type":"limit","price":1.05,"stop_limit_price":1.04)",
       "field stop_limit_price: not allowed for a limit order"},
      {base + R"("type":"limit","price":1.05,"expiration":-1)",
       "field expiration: must be an integer of Unix milliseconds before year 3000 (0 = good till "
       "cancelled)"},
      {base + R"("type":"limit","price":1.05,"expiration":1.5)",
       "field expiration: must be an integer of Unix milliseconds before year 3000 (0 = good till "
       "cancelled)"},
      {base + R"("type":"limit","price":1.05,"sl":1.06)",
       "field sl: must be below price 1.05 for a buy limit"},
      {base + R"("type":"limit","price":1.05,"sl":1.05)",
       "field sl: must be below price 1.05 for a buy limit"},
      {base + R"("type":"limit","price":1.05,"tp":1.04)",
       "field tp: must be above price 1.05 for a buy limit"},
      {sell + R"("type":"stop","price":1.05,"sl":1.04)",
       "field sl: must be above price 1.05 for a sell stop"},
      {sell + R"("type":"limit","price":1.05,"tp":1.06)",
       "field tp: must be below price 1.05 for a sell limit"},
      // stop_limit: enters at stop_limit_price
      {base + R"("type":"stop_limit","price":1.06,"stop_limit_price":1.055,"sl":1.05,"tp":1.058)", ""},
      {sell + R"("type":"stop_limit","price":1.04,"stop_limit_price":1.045,"sl":1.05,"tp":1.042)", ""},
      {base + R"("type":"stop_limit","price":1.06)",
       "field stop_limit_price: is required for a stop_limit order"},
      {base + R"("type":"stop_limit","stop_limit_price":1.055)",
       "field price: must be > 0 for a stop_limit order"},
      {base + R"("type":"stop_limit","price":1.06,"stop_limit_price":-1.05)",
       "field stop_limit_price: must be a finite number > 0"},
      {base + R"("type":"stop_limit","price":1.06,"stop_limit_price":0)",
       "field stop_limit_price: must be a finite number > 0"},
      {base + R"("type":"stop_limit","price":1.06,"stop_limit_price":1.055,"tp":1.057)", ""},
      {base + R"("type":"stop_limit","price":1.06,"stop_limit_price":1.055,"tp":1.05)",
       "field tp: must be above stop_limit_price 1.055 for a buy stop_limit"},
      {sell + R"("type":"stop_limit","price":1.04,"stop_limit_price":1.045,"sl":1.044)",
       "field sl: must be above stop_limit_price 1.045 for a sell stop_limit"},
      // fields of other actions
      {base + R"("position":7)", "field position: not allowed for action open"},
      {base + R"("order":7)", "field order: not allowed for action open"},
      {base + R"("ref":")" + kRef + "\"", "field ref: not allowed for action open"},
      // required fields
      {R"("side":"buy","volume":0.1)", "field symbol: is required"},
      {R"("symbol":"EURUSD","volume":0.1)", "field side: is required"},
      {R"("symbol":"EURUSD","side":"buy")", "field volume: is required"},
      {R"("symbol":"EURUSD","side":"long","volume":0.1)", R"(field side: must be "buy" or "sell")"},
  });
}

TEST(SignalActions, OpenKeepsItsPendingFields) {
  auto s = parse(R"("symbol":"EURUSD","side":"buy","volume":0.1,"type":"stop_limit","price":1.06,)"
                 R"("stop_limit_price":1.055,"expiration":0)");
  ASSERT_TRUE(s) << s.status().to_string();
  EXPECT_EQ(s->type, OrderType::kStopLimit);
  EXPECT_EQ(s->price, 1.06);
  EXPECT_EQ(s->stop_limit_price, 1.055);
  EXPECT_EQ(s->expiration_ms, 0);  // given: good till cancelled
  EXPECT_EQ(s->sl, std::nullopt);
  auto market = parse(R"("symbol":"EURUSD","side":"sell","volume":0.1,"deviation_points":20)");
  ASSERT_TRUE(market) << market.status().to_string();
  EXPECT_EQ(market->deviation_points, 20);
  EXPECT_EQ(market->expiration_ms, std::nullopt);
}

TEST(SignalActions, Close) {
  const std::string ref = std::string(R"("ref":")") + kRef + "\"";
  check_table({
      {R"("action":"close","position":7)", ""},
      {R"("action":"close","position":7,"volume":0.05,"symbol":"EURUSD")", ""},
      {R"("action":"close",)" + ref, ""},
      {R"("action":"close","ref":"0A1B2C3D4E5F4A6B8C7D8E9F0A1B2C3D","volume":1)", ""},
      {R"("action":"close")", "field position: position or ref is required for action close"},
      {R"("action":"close","volume":0.1)", "field position: position or ref is required for action close"},
      {R"("action":"close","position":7,)" + ref, "field ref: not allowed together with position"},
      {R"("action":"close","position":0)", "field position: must be a ticket (an integer > 0)"},
      {R"("action":"close","position":-7)", "field position: must be a ticket (an integer > 0)"},
      {R"("action":"close","position":"7")", "field position: must be a ticket (an integer > 0)"},
      {R"("action":"close","position":7.5)", "field position: must be a ticket (an integer > 0)"},
      {R"("action":"close","ref":"abc")", "field ref: must be a UUID (8-4-4-4-12 or 32 hex digits)"},
      {R"("action":"close","ref":42)", "field ref: must be a string"},
      {R"("action":"close","position":7,"volume":0)", "field volume: must be a finite number > 0"},
      {R"("action":"close","position":7,"volume":-1)", "field volume: must be a finite number > 0"},
      {R"("action":"close","position":7,"symbol":"")",
       "field symbol: must be 1 to 64 printable ASCII characters (no spaces)"},
      {R"("action":"close","position":7,"side":"buy")", "field side: not allowed for action close"},
      {R"("action":"close","position":7,"order":8)", "field order: not allowed for action close"},
      {R"("action":"close","position":7,"sl":1.1)", "field sl: not allowed for action close"},
      {R"("action":"close","position":7,"type":"market")", "field type: not allowed for action close"},
  });
}

TEST(SignalActions, CloseNamesItsTargetAndVolume) {
  auto all = parse(R"("action":"close","position":7)");
  ASSERT_TRUE(all) << all.status().to_string();
  EXPECT_EQ(all->action, Action::kClose);
  EXPECT_EQ(all->position, 7);
  EXPECT_EQ(all->volume, 0);  // all of it
  EXPECT_EQ(all->symbol, "");
  auto part = parse(R"("action":"close","ref":"0A1B2C3D4E5F4A6B8C7D8E9F0A1B2C3D","volume":0.05)");
  ASSERT_TRUE(part) << part.status().to_string();
  EXPECT_EQ(part->ref, kRef);  // canonical form
  EXPECT_EQ(part->position, 0);
  EXPECT_EQ(part->volume, 0.05);
}

TEST(SignalActions, CloseAll) {
  check_table({
      {R"("action":"close_all")", ""},
      {R"("action":"close_all","symbol":"EURUSD","side":"long")", ""},
      {R"("action":"close_all","side":"short")", ""},
      {R"("action":"close_all","side":"both")", ""},
      {R"("action":"close_all","side":"buy")", R"(field side: must be "long", "short" or "both")"},
      {R"("action":"close_all","volume":1)", "field volume: not allowed for action close_all"},
      {R"("action":"close_all","position":7)", "field position: not allowed for action close_all"},
      {R"("action":"close_all","ref":")" + std::string(kRef) + "\"",
       "field ref: not allowed for action close_all"},
  });
  auto every = parse(R"("action":"close_all")");
  ASSERT_TRUE(every);
  EXPECT_EQ(every->close_side, CloseSide::kBoth);
  EXPECT_EQ(every->symbol, "");
  auto shorts = parse(R"("action":"close_all","symbol":"XAUUSD","side":"short")");
  ASSERT_TRUE(shorts);
  EXPECT_EQ(shorts->close_side, CloseSide::kShort);
  EXPECT_EQ(shorts->symbol, "XAUUSD");
}

TEST(SignalActions, Modify) {
  check_table({
      {R"("action":"modify","position":7,"sl":1.05)", ""},
      {R"("action":"modify","position":7,"tp":0)", ""},
      {R"("action":"modify","ref":")" + std::string(kRef) + R"(","sl":1.05,"tp":1.2)", ""},
      {R"("action":"modify","position":7)", "field sl: sl or tp is required for action modify"},
      {R"("action":"modify","sl":1.05)", "field position: position or ref is required for action modify"},
      {R"("action":"modify","position":7,"sl":-1)", "field sl: must be a finite number >= 0"},
      {R"("action":"modify","position":7,"tp":"1.1")", "field tp: must be a finite number >= 0"},
      {R"("action":"modify","order":7,"sl":1.05)", "field order: not allowed for action modify"},
      {R"("action":"modify","position":7,"sl":1.05,"price":1.1)",
       "field price: not allowed for action modify"},
      {R"("action":"modify","position":7,"sl":1.05,"symbol":"EURUSD")",
       "field symbol: not allowed for action modify"},
  });
  auto s = parse(R"("action":"modify","position":7,"tp":0)");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->sl, std::nullopt);  // unchanged
  EXPECT_EQ(s->tp, 0.0);           // removed
}

TEST(SignalActions, ModifyOrder) {
  check_table({
      {R"("action":"modify_order","order":9,"price":1.07)", ""},
      {R"("action":"modify_order","order":9,"stop_limit_price":1.06)", ""},
      {R"("action":"modify_order","order":9,"sl":0,"tp":1.2)", ""},
      {R"("action":"modify_order","ref":")" + std::string(kRef) + R"(","expiration":0)", ""},
      {R"("action":"modify_order","order":9)",
       "field price: one of price, stop_limit_price, sl, tp or expiration is required for action "
       "modify_order"},
      {R"("action":"modify_order","price":1.07)",
       "field order: order or ref is required for action modify_order"},
      {R"("action":"modify_order","order":9,"ref":")" + std::string(kRef) + R"(","price":1.07)",
       "field ref: not allowed together with order"},
      {R"("action":"modify_order","order":9,"price":0)", "field price: must be a finite number > 0"},
      {R"("action":"modify_order","order":9,"stop_limit_price":-1)",
       "field stop_limit_price: must be a finite number > 0"},
      {R"("action":"modify_order","order":9,"expiration":-5)",
       "field expiration: must be an integer of Unix milliseconds before year 3000 (0 = good till "
       "cancelled)"},
      {R"("action":"modify_order","order":9,"expiration":32503680000000)",
       "field expiration: must be an integer of Unix milliseconds before year 3000 (0 = good till "
       "cancelled)"},
      {R"("action":"modify_order","position":9,"price":1.07)",
       "field position: not allowed for action modify_order"},
      {R"("action":"modify_order","order":9,"volume":1)",
       "field volume: not allowed for action modify_order"},
      {R"("action":"modify_order","order":9,"deviation_points":3)",
       "field deviation_points: not allowed for action modify_order"},
  });
}

TEST(SignalActions, Cancel) {
  check_table({
      {R"("action":"cancel","order":9)", ""},
      {R"("action":"cancel","ref":")" + std::string(kRef) + "\"", ""},
      {R"("action":"cancel")", "field order: order or ref is required for action cancel"},
      {R"("action":"cancel","order":9,"ref":")" + std::string(kRef) + "\"",
       "field ref: not allowed together with order"},
      {R"("action":"cancel","order":0)", "field order: must be a ticket (an integer > 0)"},
      {R"("action":"cancel","order":18446744073709551615)", "field order: must be a ticket (an integer > 0)"},
      {R"("action":"cancel","position":9)", "field position: not allowed for action cancel"},
      {R"("action":"cancel","order":9,"price":1.1)", "field price: not allowed for action cancel"},
      {R"("action":"cancel","order":9,"expiration":0)", "field expiration: not allowed for action cancel"},
  });
  auto s = parse(R"("action":"cancel","order":9)");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->order, 9);
  EXPECT_EQ(s->ref, "");
}

TEST(SignalActions, EveryActionKeepsTheCommonRules) {
  for (const char* fields : {R"("action":"close","position":7)", R"("action":"close_all")",
                             R"("action":"modify","position":7,"sl":1)", R"("action":"cancel","order":9)"}) {
    SCOPED_TRACE(fields);
    const std::string text = signal_of(fields);
    auto s = parse_signal(text, SignalLimits{});
    ASSERT_TRUE(s) << s.status().to_string();
    EXPECT_EQ(s->ttl_ms, SignalLimits{}.default_ttl_ms);
    std::string no_created_at = text;
    no_created_at.erase(no_created_at.find(",\"created_at\""));
    EXPECT_EQ(parse_signal(no_created_at + "}", SignalLimits{}).status().message(),
              "field created_at: is required");
    EXPECT_EQ(extract_uuid(text), s->uuid);
  }
}

}  // namespace
}  // namespace mtg
