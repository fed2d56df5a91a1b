// render_terminal_config: the MT5 start-up ini file, owner-only, never over a loose file.
#include "credentials/terminal_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testkit/temp_dir.h"

namespace mtg {
namespace {

Credential demo_credential() {
  return Credential{"demo-1", 5012345, "MetaQuotes-Demo", SecretString(std::string("Zq7-ini-pass"))};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(TerminalConfigTest, WritesTheCommonSectionIntoAnOwnerOnlyFile) {
  testkit::TempDir dir;
  const std::string path = dir.file("demo-1.ini");
  Status status = render_terminal_config(demo_credential(), path);
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(read_file(path), "[Common]\nLogin=5012345\nPassword=Zq7-ini-pass\nServer=MetaQuotes-Demo\n");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(files_in(dir.path()), 1u);  // no temporary file left behind
}

TEST(TerminalConfigTest, ReplacesItsOwnOwnerOnlyFileOnARestart) {
  testkit::TempDir dir;
  const std::string path = dir.file("demo-1.ini");
  ASSERT_TRUE(render_terminal_config(demo_credential(), path).is_ok());
  Credential changed{"demo-1", 777, "Other-Server", SecretString(std::string("new-pass"))};
  ASSERT_TRUE(render_terminal_config(changed, path).is_ok());
  EXPECT_EQ(read_file(path), "[Common]\nLogin=777\nPassword=new-pass\nServer=Other-Server\n");
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(TerminalConfigTest, RefusesToOverwriteAFileWithLooserPermissions) {
  testkit::TempDir dir;
  const std::string path = dir.write("loose.ini", "keep me\n");
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  Status status = render_terminal_config(demo_credential(), path);
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_NE(status.message().find("looser than 0600"), std::string::npos);
  EXPECT_EQ(read_file(path), "keep me\n");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(TerminalConfigTest, RefusesASymlinkOrDirectoryInThePath) {
  testkit::TempDir dir;
  const std::string target = dir.write("target", "x\n");
  ASSERT_EQ(chmod(target.c_str(), 0600), 0);
  const std::string link = dir.file("link.ini");
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(render_terminal_config(demo_credential(), link).code(), Code::kFailedPrecondition);
  EXPECT_EQ(read_file(target), "x\n");
  EXPECT_EQ(render_terminal_config(demo_credential(), dir.path()).code(), Code::kFailedPrecondition);
}

TEST(TerminalConfigTest, RejectsFieldsThatCouldInjectIniLinesWithoutNamingThePassword) {
  testkit::TempDir dir;
  Credential bad{"demo-1", 1, "srv", SecretString(std::string("pw\nServer=evil"))};
  Status status = render_terminal_config(bad, dir.file("bad.ini"));
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message().find("evil"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.ini")));
}

TEST(TerminalConfigTest, MissingDirectoryIsAnIoError) {
  testkit::TempDir dir;
  EXPECT_EQ(render_terminal_config(demo_credential(), dir.file("nope/x.ini")).code(), Code::kIoError);
}

}  // namespace
}  // namespace mtg
