// The backend's command lines: every valid form parsed, every malformed one refused
// with a reason (and answered when it carries a request id), and what a requester
// formats read back as the same command.
#include "backend_channel/backend_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace mtg {
namespace {

TEST(BackendCommand, ParsesEveryCommand) {
  auto resume = parse_backend_command("resume");
  ASSERT_TRUE(resume.is_ok());
  EXPECT_EQ(resume->verb, BackendVerb::kResume);
  auto snap = parse_backend_command("snapshot 0a1B2c /var/backups/duck db.tmp");
  ASSERT_TRUE(snap.is_ok()) << snap.status().to_string();
  EXPECT_EQ(snap->verb, BackendVerb::kSnapshot);
  EXPECT_EQ(snap->request_id, "0a1B2c");
  EXPECT_EQ(snap->path, "/var/backups/duck db.tmp");  // the rest of the line
  auto restore = parse_backend_command("restore-duckdb ff /tmp/x.duckdb");
  ASSERT_TRUE(restore.is_ok());
  EXPECT_EQ(restore->verb, BackendVerb::kRestoreDuckdb);
  auto reconcile = parse_backend_command("reconcile-redis " + std::string(64, 'a'));
  ASSERT_TRUE(reconcile.is_ok());
  EXPECT_EQ(reconcile->verb, BackendVerb::kReconcileRedis);
}

TEST(BackendCommand, RefusesMalformedLines) {
  const std::vector<std::string> lines = {
      "", "resume now", "explode 00", "snapshot", "snapshot 00", "snapshot xyz /tmp/a", "snapshot 00 relative/path",
        "snapshot 00 /tmp/a\nb", "snapshot 00 /tmp/a\rb", "reconcile-redis 00 /tmp/a",
      "reconcile-redis " + std::string(65, 'a'), "restore-duckdb 00 /" + std::string(5000, 'p')};
  for (const std::string& line : lines) {
    EXPECT_EQ(parse_backend_command(line).status().code(), Code::kInvalidArgument) << line.substr(0, 40);
  }
}

TEST(BackendCommand, RequestIdOfABadCommandWhenItHasOne) {
  EXPECT_EQ(command_request_id("snapshot 00ff relative"), "00ff");
  EXPECT_EQ(command_request_id("explode 12"), "12");
  EXPECT_EQ(command_request_id("snapshot nothex /x"), std::nullopt);
  EXPECT_EQ(command_request_id("resume"), std::nullopt);
}

// Running late is harmful only for what touches the database file; resume and
// reconcile-redis are sent without a lease (nobody waits for them).
TEST(BackendCommand, OnlySnapshotsAndRestoresNeedTheirRequesterWaiting) {
  EXPECT_TRUE(runs_only_while_awaited(BackendVerb::kSnapshot));
  EXPECT_TRUE(runs_only_while_awaited(BackendVerb::kRestoreDuckdb));
  EXPECT_FALSE(runs_only_while_awaited(BackendVerb::kReconcileRedis));
  EXPECT_FALSE(runs_only_while_awaited(BackendVerb::kResume));
}

TEST(BackendCommand, VerbNamesRoundTripAndAreDistinct) {
  std::set<std::string> names;
  for (BackendVerb verb : kBackendVerbs) {
    names.insert(verb_name(verb));
    auto parsed = parse_verb(verb_name(verb));
    ASSERT_TRUE(parsed.is_ok()) << verb_name(verb);
    EXPECT_EQ(*parsed, verb);
  }
  EXPECT_EQ(names, (std::set<std::string>{"resume", "snapshot", "restore-duckdb", "reconcile-redis"}));
  EXPECT_EQ(parse_verb("explode").status().code(), Code::kInvalidArgument);
}

// One command of every verb: what a requester formats, the backend parses back.
TEST(BackendCommand, EveryFormattedCommandParsesBackAsItself) {
  for (BackendVerb verb : kBackendVerbs) {
    BackendCommand command{verb, "", ""};
    if (takes_request_id(verb)) command.request_id = "0a1B2c";
    if (runs_only_while_awaited(verb)) command.path = "/var/backups/duck db.tmp";
    auto line = format_backend_command(command);
    ASSERT_TRUE(line.is_ok()) << verb_name(verb) << ": " << line.status().to_string();
    auto parsed = parse_backend_command(*line);
    ASSERT_TRUE(parsed.is_ok()) << *line << ": " << parsed.status().to_string();
    EXPECT_EQ(*parsed, command) << *line;
  }
  EXPECT_EQ(*format_backend_command({BackendVerb::kSnapshot, "ff", "/tmp/x.duckdb"}), "snapshot ff /tmp/x.duckdb");
  EXPECT_EQ(*format_backend_command({BackendVerb::kResume, "", ""}), "resume");
}

// A path the backend would refuse is refused before it is sent.
TEST(BackendCommand, FormatRefusesAPathTheParserRefuses) {
  for (const std::string& path : {std::string("relative/x"), std::string("/tmp/a\nb"), "/" + std::string(5000, 'p')}) {
    EXPECT_EQ(format_backend_command({BackendVerb::kRestoreDuckdb, "00", path}).status().code(), Code::kInvalidArgument)
        << path.substr(0, 40);
  }
}

TEST(BackendCommand, ErrorReplyIsJson) {
  const auto j = nlohmann::json::parse(error_reply("bad \"path\""));
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"], "bad \"path\"");
}

}  // namespace
}  // namespace mtg
