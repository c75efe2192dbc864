// Errors you can see: the errors block, the per-name JSON, the headline.
#include "output/error_summary.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>

namespace pylogen::output {
namespace {

stats::Record Request(const char* request, int rc = 0, const char* error = "",
                      std::int64_t service = 1'000'000) {
  stats::Record r{};
  r.kind = stats::RecordKind::kRequest;
  r.begin_ns = 1'000'000'000;
  r.service_ns = service;
  r.rc = rc;
  std::strcpy(r.manager, "M");
  std::strcpy(r.request, request);
  std::strcpy(r.error, error);
  return r;
}

std::vector<std::string> LinesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return lines;
}

class ErrorSummaryTest : public ::testing::Test {
 protected:
  ErrorSummaryTest() : agg_({"ID"}, {"Cut"}) {
    summary_.stats = &agg_;
    summary_.duration_s = 1.0;
  }
  std::size_t Count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1))
      ++n;
    return n;
  }
  stats::Aggregator agg_;
  RunSummary summary_;
};

TEST_F(ErrorSummaryTest, AHealthyRunHasNeitherBlockNorHeadline) {
  for (int i = 0; i < 10; ++i) agg_.Add(0, Request("R"));
  EXPECT_EQ(ErrorsText(agg_), "");
  EXPECT_TRUE(Headline(summary_).empty());
  std::string text = SummaryText(summary_);
  EXPECT_EQ(text.find("!!"), std::string::npos) << text;
  EXPECT_EQ(text.find("\nerrors"), std::string::npos) << text;
}

TEST_F(ErrorSummaryTest, TheBlockListsTheTopPairsOfEachName) {
  for (int i = 0; i < 3; ++i) agg_.Add(0, Request("GET", 7, "Couldn't connect to server", 22'000));
  agg_.Add(0, Request("GET", 28, "Timeout was reached", 30'000));
  agg_.Add(0, Request("GET"));
  agg_.Add(0, Request("POST", 1, "say \"no\"\n"));
  std::string text = ErrorsText(agg_);
  auto lines = LinesOf(text);
  ASSERT_EQ(lines.size(), 7u) << text;
  EXPECT_EQ(lines[0], "");
  EXPECT_EQ(lines[1].rfind("errors (", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2], "  ID.Cut.0.M.GET: 4 failed, 22.00us min, 24.00us mean, 30.00us max");
  EXPECT_EQ(lines[3], "    rc 7 \"Couldn't connect to server\": 3");
  EXPECT_EQ(lines[4], "    rc 28 \"Timeout was reached\": 1");
  EXPECT_EQ(lines[5].rfind("  ID.Cut.0.M.POST: 1 failed", 0), 0u) << lines[5];
  EXPECT_EQ(lines[6], "    rc 1 \"say \\\"no\\\"\\n\": 1");  // escaped: one line each
  // And it follows the per-name table in the summary.
  std::string summary = SummaryText(summary_);
  EXPECT_LT(summary.find("per name"), summary.find(text)) << summary;
  EXPECT_LT(summary.find(text), summary.find("per id")) << summary;
}

TEST_F(ErrorSummaryTest, TheBlockIsBoundedPerNameAndInAll) {
  // One name with 8 pairs: its top 5, then the rest in one line.
  for (int p = 0; p < 8; ++p) {
    for (int k = 0; k <= p; ++k) agg_.Add(0, Request("A", p + 1, "e"));
  }
  std::string one = ErrorsText(agg_);
  EXPECT_EQ(Count(one, "    rc "), kErrorPairsPerName) << one;
  EXPECT_NE(one.find("    rc 8 \"e\": 8\n"), std::string::npos) << one;  // the most frequent first
  EXPECT_EQ(one.find("rc 3 \"e\""), std::string::npos) << one;
  EXPECT_NE(one.find("    ... 6 more error(s): see errors_by in the JSON report\n"),
            std::string::npos)
      << one;
  // Ten more names with 4 pairs each: 20 lines in all, then one "... more".
  for (int n = 0; n < 10; ++n) {
    std::string name = fmt::format("N{}", n);
    for (int p = 0; p < 4; ++p) agg_.Add(0, Request(name.c_str(), p + 1, "e"));
  }
  auto lines = LinesOf(ErrorsText(agg_));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.size(), 2 + kErrorLines + 1) << ErrorsText(agg_);
  EXPECT_EQ(lines.back(), "  ... 7 more name(s) with 28 error(s) in the JSON report");
}

TEST_F(ErrorSummaryTest, MessagesBeyondTheKeptPairsAreSaidToBeOther) {
  for (int i = 0; i < 20; ++i) agg_.Add(0, Request("A", 1, fmt::format("call {}", i).c_str()));
  std::string text = ErrorsText(agg_);
  EXPECT_NE(text.find("    ... 15 more error(s): see errors_by in the JSON report"),
            std::string::npos)
      << text;
  nlohmann::json j = SummaryJson(summary_)["names"][0];
  EXPECT_EQ(j["errors_by"].size(), stats::ErrorBreakdown::kMaxPairs);
  EXPECT_EQ(j["errors_other"], 20 - stats::ErrorBreakdown::kMaxPairs);
}

TEST_F(ErrorSummaryTest, EachNameOfTheReportHasFailedAndErrorsBy) {
  agg_.Add(0, Request("GET", 0, "", 1'000'000));
  agg_.Add(0, Request("GET", 7, "Couldn't connect to server", 22'000));
  agg_.Add(0, Request("GET", 7, "Couldn't connect to server", 22'000));
  nlohmann::json j = SummaryJson(summary_)["names"][0];
  EXPECT_EQ(j["count"], 3);
  EXPECT_EQ(j["errors"], 2);
  EXPECT_EQ(j["service"]["count"], 1);
  EXPECT_EQ(j["service"]["max_ns"], 1'000'000);
  EXPECT_EQ(j["failed"]["count"], 2);
  EXPECT_EQ(j["failed"]["max_ns"], 22'000);
  EXPECT_EQ(j["failed"]["p50_ns"], agg_.names()[0].failed.ValueAtPercentile(50));
  EXPECT_TRUE(j["failed"]["histogram"].is_object());
  EXPECT_EQ(j["errors_by"], nlohmann::json::parse(
                                R"([{"rc":7,"message":"Couldn't connect to server","count":2}])"));
  EXPECT_EQ(j["errors_other"], 0);
  auto back = stats::ErrorBreakdown::FromJson(j);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, agg_.names()[0].errors_by);
  // ids[] latency is of the successful requests too.
  EXPECT_EQ(SummaryJson(summary_)["ids"][0]["latency"]["count"], 1);
}

TEST_F(ErrorSummaryTest, MostRequestsFailedOpensTheSummaryAndTheWarnings) {
  for (int i = 0; i < 3; ++i) agg_.Add(0, Request("GET", 7, "Couldn't connect to server", 22'000));
  const std::string expected =
      "most requests failed: 3 of 3 (100.0%); top error: rc 7 \"Couldn't connect to server\" (3); "
      "to fail CI on it: --threshold errors==0 (exit code 99)";
  ASSERT_EQ(Headline(summary_), std::vector<std::string>{expected});
  summary_.warnings.push_back("an earlier warning");
  AddDerivedWarnings(summary_);
  ASSERT_FALSE(summary_.warnings.empty());
  EXPECT_EQ(summary_.warnings.front(), expected);
  EXPECT_EQ(SummaryJson(summary_)["warnings"][0], expected);
  auto lines = LinesOf(SummaryText(summary_));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[1], "== pylogen summary ==");
  EXPECT_EQ(lines[2], "!! " + expected);
  // Said once in the text: the warnings block holds the others only.
  std::string text = SummaryText(summary_);
  EXPECT_EQ(text.find(expected), text.rfind(expected)) << text;
  EXPECT_NE(text.find("  - an earlier warning"), std::string::npos) << text;
  // Nothing succeeded: the latency cells of the name and id rows are blank
  // ("-"), not 0ns figures.
  std::size_t rows = 0;
  for (const std::string& line : lines) {
    if (line.rfind("  ID.Cut.0.M.GET ", 0) != 0 && line.rfind("  ID ", 0) != 0) continue;
    ++rows;
    EXPECT_EQ(line.find("ns"), std::string::npos) << line;
    EXPECT_EQ(line.substr(line.size() - 10), "         -") << line;
  }
  EXPECT_EQ(rows, 2u);
}

TEST_F(ErrorSummaryTest, HalfFailedIsNotMost) {
  agg_.Add(0, Request("GET", 7, "x"));
  agg_.Add(0, Request("GET"));
  EXPECT_TRUE(Headline(summary_).empty());
  agg_.Add(0, Request("GET", 7, "x"));  // 2 of 3
  ASSERT_EQ(Headline(summary_).size(), 1u);
  EXPECT_EQ(Headline(summary_)[0].rfind(
                "most requests failed: 2 of 3 (66.7%); top error: rc 7 \"x\" (2)", 0),
            0u)
      << Headline(summary_)[0];
}

TEST_F(ErrorSummaryTest, TransactionsDoNotCountAsRequests) {
  agg_.Add(0, Request("GET"));
  stats::Record t = Request("", 1, "failed transaction");
  t.kind = stats::RecordKind::kTransaction;
  agg_.Add(0, t);
  agg_.Add(0, t);
  EXPECT_TRUE(Headline(summary_).empty());
  EXPECT_NE(ErrorsText(agg_).find("rc 1 \"failed transaction\": 2"), std::string::npos);
}

TEST_F(ErrorSummaryTest, AnErrorsThresholdTakesTheHintsPlace) {
  for (int i = 0; i < 3; ++i) agg_.Add(0, Request("GET", 7, "refused"));
  thresholds::Observed o;
  o.threshold.metric = thresholds::Metric::kErrors;
  summary_.thresholds.push_back(o);
  ASSERT_EQ(Headline(summary_).size(), 1u);
  EXPECT_EQ(Headline(summary_)[0],
            "most requests failed: 3 of 3 (100.0%); top error: rc 7 \"refused\" (3)");
}

TEST_F(ErrorSummaryTest, DroppedEventsOpenTheSummaryOnceEach) {
  for (int i = 0; i < 30; ++i) agg_.Add(0, Request("GET"));
  OpenedSummary o;
  o.load_id = "Dummy";
  o.generator_state = "ended";
  o.scheduled = 100;
  o.emitted = 30;
  o.dropped = 70;
  o.served = 30;
  summary_.opened.push_back(o);
  const std::string expected =
      "Dummy: 70 of 100 events dropped (70.0%): the jobs queue was full (--jobs)";
  ASSERT_EQ(Headline(summary_), std::vector<std::string>{expected});
  AddDerivedWarnings(summary_);
  EXPECT_EQ(summary_.warnings, std::vector<std::string>{expected});  // not said twice
  auto lines = LinesOf(SummaryText(summary_));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[2], "!! " + expected);
}

}  // namespace
}  // namespace pylogen::output
