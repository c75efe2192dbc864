// `pylogen report show|merge` on the real binary, over reports of real runs:
// show prints the run's summary again; merge sums the counts exactly and
// its percentiles are those of one histogram fed with both reports'
// histograms (recomputed here from the README's bucket layout); thresholds
// re-evaluated (exit 99); refused reports are one line, exit 2.
#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

using nlohmann::json;

// A short closed-model run of cuts/Dummy (2 processes, `loops` loops, a
// sleep) with its report.
RunResult RunDummy(const std::string& report, const std::string& loops, const std::string& sleep) {
  return RunPylogen({SampleCut("Dummy"), "--proc", "2", "--loops", loops, "--lengths", "0,1",
                     "--extra", fmt::format(R"({{"sleep":{}}})", sleep), "--outformat", "none",
                     "--report", report, "--threshold", "errors==0"});
}

// The README's layout: the highest value of bucket `index`.
std::int64_t HighestEquivalent(std::int64_t index) {
  if (index < 2048) return index;
  std::int64_t b = index / 1024 - 1;
  return ((index - 1024 * b + 1) << b) - 1;
}

// The buckets of histogram JSONs added up, and the percentile as the README
// defines it: the highest value of the bucket holding the ceil(p/100 x
// count)-th value, clamped to [min, max].
struct Union {
  std::map<std::int64_t, std::uint64_t> buckets;
  std::uint64_t count = 0;
  std::int64_t min = INT64_MAX, max = 0;
  void Add(const json& h) {
    for (const json& b : h["buckets"]) buckets[b[0].get<std::int64_t>()] += b[1].get<std::uint64_t>();
    count += h["count"].get<std::uint64_t>();
    if (h["count"].get<std::uint64_t>() != 0) min = std::min(min, h["min"].get<std::int64_t>());
    max = std::max(max, h["max"].get<std::int64_t>());
  }
  std::int64_t Percentile(double p) const {
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100 * static_cast<double>(count)));
    rank = std::max<std::uint64_t>(rank, 1);
    std::uint64_t seen = 0;
    for (const auto& [index, n] : buckets) {
      seen += n;
      if (seen >= rank) return std::clamp(HighestEquivalent(index), min, max);
    }
    return max;
  }
};

const json& NameIn(const json& report, const std::string& name) {
  for (const json& n : report["names"]) {
    if (n["name"] == name) return n;
  }
  static const json none;
  ADD_FAILURE() << name << " not in the report";
  return none;
}

class ReportCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = TempPath("a.json");
    b_ = TempPath("b.json");
    auto ra = RunDummy(a_, "20", "0.001");
    ASSERT_EQ(ra.exit_code, 0) << ra.err;
    a_text_ = ra.out;
    auto rb = RunDummy(b_, "30", "0.002");
    ASSERT_EQ(rb.exit_code, 0) << rb.err;
  }
  static std::string a_, b_, a_text_;
};
std::string ReportCommand::a_, ReportCommand::b_, ReportCommand::a_text_;

TEST_F(ReportCommand, ShowPrintsTheRunsSummaryAgain) {
  auto r = RunPylogen({"report", "show", a_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, a_text_);
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos);
}

TEST_F(ReportCommand, TheReportNamesItsHost) {
  json a = ReadJson(a_);
  ASSERT_TRUE(a["host"].is_string());
  EXPECT_FALSE(a["host"].get<std::string>().empty());
}

TEST_F(ReportCommand, MergeSumsCountsAndRecomputesPercentilesExactly) {
  std::string m = TempPath("m.json");
  auto r = RunPylogen({"report", "merge", a_, b_, "--report", m});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos);
  json a = ReadJson(a_), b = ReadJson(b_), merged = ReadJson(m);
  EXPECT_EQ(merged["schema"], a["schema"]);
  EXPECT_EQ(merged["requests"]["count"], 2 * 20 * 2 + 2 * 30 * 2);  // procs x loops x lengths
  EXPECT_EQ(merged["requests"]["count"].get<std::uint64_t>(),
            a["requests"]["count"].get<std::uint64_t>() + b["requests"]["count"].get<std::uint64_t>());
  EXPECT_EQ(merged["operations"].get<std::uint64_t>(),
            a["operations"].get<std::uint64_t>() + b["operations"].get<std::uint64_t>());
  ASSERT_EQ(merged["names"].size(), a["names"].size());
  for (const json& n : merged["names"]) {
    const std::string name = n["name"];
    const json& na = NameIn(a, name);
    const json& nb = NameIn(b, name);
    EXPECT_EQ(n["count"].get<std::uint64_t>(), na["count"].get<std::uint64_t>() + nb["count"].get<std::uint64_t>());
    Union u;
    u.Add(na["service"]["histogram"]);
    u.Add(nb["service"]["histogram"]);
    EXPECT_EQ(n["service"]["histogram"]["count"].get<std::uint64_t>(), u.count);
    EXPECT_EQ(n["service"]["p50_ns"].get<std::int64_t>(), u.Percentile(50)) << name;
    EXPECT_EQ(n["service"]["p90_ns"].get<std::int64_t>(), u.Percentile(90)) << name;
    EXPECT_EQ(n["service"]["p99_ns"].get<std::int64_t>(), u.Percentile(99)) << name;
    EXPECT_EQ(n["service"]["max_ns"].get<std::int64_t>(), u.max) << name;
    EXPECT_EQ(n["service"]["min_ns"].get<std::int64_t>(), u.min) << name;
  }
  // One id, its latency the union of all its names.
  ASSERT_EQ(merged["ids"].size(), 1u);
  Union id;
  id.Add(a["ids"][0]["latency"]["histogram"]);
  id.Add(b["ids"][0]["latency"]["histogram"]);
  EXPECT_EQ(merged["ids"][0]["latency"]["p99_ns"].get<std::int64_t>(), id.Percentile(99));
  // Start = min, end = max, workers with their origin, thresholds re-evaluated.
  EXPECT_EQ(merged["start"], std::min(a["start"].get<std::string>(), b["start"].get<std::string>()));
  EXPECT_EQ(merged["end"], std::max(a["end"].get<std::string>(), b["end"].get<std::string>()));
  ASSERT_EQ(merged["workers"].size(), 4u);
  EXPECT_EQ(merged["workers"][0]["origin"], a_);
  EXPECT_EQ(merged["workers"][3]["origin"], b_);
  EXPECT_EQ(merged["workers"][0]["host"], a["host"]);
  ASSERT_EQ(merged["thresholds"].size(), 1u);
  EXPECT_EQ(merged["thresholds"][0]["ok"], true);
  ASSERT_EQ(merged["merged_from"].size(), 2u);
  EXPECT_EQ(merged["merged_from"][1]["origin"], b_);
  // The merged report is itself a report.
  auto shown = RunPylogen({"report", "show", m});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, r.out);
}

TEST_F(ReportCommand, MergeThresholdsAreEvaluatedOnTheMerge) {
  auto broken = RunPylogen({"report", "merge", a_, b_, "--threshold", "count==80"});
  EXPECT_EQ(broken.exit_code, 99) << broken.err;
  EXPECT_NE(broken.out.find("BROKEN  count==80"), std::string::npos) << broken.out;
  auto held = RunPylogen({"report", "merge", a_, b_, "--threshold", "count==200"});
  EXPECT_EQ(held.exit_code, 0) << held.out;
  EXPECT_NE(held.out.find("ok      count==200"), std::string::npos) << held.out;
}

// A real run's report, parsed and rendered again by a merge of it alone:
// the same JSON, but for what a merge adds (origins, merged_from) and the
// run's event_lines.
TEST_F(ReportCommand, OneReportMergedAloneGivesTheSameJson) {
  std::string m = TempPath("alone.json");
  auto r = RunPylogen({"report", "merge", a_, "--report", m});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = ReadJson(a_), again = ReadJson(m);
  for (json& w : again["workers"]) {
    EXPECT_EQ(w["origin"], a_);
    w.erase("origin");
    w.erase("host");
  }
  for (json& w : again["warnings"]) {
    std::string text = w;
    ASSERT_TRUE(text.starts_with(a_ + ": ")) << text;
    w = text.substr(a_.size() + 2);
  }
  again.erase("merged_from");
  a.erase("event_lines");
  EXPECT_EQ(again, a);
}

TEST(ReportShow, AnOpenedModelRunIsShownAsItWasPrinted) {
  std::string report = TempPath("opened.json");
  auto run = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--schedule", "1@40", "--extra",
                         R"({"sleep":0.001})", "--outformat", "none", "--report", report});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(ReadJson(report)["opened"].size(), 1u);
  auto shown = RunPylogen({"report", "show", report});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, run.out);
  EXPECT_NE(shown.out.find("opened model:"), std::string::npos) << shown.out;
}

void ExpectRefused(const std::vector<std::string>& args, const std::string& line) {
  auto r = RunPylogen(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "pylogen: error: " + line + "\n");
}

TEST_F(ReportCommand, RefusedReportsAreOneLineNamingTheFile) {
  std::string missing = TempPath("missing.json");
  ExpectRefused({"report", "show", missing},
                "cannot read report '" + missing + "': No such file or directory");
  std::string text = TempPath("text.json");
  std::ofstream(text) << "not json\n";
  ExpectRefused({"report", "merge", a_, text}, text + ": not JSON (syntax error at line 1, column 2)");
  std::string other = TempPath("other.json");
  std::ofstream(other) << R"({"metrics": {}})";
  ExpectRefused({"report", "show", other}, other + ": not a pylogen report (no \"schema\")");
  json old = ReadJson(a_);
  old["schema"] = 0;
  std::string schema = TempPath("schema.json");
  std::ofstream(schema) << old.dump();
  ExpectRefused({"report", "merge", a_, schema},
                fmt::format("{}: report schema 0, this pylogen reads schema {}", schema, ReadJson(a_)["schema"].dump()));
  ExpectRefused({"report", "merge", a_, b_, "--report", a_},
                "--report '" + a_ + "' is the same file as the report to merge '" + a_ +
                    "': each needs a file of its own");
}

TEST_F(ReportCommand, HelpAndUsage) {
  auto help = RunPylogen({"report", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("pylogen report merge"), std::string::npos) << help.out;
  auto merge_help = RunPylogen({"report", "merge", "--help"});
  EXPECT_EQ(merge_help.exit_code, 0);
  EXPECT_NE(merge_help.out.find("--report"), std::string::npos) << merge_help.out;
  ExpectRefused({"report", "merge"}, "report merge: no report given: expected pylogen report merge A.json "
                                     "B.json ... [--report OUT] [--threshold EXPR ...] (see pylogen report --help)");
}

}  // namespace
}  // namespace pylogen::testing
