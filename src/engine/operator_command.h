// The operator commands the engine takes from RedisKeys::engine_commands(), one text
// line each: "enable <instance>" or "disable <instance>" (queued by `mtguard instance`);
// the instance is the rest of the line.
// Written and read here only.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

struct OperatorCommand {
  bool enable = true;    // enable, or disable, the instance
  std::string instance;  // the instance's id, not empty
  bool operator==(const OperatorCommand&) const = default;
};

// The line for `command`; parse_operator_command reads it back as the same command.
std::string format_operator_command(const OperatorCommand& command);

// Parses one line; kInvalidArgument naming what is wrong (an unknown verb, no instance).
Result<OperatorCommand> parse_operator_command(std::string_view line);

}  // namespace mtg
