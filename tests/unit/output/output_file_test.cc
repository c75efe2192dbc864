#include "output/output_file.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pylogen::output {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / fmt::format("pylogen-output-file-{}-{}", getpid(), name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename());
  return names;
}

TEST(WrittenInPlace, OnlyFifosAndDevices) {
  std::string dir = FreshDir("in_place");
  EXPECT_TRUE(WrittenInPlace("/dev/null"));
  EXPECT_TRUE(WrittenInPlace("/dev/full"));
  ASSERT_EQ(mkfifo((dir + "/f").c_str(), 0600), 0);
  EXPECT_TRUE(WrittenInPlace(dir + "/f"));
  EXPECT_FALSE(WrittenInPlace(dir + "/absent.json"));
  EXPECT_FALSE(WrittenInPlace(dir));
  std::ofstream(dir + "/r.json") << "{}";
  EXPECT_FALSE(WrittenInPlace(dir + "/r.json"));
  fs::remove_all(dir);
}

TEST(TemporaryPathFor, IsAHiddenFileOfTheSameDirectory) {
  EXPECT_EQ(TemporaryPathFor("/a/b/r.json", 12, 0), "/a/b/.pylogen-report-12-0.tmp");
  EXPECT_EQ(TemporaryPathFor("r.json", 12, 3), ".pylogen-report-12-3.tmp");
}

TEST(WriteFileAtomically, ReplacesTheFileByARename) {
  std::string dir = FreshDir("replace");
  std::string path = dir + "/r.json";
  std::ofstream(path) << "old text, much longer than the new one";
  fs::create_hard_link(path, dir + "/link");
  ASSERT_TRUE(WriteFileAtomically("--report", path, "{}\n").has_value());
  EXPECT_EQ(Read(path), "{}\n");
  EXPECT_EQ(Read(dir + "/link"), "old text, much longer than the new one");  // another inode
  EXPECT_EQ(Names(dir), (std::set<std::string>{"link", "r.json"}));
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);
  fs::remove_all(dir);
}

TEST(WriteFileAtomically, WritesWhatItsWriterWritesToTheFd) {
  std::string dir = FreshDir("chunks");
  std::string path = dir + "/r.json";
  const std::string ones(100'000, '1');
  auto write = [&ones](int fd) {
    for (std::string_view chunk : {std::string_view("{\"a\":"), std::string_view(""), std::string_view(ones),
                                   std::string_view("}\n")}) {
      if (int e = WriteAllTo(fd, chunk); e != 0) return e;
    }
    return 0;
  };
  ASSERT_TRUE(WriteFileAtomically("--report", path, write).has_value());
  EXPECT_EQ(Read(path), "{\"a\":" + std::string(100'000, '1') + "}\n");
  EXPECT_EQ(Names(dir), (std::set<std::string>{"r.json"}));
  fs::remove_all(dir);
}

TEST(WriteFileAtomically, RemovesTheTemporaryFileWhenItsWriterFails) {
  std::string dir = FreshDir("writer-fails");
  std::string path = dir + "/r.json";
  auto written = WriteFileAtomically("--report", path, [](int) { return ENOSPC; });
  ASSERT_FALSE(written.has_value());
  EXPECT_NE(written.error().find("No space left on device"), std::string::npos) << written.error();
  EXPECT_TRUE(Names(dir).empty());
  fs::remove_all(dir);
}

TEST(WriteFileAtomically, LeavesNoTemporaryFileWhenTheWriteFails) {
  std::string dir = FreshDir("fail");
  std::string path = dir + "/r.json";
  std::ofstream(path) << "old";
  // A file size limit below the text: write() fails with EFBIG.
  rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto previous = signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 4;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  auto written = WriteFileAtomically("--report", path, std::string(100, 'x'));
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, previous);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error(), "--report: cannot write '" + path + "': File too large");
  EXPECT_EQ(Read(path), "old");
  EXPECT_EQ(Names(dir), (std::set<std::string>{"r.json"}));
  fs::remove_all(dir);
}

TEST(WriteFileAtomically, SaysWhenTheDirectoryIsGone) {
  std::string dir = FreshDir("gone");
  fs::remove_all(dir);
  auto written = WriteFileAtomically("--report", dir + "/r.json", "{}");
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error(), "--report: cannot write '" + dir + "/r.json': No such file or directory");
}

TEST(CheckReplaceable, RefusesADirectoryAndAMissingDirectory) {
  std::string dir = FreshDir("check");
  auto is_dir = CheckReplaceable("--report", dir);
  ASSERT_FALSE(is_dir.has_value());
  EXPECT_EQ(is_dir.error().text, "--report: cannot open '" + dir + "' for writing: Is a directory");
  auto no_dir = CheckReplaceable("--report", dir + "/nodir/r.json");
  ASSERT_FALSE(no_dir.has_value());
  EXPECT_EQ(no_dir.error().text,
            "--report: cannot open '" + dir + "/nodir/r.json' for writing: No such file or directory");
  auto fine = CheckReplaceable("--report", dir + "/r.json");
  ASSERT_TRUE(fine.has_value());
  EXPECT_EQ(*fine, dir + "/r.json");
  EXPECT_TRUE(Names(dir).empty()) << "the probe file was left";
  fs::remove_all(dir);
}

TEST(CheckReplaceable, ResolvesASymbolicLinkToItsTarget) {
  std::string dir = FreshDir("link");
  fs::create_directories(dir + "/real");
  std::ofstream(dir + "/real/r.json") << "{}";
  fs::create_symlink(dir + "/real/r.json", dir + "/r.json");
  auto target = CheckReplaceable("--report", dir + "/r.json");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(*target, fs::canonical(dir + "/real/r.json").string());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pylogen::output
