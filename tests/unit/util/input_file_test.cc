// Input files are regular files of bounded size, read without ever blocking.
#include "util/input_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace pylogen::util {
namespace {

std::string TempName(const char* name) {
  return std::string(::testing::TempDir()) + "/input_file_" + std::to_string(getpid()) + "_" + name;
}

TEST(ReadInputFile, ReadsARegularFileWhole) {
  std::string path = TempName("ok.txt");
  std::ofstream(path) << "a,b\nc\n";
  auto text = ReadInputFile("scenario file", path);
  ASSERT_TRUE(text.has_value()) << text.error();
  EXPECT_EQ(*text, "a,b\nc\n");
  std::remove(path.c_str());
}

// Editors on Windows start text files with a BOM: it is not part of the text.
TEST(ReadInputFile, ALeadingByteOrderMarkIsSkipped) {
  std::string path = TempName("bom.txt");
  std::ofstream(path) << "\xEF\xBB\xBF# comment\n\xEF\xBB\xBF";
  auto text = ReadInputFile("scenario file", path);
  ASSERT_TRUE(text.has_value()) << text.error();
  EXPECT_EQ(*text, "# comment\n\xEF\xBB\xBF");  // only the leading one
  std::ofstream(path) << "\xEF\xBB";              // a partial mark is text
  EXPECT_EQ(ReadInputFile("scenario file", path).value(), "\xEF\xBB");
  std::remove(path.c_str());
}

TEST(ReadInputFile, ALongPathIsEchoedCut) {
  std::string path = "/nonexistent/" + std::string(5000, 'p');
  auto text = ReadInputFile("matrix file", path);
  ASSERT_FALSE(text.has_value());
  EXPECT_LT(text.error().size(), 200u) << text.error();
  EXPECT_NE(text.error().find("... (5013 bytes)"), std::string::npos) << text.error();
}

TEST(ReadInputFile, AFifoIsRefusedNotWaitedOn) {
  std::string path = TempName("fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  auto text = ReadInputFile("defaults file", path);  // no writer: would block for ever
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error(), "defaults file '" + path + "' is a FIFO, expected a regular file");
  std::remove(path.c_str());
}

TEST(ReadInputFile, DirectoriesDevicesAndMissingFilesAreNamed) {
  EXPECT_EQ(ReadInputFile("matrix file", "/tmp").error(), "matrix file '/tmp' is a directory, expected a regular file");
  EXPECT_EQ(ReadInputFile("matrix file", "/dev/zero").error(),
            "matrix file '/dev/zero' is a device, expected a regular file");
  EXPECT_EQ(ReadInputFile("matrix file", "/nonexistent/m.csv").error(),
            "cannot read matrix file '/nonexistent/m.csv': No such file or directory");
}

TEST(ReadInputFile, AFileAboveTheBoundIsRefused) {
  std::string path = TempName("big");
  { std::ofstream(path) << ""; }
  ASSERT_EQ(truncate(path.c_str(), static_cast<off_t>(kMaxInputFileBytes) + 1), 0);  // sparse
  auto text = ReadInputFile("scenario file", path);
  ASSERT_FALSE(text.has_value());
  EXPECT_NE(text.error().find("more than the 16 MiB an input file may hold"), std::string::npos) << text.error();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace pylogen::util
