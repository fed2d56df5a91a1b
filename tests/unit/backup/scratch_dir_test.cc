#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "backup/file_util.h"
#include "testkit/temp_dir.h"

namespace mtg::backup {
namespace {

namespace fs = std::filesystem;

// Sets $TMPDIR for the life of the object, then puts back what was there.
class TmpdirOverride {
 public:
  explicit TmpdirOverride(const std::string& value) {
    if (const char* old = std::getenv("TMPDIR"); old != nullptr) saved_ = old;
    ::setenv("TMPDIR", value.c_str(), 1);
  }
  ~TmpdirOverride() {
    if (saved_) {
      ::setenv("TMPDIR", saved_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }
  TmpdirOverride(const TmpdirOverride&) = delete;
  TmpdirOverride& operator=(const TmpdirOverride&) = delete;

 private:
  std::optional<std::string> saved_;
};

TEST(ScratchDirTest, IsCreatedUnderTmpdirAndRemovedOnceByItsLastOwner) {
  testkit::TempDir base;
  const TmpdirOverride tmpdir(base.path());
  auto made = ScratchDir::create("drill-test");
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  const std::string path = made->path();
  EXPECT_EQ(fs::path(path).parent_path().string(), base.path());
  EXPECT_NE(path.find("drill-test"), std::string::npos);
  {
    const ScratchDir owner(std::move(made).value());
    EXPECT_TRUE(fs::is_directory(owner.path()));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(ScratchDirTest, AnUncreatableDirectoryIsAnErrorNotAnAbort) {
  testkit::TempDir base;
  const TmpdirOverride tmpdir(base.write("not-a-directory", "x"));
  auto made = ScratchDir::create("drill-test");
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), Code::kIoError);
  EXPECT_NE(made.status().message().find("not-a-directory"), std::string::npos);
}

}  // namespace
}  // namespace mtg::backup
