#include "chaos/backup_check.h"

#include <nlohmann/json.hpp>

#include "testkit/shell.h"

namespace mtg::chaos {
namespace {

constexpr const char* kKinds[] = {"redis", "configs", "prefs", "duckdb", "postgres"};
constexpr size_t kMaxOutputChars = 2'000;  // of a failed command, in a problem

std::string mtguard(const testkit::System& sys, const std::string& args) {
  return std::string(MTG_BINARY) + " --config " + sys.config_path() + " " + args;
}

std::string clipped(const std::string& output) {
  return output.size() <= kMaxOutputChars ? output : "..." + output.substr(output.size() - kMaxOutputChars);
}

}  // namespace

BackupVerdict check_backups(const testkit::System& sys, const std::set<std::string>& corrupted) {
  BackupVerdict v;
  for (const char* kind : kKinds) {
    const auto run = testkit::run_shell(mtguard(sys, "backup run ") + kind);
    if (run.exit_code == 0) {
      ++v.kinds_backed_up;
    } else {
      v.problems.push_back(std::string("backup run ") + kind + " failed after the campaign: " + clipped(run.output));
    }
  }
  // stderr names the corrupt ones too: only stdout's JSON table is read.
  const auto verify = testkit::run_shell("(" + mtguard(sys, "--json backup verify") + " 2>/dev/null)");
  nlohmann::json rows;
  try {
    rows = nlohmann::json::parse(verify.output);
  } catch (const std::exception& e) {
    v.problems.push_back(std::string("backup verify printed no JSON table (") + e.what() + "): " +
                         clipped(verify.output));
    return v;
  }
  for (const auto& row : rows) {
    const std::string kind = row.value("kind", "");
    const std::string id = row.value("id", "");
    const bool sound = row.value("result", "") == "ok";
    const bool ours = kind == "duckdb" && corrupted.count(id) != 0;
    if (sound && !ours) ++v.verified;
    if (!sound && ours) ++v.corrupt_named;
    if (sound == ours) {
      v.problems.push_back("backup verify: " + kind + "/" + id + " is " + (sound ? "sound" : "corrupt") +
                           (ours ? " but the campaign corrupted it" : ": " + row.value("detail", "")));
    }
  }
  return v;
}

}  // namespace mtg::chaos
