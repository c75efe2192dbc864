// One file in two roles is refused, by inode through symlinks and "..", by
// canonical path before it exists.
#include "cli/file_roles.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace pylogen::cli {
namespace {

namespace fs = std::filesystem;

class FileRolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("file_roles_" + std::to_string(getpid()));
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string P(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(FileRolesTest, DistinctFilesPass) {
  EXPECT_FALSE(SameFileInTwoRoles({{"--output", P("a.txt"), true}, {"--report", P("b.json"), true}}));
  EXPECT_FALSE(SameFileInTwoRoles({{"--output", "", true}, {"--report", "", true}}));
}

TEST_F(FileRolesTest, OutputAndReportOnOneNewFile) {
  auto clash = SameFileInTwoRoles({{"--output", P("o.txt"), true}, {"--report", P("sub/../o.txt"), true}});
  ASSERT_TRUE(clash);
  EXPECT_EQ(*clash, "--report '" + P("sub/../o.txt") + "' is the same file as --output '" + P("o.txt") +
                        "': each needs a file of its own");
}

// Relative paths, as typed: "o.txt" does not exist, "sub" does.
TEST_F(FileRolesTest, RelativePathsToOneNewFile) {
  fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  auto clash = SameFileInTwoRoles({{"--output", "o.txt", true}, {"--report", "sub/../o.txt", true}});
  fs::current_path(cwd);
  ASSERT_TRUE(clash);
  EXPECT_EQ(*clash, "--report 'sub/../o.txt' is the same file as --output 'o.txt': each needs a file of its own");
}

TEST_F(FileRolesTest, AnOutputThroughASymlinkToTheScenario) {
  std::ofstream(P("s.txt")) << "cuts/Dummy\n";
  fs::create_symlink(P("s.txt"), P("link.txt"));
  auto clash = SameFileInTwoRoles({{"--file", P("s.txt")}, {"--output", P("link.txt"), true}});
  ASSERT_TRUE(clash);
  EXPECT_NE(clash->find("--output '" + P("link.txt") + "' is the same file as --file"), std::string::npos) << *clash;
}

TEST_F(FileRolesTest, TwoLoadsMayShareOneCut) {
  std::ofstream(P("Dummy.so")) << "x";
  EXPECT_FALSE(SameFileInTwoRoles({{"the CUT", P("Dummy.so")}, {"the CUT", P("Dummy.so")}}));
  EXPECT_TRUE(SameFileInTwoRoles({{"the CUT", P("Dummy.so")}, {"--report", P("Dummy.so"), true}}));
}

}  // namespace
}  // namespace pylogen::cli
