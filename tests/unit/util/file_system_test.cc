#include "util/file_system.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "testkit/faulty_file_system.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testkit::FaultyFileSystem;
using testkit::FsOp;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

// A file "state" that holds "old", durably, written through a FaultyFileSystem.
class DurableReplaceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(replace_durably(path_, "old", 0600, fs_).is_ok()); }

  Status replace_with_new() { return replace_durably(path_, "new", 0600, fs_); }

  // The error names the file and errno's text, and no temporary file is left.
  void expect_failure_reported(const Status& status, const std::string& named, int err) {
    EXPECT_EQ(status.code(), Code::kIoError);
    EXPECT_THAT(status.message(), HasSubstr(named));
    EXPECT_THAT(status.message(), HasSubstr(std::strerror(err)));
    EXPECT_EQ(names_in(dir_.path()), std::set<std::string>{"state"});
  }

  testkit::TempDir dir_;
  FaultyFileSystem fs_;
  const std::string path_ = dir_.file("state");
};

TEST_F(DurableReplaceTest, ReplacesTheContentsWithExactlyTheModeAndLeavesNoTempFile) {
  ASSERT_TRUE(replace_durably(path_, "new", 0666, fs_).is_ok());
  EXPECT_EQ(read(path_), "new");
  EXPECT_EQ(mode_of(path_), 0666u);  // not narrowed by the umask
  EXPECT_EQ(names_in(dir_.path()), std::set<std::string>{"state"});
}

TEST_F(DurableReplaceTest, CreatesAMissingFile) {
  const std::string fresh = dir_.file("fresh");
  ASSERT_TRUE(replace_durably(fresh, "", 0600, fs_).is_ok());
  EXPECT_TRUE(fs::is_regular_file(fresh));
  EXPECT_EQ(read(fresh), "");
}

TEST_F(DurableReplaceTest, AFailedWriteLeavesTheOldFileAndSaysDiskFull) {
  fs_.fail(FsOp::kWrite, 1, ENOSPC);
  expect_failure_reported(replace_with_new(), path_, ENOSPC);
  EXPECT_EQ(read(path_), "old");
}

TEST_F(DurableReplaceTest, AFailedFsyncLeavesTheOldFile) {
  fs_.fail(FsOp::kSync, 1, EIO);
  const Status status = replace_with_new();
  expect_failure_reported(status, path_, EIO);
  EXPECT_THAT(status.message(), HasSubstr("fsync"));
  EXPECT_EQ(read(path_), "old");
}

TEST_F(DurableReplaceTest, AFailedRenameLeavesTheOldFileAndSaysReadOnly) {
  fs_.fail(FsOp::kRename, 1, EROFS);
  expect_failure_reported(replace_with_new(), path_, EROFS);
  EXPECT_EQ(read(path_), "old");
}

TEST_F(DurableReplaceTest, AFailedDirectorySyncIsReportedAfterTheNewFileIsInPlace) {
  fs_.fail(FsOp::kSyncDir, 1, EIO);
  const Status status = replace_with_new();
  expect_failure_reported(status, dir_.path(), EIO);
  EXPECT_THAT(status.message(), HasSubstr("fsync directory"));
  EXPECT_EQ(read(path_), "new");
}

TEST_F(DurableReplaceTest, ACrashBeforeTheDirectorySyncLeavesTheOldFile) {
  fs_.fail(FsOp::kSyncDir, 1, EIO);
  ASSERT_FALSE(replace_with_new().is_ok());
  fs_.crash();
  EXPECT_EQ(read(path_), "old");
  EXPECT_EQ(names_in(dir_.path()), std::set<std::string>{"state"});
}

TEST_F(DurableReplaceTest, ACrashAfterAFailedStepLeavesTheOldFileAndNoTempFile) {
  for (const FsOp op : {FsOp::kWrite, FsOp::kSync, FsOp::kRename}) {
    fs_.fail(op, 1, EIO);
    ASSERT_FALSE(replace_with_new().is_ok());
    fs_.crash();
    EXPECT_EQ(read(path_), "old");
    EXPECT_EQ(names_in(dir_.path()), std::set<std::string>{"state"});
  }
}

TEST_F(DurableReplaceTest, ACrashAfterTheReplaceKeepsTheNewFile) {
  ASSERT_TRUE(replace_with_new().is_ok());
  fs_.crash();
  EXPECT_EQ(read(path_), "new");
}

TEST_F(DurableReplaceTest, AFailingCheckBeforeTheRenameKeepsTheOldFile) {
  const Status status =
      replace_durably(path_, "new", 0600, fs_, [] { return Status::precondition("changed meanwhile"); });
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_EQ(read(path_), "old");
  EXPECT_EQ(names_in(dir_.path()), std::set<std::string>{"state"});
}

TEST(CreateDurablyTest, CreatesTheFileOnceAndNeverReplacesIt) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  const std::string path = dir.file("key");
  ASSERT_TRUE(create_durably(path, "first", 0600, faulty).is_ok());
  const Status again = create_durably(path, "second", 0600, faulty);
  EXPECT_EQ(again.code(), Code::kAlreadyExists);
  EXPECT_EQ(read(path), "first");
  EXPECT_EQ(mode_of(path), 0600u);
  faulty.crash();
  EXPECT_EQ(read(path), "first");
  EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"key"});
}

TEST(ReplaceDurablyTest, AMissingDirectoryIsAnIoErrorNotAMissingFile) {
  testkit::TempDir dir;
  EXPECT_EQ(replace_durably(dir.file("missing/state"), "new", 0600).code(), Code::kIoError);
}

TEST(CreateDurablyTest, AFailedFsyncCreatesNothing) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  faulty.fail(FsOp::kSync, 1, ENOSPC);
  const Status status = create_durably(dir.file("key"), "bytes", 0600, faulty);
  EXPECT_THAT(status.message(), HasSubstr(std::strerror(ENOSPC)));
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(RenameDurablyTest, TheRenameSurvivesACrash) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  const std::string from = dir.file("a");
  ASSERT_TRUE(replace_durably(from, "data", 0600, faulty).is_ok());
  ASSERT_TRUE(rename_durably(from, dir.file("b"), faulty).is_ok());
  faulty.crash();
  EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"b"});
  EXPECT_EQ(read(dir.file("b")), "data");
}

TEST(RenameDurablyTest, AMissingSourceIsNotFoundAndNamesBothPaths) {
  testkit::TempDir dir;
  const Status status = rename_durably(dir.file("absent"), dir.file("b"));
  EXPECT_EQ(status.code(), Code::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(dir.file("absent")));
  EXPECT_THAT(status.message(), HasSubstr(dir.file("b")));
}

TEST(MoveAsideTest, RenamesAnExistingFileDurablyAndReportsItsNewName) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  const std::string path = dir.write("live", "data");
  auto aside = move_aside(path, "pre-restore", 42, faulty);
  ASSERT_TRUE(aside.is_ok());
  EXPECT_EQ(*aside, path + ".pre-restore-42");
  faulty.crash();
  EXPECT_EQ(read(*aside), "data");
  EXPECT_FALSE(fs::exists(path));
}

TEST(MoveAsideTest, AMissingFileIsNothingToMove) {
  testkit::TempDir dir;
  auto aside = move_aside(dir.file("absent"), "pre-restore", 42);
  ASSERT_TRUE(aside.is_ok());
  EXPECT_EQ(*aside, "");
}

TEST(SyncFileTest, AMissingFileIsNotFound) {
  testkit::TempDir dir;
  EXPECT_EQ(sync_file(dir.file("absent")).code(), Code::kNotFound);
  EXPECT_TRUE(sync_file(dir.write("present", "x")).is_ok());
}

TEST(WriteAllTest, WritesEveryByteAndTheFakeCountsTheCalls) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  const std::string path = dir.file("out");
  auto file = faulty.create_file(path, 0600);
  ASSERT_TRUE(file.is_ok());
  const std::string bytes(100000, 'x');
  ASSERT_TRUE(write_all(file->get(), path, bytes, faulty).is_ok());
  ASSERT_TRUE(faulty.close(*file, path).is_ok());
  EXPECT_EQ(read(path), bytes);
  EXPECT_GE(faulty.calls(FsOp::kWrite), 1);
}

TEST(FaultyFileSystemTest, ACrashDropsWritesNoSyncFollowed) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  const std::string path = dir.file("journal");
  ASSERT_TRUE(replace_durably(path, "synced\n", 0600, faulty).is_ok());
  Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(write_all(fd.get(), path, "unsynced\n", faulty).is_ok());
  ASSERT_TRUE(faulty.close(fd, path).is_ok());
  EXPECT_EQ(read(path), "synced\nunsynced\n");
  faulty.crash();
  EXPECT_EQ(read(path), "synced\n");
}

TEST(FaultyFileSystemTest, ACrashUndoesARenameNoDirectorySyncFollowed) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  ASSERT_TRUE(replace_durably(dir.file("a"), "a", 0600, faulty).is_ok());
  ASSERT_TRUE(replace_durably(dir.file("b"), "b", 0600, faulty).is_ok());
  ASSERT_TRUE(faulty.rename(dir.file("a"), dir.file("b")).is_ok());
  EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"b"});
  faulty.crash();
  EXPECT_EQ(read(dir.file("a")), "a");
  EXPECT_EQ(read(dir.file("b")), "b");
}

TEST(FaultyFileSystemTest, OnlyTheNthCallFails) {
  testkit::TempDir dir;
  FaultyFileSystem faulty;
  faulty.fail(FsOp::kSyncDir, 2, EIO);
  EXPECT_TRUE(faulty.sync_dir(dir.path()).is_ok());
  EXPECT_FALSE(faulty.sync_dir(dir.path()).is_ok());
  EXPECT_TRUE(faulty.sync_dir(dir.path()).is_ok());
  EXPECT_EQ(faulty.calls(FsOp::kSyncDir), 3);
}

TEST(FileErrorTest, NamesTheOperationThePathAndErrnoWithAMatchingCode) {
  const Status full = file_error("write", "/data/x", ENOSPC);
  EXPECT_EQ(full.code(), Code::kIoError);
  EXPECT_EQ(full.message(), std::string("write /data/x: ") + std::strerror(ENOSPC));
  EXPECT_EQ(file_error("open", "/x", ENOENT).code(), Code::kNotFound);
  EXPECT_EQ(file_error("link", "/x", EEXIST).code(), Code::kAlreadyExists);
  EXPECT_EQ(file_error("rename", "/x", EXDEV).code(), Code::kFailedPrecondition);
}

TEST(ParentDirTest, IsTheDirectoryPartOrDot) {
  EXPECT_EQ(parent_dir("/a/b/c"), "/a/b");
  EXPECT_EQ(parent_dir("/c"), "/");
  EXPECT_EQ(parent_dir("c"), ".");
  EXPECT_EQ(parent_dir("a/c"), "a");
}

TEST(FdTest, AMovedFdOwnsTheDescriptorAndClosesItOnce) {
  Fd first(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = first.get();
  ASSERT_GE(raw, 0);
  Fd second(std::move(first));
  EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  EXPECT_EQ(second.get(), raw);
  second.reset();
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
}

TEST(FileSystemDeathTest, WritingToNoDescriptorIsABug) {
  EXPECT_DEATH((void)write_all(-1, "/x", "bytes"), "fd >= 0");
  EXPECT_DEATH((void)replace_durably("", "bytes", 0600), "empty");
}

}  // namespace
}  // namespace mtg
