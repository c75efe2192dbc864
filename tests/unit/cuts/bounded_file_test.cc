// The SDK's bounded reader (include/pylogen/bounded_file.h): a regular
// file of at most 16 MiB, never waited on, every refusal one reason.
#include "pylogen/bounded_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace pylogen {
namespace {

namespace fs = std::filesystem;

class BoundedFileTest : public ::testing::Test {
 protected:
  BoundedFileTest() {
    std::string pattern = (fs::path(::testing::TempDir()) / "pylogen_bounded_XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
  }
  ~BoundedFileTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Path(const char* name) const { return (dir_ / name).string(); }

  // The refusal of `path`, which must be refused.
  static FileRefusal Refusal(const std::string& path) {
    auto read = ReadBoundedFile(path);
    EXPECT_FALSE(read.has_value()) << path;
    return read.has_value() ? FileRefusal{} : read.error();
  }

  fs::path dir_;
};

TEST_F(BoundedFileTest, ReadsARegularFileWhole) {
  std::ofstream(Path("k.json")) << R"({"k":1})";
  auto read = ReadBoundedFile(Path("k.json"));
  ASSERT_TRUE(read.has_value()) << read.error().reason;
  EXPECT_EQ(*read, R"({"k":1})");
}

TEST_F(BoundedFileTest, FileOfExactlyTheBoundIsRead) {
  fs::path file = Path("max");
  std::ofstream(file).close();
  fs::resize_file(file, kMaxCutFileBytes);
  auto read = ReadBoundedFile(file);
  ASSERT_TRUE(read.has_value()) << read.error().reason;
  EXPECT_EQ(read->size(), kMaxCutFileBytes);
}

TEST_F(BoundedFileTest, EachKindOfNonFileHasItsReason) {
  EXPECT_EQ(Refusal("").reason, "is not a file");
  EXPECT_FALSE(Refusal("").missing);
  EXPECT_EQ(Refusal(dir_.string()).reason, "is a directory");
  ASSERT_EQ(mkfifo(Path("f").c_str(), 0600), 0);
  EXPECT_EQ(Refusal(Path("f")).reason, "is a FIFO");  // nobody writes it: must not block
  EXPECT_EQ(Refusal("/dev/null").reason, "is a device");
  fs::path big = Path("big");
  std::ofstream(big).close();
  fs::resize_file(big, kMaxCutFileBytes + 1);
  EXPECT_EQ(Refusal(big).reason, "is larger than 16 MiB");
}

TEST_F(BoundedFileTest, MissingFileIsMarkedSoThatTheNextPlaceIsTried) {
  FileRefusal missing = Refusal(Path("none.json"));
  EXPECT_TRUE(missing.missing);
  EXPECT_EQ(missing.reason, "does not exist");
  FileRefusal below_a_file = Refusal(Path("none.json") + "/x");
  EXPECT_TRUE(below_a_file.missing);
}

TEST(QuotedPath, OneLineOfBoundedLength) {
  EXPECT_EQ(QuotedPath(""), "''");
  EXPECT_EQ(QuotedPath("a\nb\x1b[31m"), "'a?b?[31m'");
  std::string quoted = QuotedPath(std::string(1'000'000, 'x'));
  EXPECT_EQ(quoted, "'" + std::string(200, 'x') + "...'");
}

}  // namespace
}  // namespace pylogen
