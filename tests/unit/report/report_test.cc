// A report read back: SummaryJson of the parsed report is the report, the
// text summary is the same, and reports that are not pylogen's are refused
// with one line naming the file and the culprit.
#include "report/report.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "report_fixture.h"

namespace pylogen::report {
namespace {

using nlohmann::json;
using testing::MakeRun;

TEST(ParseReportTest, RoundTripGivesTheSameJsonAndText) {
  auto run = MakeRun(1);
  json written = output::SummaryJson(run.summary);
  auto parsed = ParseReport(written, "a.json");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->summary.stats, parsed->stats.get());
  EXPECT_EQ(output::SummaryJson(parsed->summary), written);
  EXPECT_EQ(output::SummaryText(parsed->summary), output::SummaryText(run.summary));
}

TEST(ParseReportTest, TotalsAndHistogramsAreRestored) {
  auto run = MakeRun(2);
  auto parsed = ParseReport(output::SummaryJson(run.summary), "a.json");
  ASSERT_TRUE(parsed) << parsed.error();
  const stats::Aggregator& agg = *parsed->stats;
  EXPECT_EQ(agg.requests(), run.agg->requests());
  EXPECT_EQ(agg.request_errors(), run.agg->request_errors());
  EXPECT_EQ(agg.transactions(), run.agg->transactions());
  EXPECT_EQ(agg.first_begin_ns(), run.agg->first_begin_ns());
  EXPECT_EQ(agg.last_end_ns(), run.agg->last_end_ns());
  ASSERT_EQ(agg.names().size(), run.agg->names().size());
  for (std::size_t i = 0; i < agg.names().size(); ++i) {
    EXPECT_EQ(agg.names()[i].service, run.agg->names()[i].service);
    EXPECT_EQ(agg.names()[i].wait != nullptr, run.agg->names()[i].wait != nullptr);
  }
  EXPECT_EQ(parsed->summary.host, "host-2");
  EXPECT_EQ(parsed->summary.workers[1].loop.cpu_ns, 123'456'789);
  EXPECT_TRUE(parsed->summary.opened[0].lateness == run.summary.opened[0].lateness);
}

TEST(ParseReportTest, IdsKeepTheirOrderWhateverTheNamesOrder) {
  stats::Aggregator agg({"first", "second"}, {"C", "C"});
  agg.Add(0, testing::MakeRecord(1, "R", testing::kT0, 10));  // the second load's name comes first
  agg.Add(0, testing::MakeRecord(0, "R", testing::kT0 + 5, 10));
  output::RunSummary s;
  s.stats = &agg;
  json written = output::SummaryJson(s);
  auto parsed = ParseReport(written, "a.json");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(output::SummaryJson(parsed->summary)["ids"], written["ids"]);
}

TEST(ParseReportTest, ExtraDataOfTheRunIsKept) {
  auto run = MakeRun(1);
  json written = output::SummaryJson(run.summary);
  written["event_lines"] = {{"output", "stdout"}, {"lost", 0}, {"error", ""}, {"closed", false}};
  written["intervals"] = json::array({{{"start_ns", 1}, {"requests", 2}}});
  auto parsed = ParseReport(written, "a.json");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->event_lines, written["event_lines"]);
  EXPECT_EQ(parsed->intervals, written["intervals"]);
}

TEST(ParseReportTest, ANameWithoutItsSpanTakesItsIdsSpan) {
  auto run = MakeRun(1);
  json written = output::SummaryJson(run.summary);
  for (json& name : written["names"]) {
    name.erase("first_begin_ns");
    name.erase("last_end_ns");
  }
  auto parsed = ParseReport(written, "a.json");
  ASSERT_TRUE(parsed) << parsed.error();
  // The span from the id's ISO times (to the microsecond).
  EXPECT_EQ(parsed->stats->first_begin_ns(), run.agg->first_begin_ns() / 1000 * 1000);
}

std::string Refusal(const json& j) {
  auto parsed = ParseReport(j, "A.json");
  return parsed ? "accepted" : parsed.error();
}

TEST(ParseReportTest, RefusesWhatIsNotAPylogenReport) {
  EXPECT_EQ(Refusal(json::array()), "A.json: not a pylogen report (not a JSON object)");
  EXPECT_EQ(Refusal(json::object()), "A.json: not a pylogen report (no \"schema\")");
  EXPECT_EQ(Refusal({{"schema", "x"}}), "A.json: not a pylogen report (\"schema\" is not a number)");
  EXPECT_EQ(Refusal({{"schema", output::kReportSchema + 1}}),
            fmt::format("A.json: report schema {}, this pylogen reads schema {}", output::kReportSchema + 1,
                        output::kReportSchema));
}

TEST(ParseReportTest, RefusalsNameTheField) {
  auto run = MakeRun(1);
  json good = output::SummaryJson(run.summary);
  json j = good;
  j.erase("names");
  EXPECT_EQ(Refusal(j), "A.json: names: missing");
  j = good;
  j["names"][1].erase("service");
  EXPECT_EQ(Refusal(j), "A.json: names[1].service: missing");
  j = good;
  j["names"][0]["count"] = -3;
  EXPECT_EQ(Refusal(j), "A.json: names[0].count: expected a non-negative integer");
  j = good;
  j["names"][0]["nature"] = "xyz";
  EXPECT_EQ(Refusal(j), "A.json: names[0].nature: 'xyz', expected req or tra");
  j = good;
  j["workers"][0]["pid"] = "12";
  EXPECT_EQ(Refusal(j), "A.json: workers[0].pid: expected an integer");
  j = good;
  j["high_water_marks"]["busy_workers"]["at"] = "yesterday";
  EXPECT_EQ(Refusal(j), "A.json: high_water_marks.busy_workers.at: 'yesterday', expected a time such as "
                        "2026-11-22T21:30:37.901012Z");
  j = good;
  j["thresholds"][0]["expression"] = "p99<";
  EXPECT_TRUE(Refusal(j).starts_with("A.json: thresholds[0].expression: ")) << Refusal(j);
  j = good;
  j["opened"][0]["emitted_per_second"][1] = -1;
  EXPECT_EQ(Refusal(j), "A.json: opened[0].emitted_per_second[1]: expected a count");
}

TEST(ParseReportTest, ABrokenHistogramIsRefusedWithItsPlace) {
  auto run = MakeRun(1);
  json j = output::SummaryJson(run.summary);
  j["names"][2]["service"]["histogram"]["count"] = 1;
  std::string refusal = Refusal(j);
  EXPECT_TRUE(refusal.starts_with("A.json: names[2].service.histogram: ")) << refusal;
}

class ReadReportTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / fmt::format("pylogen-report-test-{}", getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ReadReportTest, ReadsAWrittenReport) {
  auto run = MakeRun(3);
  std::string path = Write("a.json", output::SummaryJson(run.summary).dump(2));
  auto r = ReadReport(path);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->origin, path);
  EXPECT_EQ(output::SummaryJson(r->summary), output::SummaryJson(run.summary));
}

TEST_F(ReadReportTest, RefusesUnreadableAndNonJsonFiles) {
  std::string missing = (dir_ / "missing.json").string();
  EXPECT_EQ(ReadReport(missing).error(),
            fmt::format("cannot read report '{}': No such file or directory", missing));
  EXPECT_EQ(ReadReport(dir_.string()).error(),
            fmt::format("report '{}' is a directory, expected a regular file", dir_.string()));
  std::string bad = Write("bad.json", "{\n  \"schema\": 1,\n  oops\n}\n");
  EXPECT_EQ(ReadReport(bad).error(), fmt::format("{}: not JSON (syntax error at line 3, column 3)", bad));
  std::string empty = Write("empty.json", "");
  EXPECT_TRUE(ReadReport(empty).error().starts_with(empty + ": not JSON")) << ReadReport(empty).error();
  std::string other = Write("other.json", "{\"k6\": true}");
  EXPECT_EQ(ReadReport(other).error(), other + ": not a pylogen report (no \"schema\")");
}

TEST_F(ReadReportTest, AFifoIsRefusedWithoutWaiting) {
  std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadReport(fifo).error(), fmt::format("report '{}' is a FIFO, expected a regular file", fifo));
}

}  // namespace
}  // namespace pylogen::report
