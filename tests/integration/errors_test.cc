// Errors you can see (issue 12, item 6), through the real binary: the
// breakdown by rc and message, failed requests timed apart, and the
// headline of a run that mostly failed or dropped events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

namespace pylogen::testing {
namespace {

// The text summary's lines, from "== pylogen summary ==" on.
std::vector<std::string> SummaryLines(const std::string& out) {
  auto lines = Lines(out);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "== pylogen summary ==") return {lines.begin() + i, lines.end()};
  }
  return {};
}

// Port 1 refuses connections: every request fails, in microseconds.
TEST(Errors, ARefusedUrlSaysSoAtTheTopAndBreaksErrorsDownByRc) {
  std::string report = TempPath("refused.json");
  auto r =
      RunPylogen({SampleCut("Http"), "--loops", "3", "--extra", R"({"url":"http://127.0.0.1:1/"})",
                  "--outformat", "none", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // thresholds are the way to fail CI
  auto summary = SummaryLines(r.out);
  ASSERT_GE(summary.size(), 2u) << r.out;
  EXPECT_EQ(summary[1].rfind("!! most requests failed: 3 of 3 (100.0%); top error: rc 7 ", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("\nerrors ("), std::string::npos) << r.out;
  auto j = ReadJson(report);
  ASSERT_EQ(j["names"].size(), 1u) << j["names"].dump();
  const auto& name = j["names"][0];
  EXPECT_EQ(name["errors"], 3);
  ASSERT_EQ(name["errors_by"].size(), 1u) << name["errors_by"].dump();
  EXPECT_EQ(name["errors_by"][0]["rc"], 7);
  EXPECT_EQ(name["errors_by"][0]["count"], 3);
  EXPECT_FALSE(name["errors_by"][0]["message"].get<std::string>().empty());
  EXPECT_EQ(name["errors_other"], 0);
  EXPECT_EQ(name["failed"]["count"], 3);
  EXPECT_EQ(name["service"]["count"], 0);  // refusals are not latency
  EXPECT_EQ(j["ids"][0]["latency"]["count"], 0);
  ASSERT_FALSE(j["warnings"].empty());
  EXPECT_EQ(j["warnings"][0].get<std::string>().rfind("most requests failed: 3 of 3 (100.0%)", 0),
            0u)
      << j["warnings"].dump();
}

// Dummy fails every n-th call with its own message ("Dummy error on call
// N"): distinct messages, kept up to the bound.
TEST(Errors, DummyErrorsAreBrokenDownAndTimedApart) {
  std::string report = TempPath("dummy_errors.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "20", "--extra", R"({"sleep":0,"error":2})",
                       "--outformat", "none", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& name = j["names"][0];
  EXPECT_EQ(name["count"], 20);
  EXPECT_EQ(name["errors"], 10);
  EXPECT_EQ(name["service"]["count"], 10);
  EXPECT_EQ(name["failed"]["count"], 10);
  ASSERT_EQ(name["errors_by"].size(), 10u);
  for (const auto& pair : name["errors_by"]) {
    EXPECT_EQ(pair["rc"], 1);
    EXPECT_EQ(pair["count"], 1);
    EXPECT_EQ(pair["message"].get<std::string>().rfind("Dummy error on call ", 0), 0u) << pair;
  }
  EXPECT_EQ(name["errors_other"], 0);
  // Half failed is not most: no headline. Ties in the order first seen.
  EXPECT_EQ(r.out.find("!! "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    rc 1 \"Dummy error on call 2\": 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    ... 5 more error(s)"), std::string::npos) << r.out;
}

TEST(Errors, AFloodOfDistinctMessagesIsBounded) {
  std::string report = TempPath("dummy_flood.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "40", "--extra", R"({"sleep":0,"error":1})",
                       "--outformat", "none", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& name = j["names"][0];
  EXPECT_EQ(name["errors"], 40);
  EXPECT_EQ(name["errors_by"].size(), 16u);
  EXPECT_EQ(name["errors_other"], 24);
  auto summary = SummaryLines(r.out);
  ASSERT_GE(summary.size(), 2u) << r.out;
  EXPECT_EQ(summary[1].rfind("!! most requests failed: 40 of 40 (100.0%); top error: rc 1 ", 0), 0u)
      << r.out;
}

// One worker serving 50 ms events at 400/s into a jobs queue of 2: most
// events find it full.
TEST(Errors, DroppedEventsSaySoAtTheTopOnce) {
  std::string report = TempPath("dropped.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--schedule", "1@400", "--prefork", "1",
                       "--maxworkers", "1", "--jobs", "2", "--extra", R"({"sleep":0.05})",
                       "--outformat", "none", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& events = j["opened"][0]["events"];
  std::uint64_t dropped = events["dropped"], emitted = events["emitted"];
  ASSERT_GT(dropped, 300u);
  std::string expected = j["opened"][0]["id"].get<std::string>() + ": " + std::to_string(dropped) +
                         " of " + std::to_string(dropped + emitted) + " events dropped (";
  auto summary = SummaryLines(r.out);
  ASSERT_GE(summary.size(), 2u) << r.out;
  EXPECT_EQ(summary[1].rfind("!! " + expected, 0), 0u) << r.out;
  ASSERT_FALSE(j["warnings"].empty());
  EXPECT_EQ(j["warnings"][0].get<std::string>().rfind(expected, 0), 0u) << j["warnings"].dump();
  std::size_t said = 0;
  for (const auto& w : j["warnings"])
    said += w.get<std::string>().find("dropped") != std::string::npos;
  EXPECT_EQ(said, 1u) << j["warnings"].dump();
}

}  // namespace
}  // namespace pylogen::testing
