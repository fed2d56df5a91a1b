#include "order/order_state.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mtg {
namespace {

using S = OrderState;

constexpr OrderState kAll[kOrderStateCount] = {S::kReceived, S::kSent,    S::kPartial, S::kFilled,
                                               S::kFailed,   S::kRejected, S::kExpired, S::kDropped,
                                               S::kClosed,   S::kPlaced,   S::kModified, S::kCancelled};

// The whole table, written out: row = from, column = to, in kAll's order
// (received sent partial filled failed rejected expired dropped closed placed modified cancelled).
constexpr bool kAllowed[kOrderStateCount][kOrderStateCount] = {
    /* received  */ {0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0},
    /* sent      */ {0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1},
    /* partial   */ {0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1},
    /* filled    */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    /* failed    */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    /* rejected  */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    /* expired   */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    /* dropped   */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    /* closed    */ {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    /* placed    */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    /* modified  */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    /* cancelled */ {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
};

TEST(OrderState, EveryPairMatchesTheTable) {
  int allowed = 0;
  for (int from = 0; from < kOrderStateCount; ++from) {
    for (int to = 0; to < kOrderStateCount; ++to) {
      EXPECT_EQ(can_transition(kAll[from], kAll[to]), kAllowed[from][to])
          << state_name(kAll[from]) << " -> " << state_name(kAll[to]);
      allowed += kAllowed[from][to] ? 1 : 0;
    }
  }
  EXPECT_EQ(allowed, 4 + 10 + 9 + 8);
}

TEST(OrderState, FinalStatesAreExactlyTheEight) {
  const std::set<OrderState> finals = {S::kFilled,  S::kFailed, S::kRejected, S::kExpired,
                                       S::kDropped, S::kPlaced, S::kModified, S::kCancelled};
  for (OrderState s : kAll) EXPECT_EQ(is_final(s), finals.count(s) == 1) << state_name(s);
}

TEST(OrderState, NamesRoundTripAndAreDistinct) {
  std::set<std::string> names;
  for (OrderState s : kAll) {
    names.insert(state_name(s));
    auto parsed = parse_state(state_name(s));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kOrderStateCount));
}

TEST(OrderState, ParseRefusesUnknownNames) {
  for (const char* bad : {"", "Filled", "done", "sent "}) {
    auto r = parse_state(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
  EXPECT_EQ(parse_state("done").status().message(), "unknown order state done");
}

// The states a generated list names, read back: `open` + items separated by `separator`
// + `close`, each item `before` + a state name + `after`.
std::multiset<OrderState> read_list(const std::string& text, const std::string& open, const std::string& separator,
                                    const std::string& close, const std::string& before, const std::string& after) {
  std::multiset<OrderState> states;
  EXPECT_EQ(text.substr(0, open.size()), open) << text;
  EXPECT_GE(text.size(), open.size() + close.size()) << text;
  EXPECT_EQ(text.substr(text.size() - close.size()), close) << text;
  std::string rest = text.substr(open.size(), text.size() - open.size() - close.size());
  for (;;) {
    const size_t end = rest.find(separator);
    const std::string item = rest.substr(0, end);
    EXPECT_EQ(item.substr(0, before.size()), before) << item;
    EXPECT_EQ(item.substr(item.size() - after.size()), after) << item;
    auto state = parse_state(item.substr(before.size(), item.size() - before.size() - after.size()));
    EXPECT_TRUE(state) << item;
    if (state) states.insert(*state);
    if (end == std::string::npos) break;
    rest = rest.substr(end + separator.size());
  }
  return states;
}

// The SQL and Lua copies of the final states are generated from one definition: each
// names every final state once (the settled ones closed too), and nothing else.
TEST(OrderState, TheGeneratedListsNameExactlyTheFinalStates) {
  std::multiset<OrderState> finals, settled;
  for (OrderState s : kAll) {
    if (is_final(s)) finals.insert(s);
  }
  settled = finals;
  settled.insert(S::kClosed);
  EXPECT_EQ(read_list(final_states_sql_list(), "(", ",", ")", "'", "'"), finals);
  EXPECT_EQ(read_list(settled_states_sql_list(), "(", ",", ")", "'", "'"), settled);
  EXPECT_EQ(read_list(settled_states_lua_table(), "{", ", ", "}", "", "=true"), settled);
  EXPECT_EQ(final_states_sql_list(),
            "('filled','failed','rejected','expired','dropped','placed','modified','cancelled')");
  EXPECT_EQ(settled_states_sql_list(),
            "('filled','failed','rejected','expired','dropped','placed','modified','cancelled','closed')");
  EXPECT_EQ(settled_states_lua_table(),
            "{filled=true, failed=true, rejected=true, expired=true, dropped=true, placed=true, modified=true, "
            "cancelled=true, closed=true}");
}

}  // namespace
}  // namespace mtg
