// Defaults files: precedence built-in < file < command line; unknown keys and
// wrong types are errors naming the key.
#include "cli/defaults.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli/options.h"

namespace pylogen::cli {
namespace {

class DefaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pylogen-defaults-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    previous_ = std::filesystem::current_path();
    std::filesystem::current_path(dir_);
  }
  void TearDown() override {
    std::filesystem::current_path(previous_);
    std::filesystem::remove_all(dir_);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_, previous_;
};

TEST_F(DefaultsTest, FileOverridesBuiltInAndCommandLineOverridesFile) {
  std::string file = Write("profile.json",
                           R"({"process": 3, "loops": 7, "extra": {"sleep": 0}, "lengths": [0, 384],
                               "openedmodel": true, "schedule": "5@1"})");
  auto o = ParseCommandLine({"cuts/Dummy", "--defaults", file, "--loops", "2"});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->load.processes, 3u);            // from the file
  EXPECT_EQ(o->load.loops, 2u);                // the command line wins
  EXPECT_EQ(o->load.extra, R"({"sleep":0})");
  EXPECT_EQ(o->load.lengths, (std::vector<std::string>{"0", "384"}));
  EXPECT_TRUE(o->load.opened);
  EXPECT_EQ(o->load.schedule, "5@1");
  EXPECT_EQ(o->load.duration_s, 0);            // built-in
}

TEST_F(DefaultsTest, DefaultsJsonInTheCurrentDirectoryIsReadWhenNoneIsGiven) {
  Write("defaults.json", R"({"process": 4})");
  auto o = ParseCommandLine({"cuts/Dummy"});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->load.processes, 4u);
  std::string other = Write("other.json", R"({"process": 5})");
  auto explicit_file = ParseCommandLine({"cuts/Dummy", "--def", other});  // a prefix, as in Pylogen
  ASSERT_TRUE(explicit_file.has_value()) << explicit_file.error().text;
  EXPECT_EQ(explicit_file->load.processes, 5u);
}

TEST_F(DefaultsTest, UnknownKeyOrWrongTypeIsAnErrorNamingTheKey) {
  struct Case {
    std::string json;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"procs": 2})", "unknown option \"procs\""},
           {R"({"defaults": "x.json"})", "unknown option \"defaults\""},
           {R"({"process": [1, 2]})", "option \"process\" expects a number or a string, not array"},
           {R"({"process": true})", "option \"process\" expects a number or a string, not boolean"},
           {R"({"openedmodel": 1})", "option \"openedmodel\" expects true or false"},
           {R"({"extra": [1]})", "option \"extra\" expects a JSON object or a string"},
           {R"({"process": "x"})", "--process: 'x'"},
           {R"([1, 2])", "expected a JSON object"},
           {R"({"process": )", "not valid JSON"}}) {
    std::string file = Write("bad.json", c.json);
    auto o = ParseCommandLine({"cuts/Dummy", "--defaults", file});
    ASSERT_FALSE(o.has_value()) << c.json;
    EXPECT_EQ(o.error().exit_code, 2);
    EXPECT_NE(o.error().text.find(c.expected), std::string::npos) << o.error().text;
  }
  auto missing = ParseCommandLine({"cuts/Dummy", "--defaults", "nope.json"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().text.find("cannot read defaults file 'nope.json'"), std::string::npos);
}

}  // namespace
}  // namespace pylogen::cli
