#include "engine/operator_command.h"

#include "util/check.h"

namespace mtg {
namespace {
constexpr std::string_view kEnable = "enable";
constexpr std::string_view kDisable = "disable";
}  // namespace

std::string format_operator_command(const OperatorCommand& command) {
  MTG_CHECK(!command.instance.empty());
  std::string line(command.enable ? kEnable : kDisable);
  line += ' ';
  line += command.instance;
  MTG_CHECK(line.size() > command.instance.size() + 1);
  return line;
}

Result<OperatorCommand> parse_operator_command(std::string_view line) {
  const size_t space = line.find(' ');
  const std::string_view verb = line.substr(0, space);
  if (verb != kEnable && verb != kDisable) {
    return Status::invalid("unknown operator command '" + std::string(line) + "'");
  }
  OperatorCommand command{verb == kEnable, space == std::string_view::npos ? "" : std::string(line.substr(space + 1))};
  if (command.instance.empty()) return Status::invalid("operator command '" + std::string(line) + "' names no instance");
  return command;
}

}  // namespace mtg
