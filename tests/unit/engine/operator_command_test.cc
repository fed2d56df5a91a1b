#include "engine/operator_command.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(OperatorCommand, EveryFormattedCommandParsesBackAsItself) {
  for (const bool enable : {true, false}) {
    for (const char* id : {"demo-1", "desk a"}) {
      const OperatorCommand command{enable, id};
      auto parsed = parse_operator_command(format_operator_command(command));
      ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
      EXPECT_EQ(*parsed, command);
    }
  }
  EXPECT_EQ(format_operator_command({true, "demo-1"}), "enable demo-1");
  EXPECT_EQ(format_operator_command({false, "demo-1"}), "disable demo-1");
}

TEST(OperatorCommand, AnUnknownVerbOrAMissingInstanceIsAnError) {
  for (const char* line : {"", "enable", "enable ", "restart demo-1", "Enable demo-1"}) {
    auto parsed = parse_operator_command(line);
    ASSERT_FALSE(parsed.is_ok()) << line;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << line;
  }
}

}  // namespace
}  // namespace mtg
