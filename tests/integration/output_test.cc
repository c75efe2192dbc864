// Event line formats, --output, the text summary and the JSON report, end to end.
#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

RunResult RunFormat(std::vector<std::string> extra_args) {
  std::vector<std::string> args = {SampleCut("Dummy"), "--process", "2", "--loops", "3",
                                   "--extra", R"({"sleep":0})", "--id", "FMT"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return RunPylogen(args);
}

TEST(Output, ShortIsTheDefaultWithPylogensColumns) {
  auto r = RunFormat({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    auto w = Words(line);
    ASSERT_EQ(w.size(), 19u) << line;
    EXPECT_EQ(w[2], "stat");
    EXPECT_EQ(w[8].rfind("FMT.", 0), 0u) << line;  // full id
    EXPECT_EQ(w[9], "req");
    EXPECT_EQ(w[10], "None");
    EXPECT_EQ(w[13], "RC");
    EXPECT_EQ(w[14], "0");
    EXPECT_EQ(w[15], "step");
    EXPECT_EQ(w[17], "t");
  }
  // The global count runs 1..6 in reading order.
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(Words(lines[i])[3], std::to_string(i + 1));
}

TEST(Output, CsvHasAHeaderAndEqualColumnCounts) {
  auto r = RunFormat({"--outformat", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("time,epoch,type,count,", 0), 0u) << lines[0];
  auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  for (const auto& line : lines) EXPECT_EQ(commas(line), commas(lines[0])) << line;
}

TEST(Output, JsonIsOneObjectPerLine) {
  auto r = RunFormat({"--outformat", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["nature"], "req");
    EXPECT_EQ(j["rc"], 0);
    EXPECT_EQ(j["length"], "0");
    EXPECT_TRUE(j["transaction"].is_null());
    EXPECT_GE(j["seconds"].get<double>(), 0);
  }
}

TEST(Output, LongIsLabelled) {
  auto r = RunFormat({"--outformat", "long"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    EXPECT_NE(line.find("count="), std::string::npos);
    EXPECT_NE(line.find("id=FMT."), std::string::npos);
    EXPECT_NE(line.find("rc=0"), std::string::npos);
  }
}

TEST(Output, JtlHasJMetersHeader) {
  auto r = RunFormat({"--outformat", "jtl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("timeStamp,elapsed,label,responseCode,responseMessage,threadName,", 0), 0u);
}

TEST(Output, UnknownFormatFallsBackToLongWithAWarning) {
  auto r = RunFormat({"--outformat", "x", "-v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_NE(lines[0].find("count="), std::string::npos);
  EXPECT_NE(r.err.find("unknown --outformat 'x'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("unknown --outformat"), std::string::npos);  // in the summary's warnings
}

TEST(Output, NoneWritesOnlyTheSummary) {
  auto r = RunFormat({"--outformat", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(EventLines(r.out).empty());
  EXPECT_NE(r.out.find("requests: 6 (0 errors)"), std::string::npos) << r.out;
}

TEST(Output, OutputFileTakesTheLinesAndStdoutTheSummary) {
  std::string file = TempPath("lines.txt");
  auto r = RunFormat({"--output", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(EventLines(r.out).empty());
  EXPECT_EQ(Lines(ReadFile(file)).size(), 6u);
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos);
}

TEST(Output, SummaryShowsNamesPercentilesAndHighWaterMarks) {
  auto r = RunFormat({"--outformat", "none", "--lengths", "1,2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected : {"FMT.Dummy.0.Dummy.R_1", "FMT.Dummy.1.Dummy.R_2", "p99.9", "p50",
                               "high-water marks:", "queue length", "global throughput",
                               "running workers", "busy workers", "runner-1", "per id"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
}

TEST(Output, ReportHoldsTheDocumentedSchema) {
  std::string report = TempPath("report.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--process", "2", "--loops", "5", "--id", "REP",
                       "--extra", R"({"sleep":0.001,"transaction":true})", "--outformat", "none",
                       "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["schema"], 1);
  EXPECT_EQ(j["requests"]["count"], 30);
  EXPECT_EQ(j["requests"]["errors"], 0);
  EXPECT_EQ(j["transactions"]["count"], 10);
  EXPECT_GT(j["duration_s"].get<double>(), 0.005);
  EXPECT_FALSE(j["interrupted"].get<bool>());
  ASSERT_EQ(j["names"].size(), 4u);  // the transaction and its three requests
  for (const auto& n : j["names"]) {
    EXPECT_EQ(n["count"], 10);
    const auto& s = n["service"];
    for (const char* key : {"min_ns", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "p99_9_ns", "max_ns"}) {
      ASSERT_TRUE(s.contains(key)) << key;
    }
    EXPECT_LE(s["min_ns"].get<double>(), s["p50_ns"].get<double>());
    EXPECT_LE(s["p50_ns"].get<double>(), s["p99_ns"].get<double>());
    EXPECT_LE(s["p99_ns"].get<double>(), s["max_ns"].get<double>());
    if (n["nature"] == "req") {
      EXPECT_GE(s["min_ns"].get<double>(), 1e6);  // slept 1 ms
    }
  }
  ASSERT_EQ(j["ids"].size(), 1u);
  EXPECT_EQ(j["ids"][0]["id"], "REP");
  EXPECT_EQ(j["ids"][0]["requests"], 30);
  EXPECT_EQ(j["workers"].size(), 2u);
  for (const char* key : {"queue_length", "throughput", "running_workers", "busy_workers"}) {
    EXPECT_TRUE(j["high_water_marks"].contains(key)) << key;
  }
  EXPECT_EQ(j["high_water_marks"]["running_workers"]["value"], 2);
}

}  // namespace
}  // namespace pylogen::testing
