// Parsing of the backend's command lines: valid forms, and every malformed one
// refused with a reason (and answered when it carries a request id).
#include "backend_channel/backend_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace mtg {
namespace {

using Kind = BackendCommand::Kind;

TEST(BackendCommand, ParsesEveryCommand) {
  auto resume = parse_backend_command("resume");
  ASSERT_TRUE(resume.is_ok());
  EXPECT_EQ(resume->kind, Kind::kResume);
  auto snap = parse_backend_command("snapshot 0a1B2c /var/backups/duck db.tmp");
  ASSERT_TRUE(snap.is_ok()) << snap.status().to_string();
  EXPECT_EQ(snap->kind, Kind::kSnapshot);
  EXPECT_EQ(snap->request_id, "0a1B2c");
  EXPECT_EQ(snap->path, "/var/backups/duck db.tmp");  // the rest of the line
  auto restore = parse_backend_command("restore-duckdb ff /tmp/x.duckdb");
  ASSERT_TRUE(restore.is_ok());
  EXPECT_EQ(restore->kind, Kind::kRestoreDuckdb);
  auto reconcile = parse_backend_command("reconcile-redis " + std::string(64, 'a'));
  ASSERT_TRUE(reconcile.is_ok());
  EXPECT_EQ(reconcile->kind, Kind::kReconcileRedis);
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
  EXPECT_TRUE(runs_only_while_awaited(BackendCommand::Kind::kSnapshot));
  EXPECT_TRUE(runs_only_while_awaited(BackendCommand::Kind::kRestoreDuckdb));
  EXPECT_FALSE(runs_only_while_awaited(BackendCommand::Kind::kReconcileRedis));
  EXPECT_FALSE(runs_only_while_awaited(BackendCommand::Kind::kResume));
}

TEST(BackendCommand, ErrorReplyIsJson) {
  const auto j = nlohmann::json::parse(error_reply("bad \"path\""));
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"], "bad \"path\"");
}

}  // namespace
}  // namespace mtg
