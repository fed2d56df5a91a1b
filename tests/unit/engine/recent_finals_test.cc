#include "engine/recent_finals.h"

#include <gtest/gtest.h>

#include "order/order_state.h"

namespace mtg {
namespace {

FinalRecord filled(const std::string& uuid) {
  FinalRecord f;
  f.order.signal.uuid = uuid;
  f.order.stream_id = "1-0";
  f.order.state = OrderState::kFilled;
  f.result.uuid = uuid;
  f.result.status = ResultStatus::kFilled;
  f.result.result_id = final_result_id(uuid);
  return f;
}

TEST(RecentFinals, KeepsAFinalForItsWindowAndNoLonger) {
  RecentFinals finals(1'000, 10);
  finals.remember(filled("a"), 0);
  finals.remember(filled("b"), 600);
  ASSERT_NE(finals.find("a"), nullptr);
  EXPECT_EQ(finals.find("a")->result.result_id, final_result_id("a"));
  auto kept = finals.within_window(1'000);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].order.signal.uuid, "a") << "oldest first";
  kept = finals.within_window(1'001);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].order.signal.uuid, "b");
  EXPECT_EQ(finals.find("a"), nullptr);
}

TEST(RecentFinals, KeepsAtMostItsCountForgettingTheOldest) {
  RecentFinals finals(60'000, 3);
  for (const char* uuid : {"a", "b", "c", "d"}) finals.remember(filled(uuid), 0);
  EXPECT_EQ(finals.size(), 3u);
  EXPECT_EQ(finals.find("a"), nullptr);
  EXPECT_NE(finals.find("d"), nullptr);
}

TEST(RecentFinals, AUuidIsRememberedOnce) {
  RecentFinals finals(60'000, 3);
  finals.remember(filled("a"), 0);
  finals.remember(filled("a"), 10);
  EXPECT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals.within_window(20).size(), 1u);
}

}  // namespace
}  // namespace mtg
