// `pylogen report show|merge`: the command line.
#include "cli/report_options.h"

#include <gtest/gtest.h>

namespace pylogen::cli {
namespace {

std::expected<ReportOptions, ParseStop> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "report");
  return ParseReportCommandLine(args);
}

std::string Error(std::vector<std::string> args) {
  auto parsed = Parse(std::move(args));
  if (parsed) return "accepted";
  EXPECT_EQ(parsed.error().exit_code, 2);
  return parsed.error().text;
}

TEST(ReportOptionsTest, Show) {
  auto o = Parse({"show", "a.json"});
  ASSERT_TRUE(o) << o.error().text;
  EXPECT_EQ(o->action, ReportOptions::Action::kShow);
  EXPECT_EQ(o->files, std::vector<std::string>{"a.json"});
}

TEST(ReportOptionsTest, MergeWithReportAndThresholds) {
  auto o = Parse({"merge", "a.json", "b.json", "--report", "m.json", "--threshold", "p99<5ms",
                  "--threshold=errors==0", "c.json"});
  ASSERT_TRUE(o) << o.error().text;
  EXPECT_EQ(o->action, ReportOptions::Action::kMerge);
  EXPECT_EQ(o->files, (std::vector<std::string>{"a.json", "b.json", "c.json"}));
  EXPECT_EQ(o->report, "m.json");
  ASSERT_EQ(o->thresholds.size(), 2u);
  EXPECT_EQ(o->thresholds[1].expression, "errors==0");
}

TEST(ReportOptionsTest, MergeOfOneReportIsAllowedAndPrefixesExpand) {
  auto o = Parse({"merge", "a.json", "--rep", "m.json"});
  ASSERT_TRUE(o) << o.error().text;
  EXPECT_EQ(o->files.size(), 1u);
  EXPECT_EQ(o->report, "m.json");
}

TEST(ReportOptionsTest, BadCommandLinesAreOneLine) {
  EXPECT_EQ(Error({}), "report: no subcommand given: expected pylogen report show A.json or pylogen report "
                       "merge A.json B.json ...");
  EXPECT_EQ(Error({"mrege", "a.json"}), "report: unknown subcommand 'mrege': expected show or merge");
  EXPECT_EQ(Error({"show"}), "report show: 0 reports given: expected one, pylogen report show A.json");
  EXPECT_EQ(Error({"show", "a.json", "b.json"}),
            "report show: 2 reports given: expected one, pylogen report show A.json");
  EXPECT_EQ(Error({"merge"}), "report merge: no report given: expected pylogen report merge A.json B.json ... "
                              "[--report OUT] [--threshold EXPR ...]");
  EXPECT_TRUE(Error({"merge", "a.json", "--threshold", "p99<"}).starts_with("report merge: --threshold: "));
  EXPECT_EQ(Error({"merge", "a.json", "--report", ""}), "report merge: --report: empty value, expected a file path");
  EXPECT_EQ(Error({"merge", "a.json", "--report="}), "report merge: --report: no value given (expected a file name)");
  EXPECT_EQ(Error({"merge", "a.json", "--bogus"}), "report merge: unknown option '--bogus'");
}

TEST(ReportOptionsTest, HelpOfEachLevel) {
  auto top = Parse({"--help"});
  ASSERT_FALSE(top);
  EXPECT_EQ(top.error().exit_code, 0);
  EXPECT_NE(top.error().text.find("pylogen report merge A.json B.json"), std::string::npos);
  auto merge = Parse({"merge", "--help"});
  ASSERT_FALSE(merge);
  EXPECT_EQ(merge.error().exit_code, 0);
  EXPECT_NE(merge.error().text.find("--threshold"), std::string::npos);
  EXPECT_NE(merge.error().text.find("One report alone is allowed"), std::string::npos);
  auto show = Parse({"show", "-h"});
  ASSERT_FALSE(show);
  EXPECT_NE(show.error().text.find("prints the text summary"), std::string::npos);
  EXPECT_EQ(show.error().text.find("--threshold"), std::string::npos);
}

}  // namespace
}  // namespace pylogen::cli
