// Defaults files: precedence built-in < file < command line; unknown keys and
// wrong types are errors naming the key.
#include "cli/defaults.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli/options.h"

namespace pylogen::cli {
namespace {

using Args = std::vector<std::string>;

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
           {R"({"procs": 2})", "bad.json: unknown option \"procs\"; did you mean \"process\"?"},
           {R"({"defaults": "x.json"})", "unknown option \"defaults\""},
           {R"({"process": [1, 2]})", "option \"process\" expects a number or a string, not array"},
           {R"({"process": true})", "option \"process\" expects a number or a string, not boolean"},
           {R"({"openedmodel": 1})", "option \"openedmodel\" expects true or false"},
           {R"({"extra": [1]})", "option \"extra\" expects a JSON object or a string"},
           {R"({"process": "x"})", "bad.json: \"process\": 'x' is not a valid count"},
           {R"({"process": 4.5})", "bad.json: \"process\": '4.5' is not a valid count"},
           {R"({"steps": "1,,2"})", "bad.json: \"steps\": '1,,2' has an empty item"},
           {R"({"duration": "soon"})", "bad.json: \"duration\": 'soon' is not a duration"},
           {R"({"schedule": "10@oops"})", "bad.json: \"schedule\" segment 1 '10@oops'"},
           {R"({"burst": "fx"})", "bad.json: \"burst\": 'fx' is not a burst"},
           {R"({"output": ""})", "bad.json: \"output\": empty value (expected a file name)"},
           {R"({"jobs": 1000})", "bad.json: \"jobs\": 1000 is not a power of two"},
           {R"([1, 2])", "expected a JSON object"},
           {R"({"process": )", "not valid JSON"}}) {
    std::string file = Write("bad.json", c.json);
    auto o = ParseCommandLine({"cuts/Dummy", "--defaults", file});
    ASSERT_FALSE(o.has_value()) << c.json;
    EXPECT_EQ(o.error().exit_code, 2);
    EXPECT_NE(o.error().text.find(c.expected), std::string::npos) << o.error().text;
  }
  std::string far = Write("bad.json", R"({"zzzzzz": 2})");  // near no option: no guess
  auto unknown = ParseCommandLine({"cuts/Dummy", "--defaults", far});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().text.find("unknown option \"zzzzzz\""), std::string::npos);
  EXPECT_EQ(unknown.error().text.find("did you mean"), std::string::npos) << unknown.error().text;
  auto missing = ParseCommandLine({"cuts/Dummy", "--defaults", "nope.json"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().text.find("cannot read defaults file 'nope.json'"), std::string::npos);
}

// A defaults file's values are checked on their own: the error names the file
// and the key even when the command line gives the option a valid value.
TEST_F(DefaultsTest, ABadValueIsNamedByFileAndKeyEvenWhenTheCommandLineOverridesIt) {
  Write("defaults.json", R"({"process": 4.5})");
  for (const Args& args : {Args{"cuts/Dummy"}, Args{"cuts/Dummy", "--process", "2"}}) {
    auto o = ParseCommandLine(args);
    ASSERT_FALSE(o.has_value());
    EXPECT_EQ(o.error().text.rfind("defaults.json: \"process\": '4.5' is not a valid count", 0), 0u)
        << o.error().text;
  }
}

// A defaults file may serve both models: its opened-model values are checked
// in a closed run, but not warned about.
TEST_F(DefaultsTest, OpenedModelValuesOfTheFileAreCheckedNotWarnedAbout) {
  std::string file = Write("both.json", R"({"schedule": "5@1", "burst": "f2", "prefork": 1})");
  auto o = ParseCommandLine({"cuts/Dummy", "--defaults", file});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_TRUE(o->warnings.empty());
  EXPECT_EQ(o->load.schedule, "5@1");
  auto opened = ParseCommandLine({"cuts/Dummy", "--defaults", file, "--openedmodel"});
  ASSERT_TRUE(opened.has_value()) << opened.error().text;
  EXPECT_EQ(opened->load.prefork, 1u);
  EXPECT_EQ(opened->load.burst, "f2");
}

// "extra" nesting 100,000 levels used to crash (dump() recursing once per level).
TEST_F(DefaultsTest, DeepExtraIsRefusedNotACrash) {
  auto nested = [](std::size_t depth) {
    std::string text = R"({"extra": )";
    for (std::size_t i = 0; i < depth; ++i) text += R"({"a":)";
    text += "0";
    text += std::string(depth, '}');
    return text + "}";
  };
  std::string ok = Write("ok.json", nested(kMaxExtraDepth));
  auto accepted = ParseCommandLine({"cuts/Dummy", "--defaults", ok});
  ASSERT_TRUE(accepted.has_value()) << accepted.error().text;
  for (std::size_t depth : {kMaxExtraDepth + 1, std::size_t{100000}}) {
    std::string file = Write("deep.json", nested(depth));
    auto o = ParseCommandLine({"cuts/Dummy", "--defaults", file});
    ASSERT_FALSE(o.has_value()) << depth;
    EXPECT_NE(o.error().text.find("deep.json: option \"extra\" expects a JSON object of at most "
                                  "100 levels, not one nested deeper"),
              std::string::npos)
        << o.error().text;
  }
}

// Every --defaults given is read and checked; the last one applies.
TEST_F(DefaultsTest, ARepeatedDefaultsIsCheckedEveryTime) {
  std::string good = Write("good.json", R"({"process": 3})");
  std::string bad = Write("bad.json", R"({"process": 0})");
  auto o = ParseCommandLine({"cuts/Dummy", "--defaults", bad, "--defaults", good});
  ASSERT_FALSE(o.has_value());
  EXPECT_NE(o.error().text.find("bad.json: \"process\": '0'"), std::string::npos) << o.error().text;
  std::string other = Write("other.json", R"({"loops": 9})");
  auto last = ParseCommandLine({"cuts/Dummy", "--defaults", good, "--defaults", other});
  ASSERT_TRUE(last.has_value()) << last.error().text;
  EXPECT_EQ(last->load.processes, 1u);  // good.json was checked, not applied
  EXPECT_EQ(last->load.loops, 9u);
}

// ./defaults.json that is not a regular file is an error, not skipped: the
// run would use other values than the user meant.
TEST_F(DefaultsTest, AnImplicitDefaultsThatIsNotARegularFileIsAnError) {
  std::filesystem::create_directory(dir_ / "defaults.json");
  auto o = ParseCommandLine({"cuts/Dummy"});
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error().text,
            "defaults file 'defaults.json' is a directory, expected a regular file (pylogen reads "
            "./defaults.json when no --defaults is given: rename it, or name another file with "
            "--defaults)");
  std::string other = Write("other.json", R"({"process": 5})");
  EXPECT_TRUE(ParseCommandLine({"cuts/Dummy", "--defaults", other}).has_value());  // not read then
  std::filesystem::remove(dir_ / "defaults.json");
  ASSERT_EQ(mkfifo((dir_ / "defaults.json").c_str(), 0600), 0);
  auto fifo = ParseCommandLine({"cuts/Dummy"});  // never waits on the FIFO
  ASSERT_FALSE(fifo.has_value());
  EXPECT_EQ(fifo.error().text.rfind("defaults file 'defaults.json' is a FIFO", 0), 0u) << fifo.error().text;
}

TEST_F(DefaultsTest, AByteOrderMarkIsSkipped) {
  std::string file = Write("bom.json", "\xEF\xBB\xBF{\"process\": 6}");
  auto o = ParseCommandLine({"cuts/Dummy", "--defaults", file});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->load.processes, 6u);
}

}  // namespace
}  // namespace pylogen::cli
