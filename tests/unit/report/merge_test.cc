// Merging reports: counts summed, percentiles of the merged histograms
// equal those of one aggregator fed with the union of the records, spans
// min/max, origins kept; and the intervals hook.
#include "report/merge.h"

#include <gtest/gtest.h>

#include "report_fixture.h"

namespace pylogen::report {
namespace {

using nlohmann::json;
using testing::MakeRecord;
using testing::MakeRun;

Report Parsed(const output::RunSummary& s, const std::string& origin) {
  auto r = ParseReport(output::SummaryJson(s), origin);
  EXPECT_TRUE(r) << r.error();
  return std::move(*r);
}

TEST(MergeReportsTest, PercentilesAreThoseOfTheUnionOfTheRecords) {
  // Two shards made at the same time, and one aggregator fed with both.
  auto a = MakeRun(1, testing::kT0);
  auto b = MakeRun(5, testing::kT0 + 300'000'000, 150);
  auto both = MakeRun(1, testing::kT0);
  // The union: the records of b added to `both`'s aggregator by replaying b's fixture.
  stats::Aggregator& u = *both.agg;
  for (int i = 0; i < 150; ++i) {
    std::int64_t begin = testing::kT0 + 300'000'000 + i * 5'000'000;
    u.Add(1, MakeRecord(0, "R", begin, 1000 + (i * 7919 + 5 * 31) % 900'000, i % 17 == 0 ? 3 : 0));
    u.Add(1, MakeRecord(0, "S", begin + 100, 50'000 + 5 * 1000 + i));
    u.Add(1, MakeRecord(0, "", begin, 2'000'000));
    u.Add(1, MakeRecord(1, "R", begin + 7, 300 + i * 5, 0, (i * 13) % 5000));
  }
  std::vector<Report> inputs;
  inputs.push_back(Parsed(a.summary, "a.json"));
  inputs.push_back(Parsed(b.summary, "b.json"));
  auto merged = MergeReports(inputs);
  ASSERT_TRUE(merged) << merged.error();
  const stats::Aggregator& m = *merged->stats;
  EXPECT_EQ(m.requests(), u.requests());
  EXPECT_EQ(m.request_errors(), u.request_errors());
  EXPECT_EQ(m.transactions(), u.transactions());
  ASSERT_EQ(m.names().size(), u.names().size());
  for (std::size_t i = 0; i < m.names().size(); ++i) {
    const stats::NameStats& x = m.names()[i];
    const stats::NameStats& y = u.names()[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.errors, y.errors);
    EXPECT_EQ(x.bytes_in, y.bytes_in);
    EXPECT_EQ(x.first_begin_ns, y.first_begin_ns);
    EXPECT_EQ(x.last_end_ns, y.last_end_ns);
    EXPECT_TRUE(x.service == y.service) << x.name;
    for (double p : {50.0, 90.0, 99.0, 99.9}) {
      EXPECT_EQ(x.service.ValueAtPercentile(p), y.service.ValueAtPercentile(p)) << x.name << " p" << p;
    }
    ASSERT_EQ(x.wait != nullptr, y.wait != nullptr);
    if (x.wait) {
      EXPECT_TRUE(*x.wait == *y.wait);
      EXPECT_TRUE(*x.response == *y.response);
    }
  }
  // The renderers' figures are those of the union: names and ids.
  json mj = output::SummaryJson(merged->summary);
  output::RunSummary us;
  us.stats = &u;
  json uj = output::SummaryJson(us);
  EXPECT_EQ(mj["names"], uj["names"]);
  EXPECT_EQ(mj["ids"], uj["ids"]);
  EXPECT_EQ(mj["requests"]["count"], uj["requests"]["count"]);
  EXPECT_EQ(merged->summary.start_wall_ns, a.summary.start_wall_ns);
  EXPECT_EQ(merged->summary.end_wall_ns, std::max(a.summary.end_wall_ns, b.summary.end_wall_ns));
  EXPECT_DOUBLE_EQ(merged->summary.duration_s,
                   (merged->summary.end_wall_ns - merged->summary.start_wall_ns) / 1e9);
}

TEST(MergeReportsTest, RunFiguresAreCombinedWithTheirOrigin) {
  auto a = MakeRun(1);
  auto b = MakeRun(2);
  b.summary.interrupted = true;
  std::vector<Report> inputs;
  inputs.push_back(Parsed(a.summary, "a.json"));
  inputs.push_back(Parsed(b.summary, "b.json"));
  auto merged = MergeReports(inputs);
  ASSERT_TRUE(merged) << merged.error();
  const output::RunSummary& s = merged->summary;
  EXPECT_TRUE(s.interrupted);
  EXPECT_EQ(s.host, "host-1,host-2");
  EXPECT_EQ(s.operations, a.summary.operations + b.summary.operations);
  EXPECT_EQ(s.producer_wait_ns, a.summary.producer_wait_ns + b.summary.producer_wait_ns);
  EXPECT_EQ(s.shared_memory_bytes, 2u << 20);
  ASSERT_EQ(s.workers.size(), 4u);
  EXPECT_EQ(s.workers[0].origin, "a.json");
  EXPECT_EQ(s.workers[0].host, "host-1");
  EXPECT_EQ(s.workers[3].origin, "b.json");
  EXPECT_EQ(s.workers[3].pid, 4002);
  EXPECT_NE(output::SummaryText(s).find("operations 200, from b.json\n"), std::string::npos)
      << output::SummaryText(s);
  // Warnings kept, prefixed by their origin.
  EXPECT_EQ(s.warnings.size(), a.summary.warnings.size() + b.summary.warnings.size());
  EXPECT_EQ(s.warnings.front(), "a.json: " + a.summary.warnings.front());
  EXPECT_EQ(s.warnings.back(), "b.json: a warning of the run");
  // Marks: the highest with its instant, never a sum.
  EXPECT_EQ(merged->stats->busy().value, 3);
  EXPECT_EQ(merged->stats->busy().at_ns, b.agg->busy().at_ns / 1000 * 1000);
  EXPECT_EQ(merged->stats->queue_length().value, b.agg->queue_length().value);
  // Opened loads matched by id.
  ASSERT_EQ(s.opened.size(), 1u);
  const output::OpenedSummary& o = s.opened[0];
  EXPECT_EQ(o.scheduled, 400u);
  EXPECT_EQ(o.emitted, 398u);
  EXPECT_EQ(o.dropped, 2u);
  EXPECT_EQ(o.served, 398u);
  EXPECT_EQ(o.emitted_per_second, (std::vector<std::uint32_t>{20, 40, 3}));
  EXPECT_EQ(o.lateness.count(), 100u);
  EXPECT_EQ(o.lateness.max(), 100 + 49 * 2);
  EXPECT_EQ(o.limit_checks, 8u);
  EXPECT_EQ(o.max_workers, 4u);
  // The merged JSON is still a report that parses.
  auto again = ParseReport(output::SummaryJson(s), "m.json");
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->summary.workers[3].origin, "b.json");
}

TEST(MergeReportsTest, OneReportAloneIsRenderedAgain) {
  auto a = MakeRun(1);
  std::vector<Report> inputs;
  inputs.push_back(Parsed(a.summary, "a.json"));
  auto merged = MergeReports(inputs);
  ASSERT_TRUE(merged) << merged.error();
  json mj = output::SummaryJson(merged->summary);
  json aj = output::SummaryJson(a.summary);
  for (const char* key : {"names", "ids", "requests", "start", "end", "duration_s", "opened"}) {
    EXPECT_EQ(mj[key], aj[key]) << key;
  }
}

TEST(MergeReportsTest, ThresholdsOfTheInputsOnceEach) {
  auto a = MakeRun(1);
  auto b = MakeRun(2);
  b.summary.thresholds = output::EvaluateThresholds(
      {*thresholds::ParseThreshold("errors==0"), *thresholds::ParseThreshold("rate>=1")}, b.summary);
  std::vector<Report> inputs;
  inputs.push_back(Parsed(a.summary, "a.json"));
  inputs.push_back(Parsed(b.summary, "b.json"));
  auto list = MergedThresholds(inputs);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].expression, "p99<1ms");
  EXPECT_EQ(list[1].expression, "errors==0");
  EXPECT_EQ(list[2].expression, "rate>=1");
  auto merged = MergeReports(inputs);
  auto observed = output::EvaluateThresholds(list, merged->summary);
  EXPECT_FALSE(observed[1].ok);  // the merged run has errors
  EXPECT_EQ(observed[1].value, static_cast<double>(a.agg->request_errors() + b.agg->request_errors()));
}

TEST(MergeNameStatsTest, SumsAndMergesAndSpans) {
  stats::NameStats a, b;
  a.count = 2;
  a.errors = 1;
  a.first_begin_ns = 100;
  a.last_end_ns = 200;
  a.service.Record(10);
  a.service.Record(20);
  b.count = 1;
  b.first_begin_ns = 50;
  b.last_end_ns = 150;
  b.service.Record(30);
  b.wait = std::make_unique<stats::Histogram>();
  b.response = std::make_unique<stats::Histogram>();
  b.wait->Record(5);
  b.response->Record(35);
  MergeNameStats(a, b);
  EXPECT_EQ(a.count, 3u);
  EXPECT_EQ(a.errors, 1u);
  EXPECT_EQ(a.first_begin_ns, 50);
  EXPECT_EQ(a.last_end_ns, 200);
  EXPECT_EQ(a.service.count(), 3u);
  EXPECT_EQ(a.service.max(), 30);
  ASSERT_TRUE(a.wait);
  EXPECT_EQ(a.wait->count(), 1u);
  // An empty name does not move the span.
  stats::NameStats empty;
  MergeNameStats(a, empty);
  EXPECT_EQ(a.first_begin_ns, 50);
}

json HistogramOf(std::initializer_list<std::int64_t> values) {
  stats::Histogram h;
  for (auto v : values) h.Record(v);
  return h.ToJson();
}

// Interval objects merged by a counting callback: the hook's ordering and
// errors (the real merge of interval objects, stats::MergeIntervalJson, is
// tested in tests/unit/stats/interval_json_test.cc).
json Counted(std::int64_t start, int n) { return {{"start_ns", start}, {"n", n}}; }

std::expected<void, std::string> AddN(json& into, const json& from) {
  into["n"] = into["n"].get<int>() + from["n"].get<int>();
  return {};
}

TEST(MergeIntervalsTest, SameStartsMergedOthersKeptInOrder) {
  json a = json::array({Counted(1'000'000'000, 2), Counted(2'000'000'000, 1)});
  json b = json::array({Counted(0, 1), Counted(2'000'000'000, 3)});
  auto merged = MergeIntervals({a, b}, AddN);
  ASSERT_TRUE(merged) << merged.error();
  ASSERT_EQ(merged->size(), 3u);
  EXPECT_EQ((*merged)[0], Counted(0, 1));
  EXPECT_EQ((*merged)[1], a[0]);  // alone at its start: kept as it is
  EXPECT_EQ((*merged)[2], Counted(2'000'000'000, 4));
}

TEST(MergeIntervalsTest, BadShapesAndRefusedMergesAreNamed) {
  EXPECT_EQ(MergeIntervals({json::array({{{"end_ns", 1}}})}, AddN).error(),
            "report 1: intervals[0].start_ns: expected an integer");
  EXPECT_EQ(MergeIntervals({json::object()}, AddN).error(), "report 1: intervals: expected an array");
  auto refuse = [](json&, const json&) -> std::expected<void, std::string> {
    return std::unexpected("ends differ");
  };
  auto bad = MergeIntervals({json::array({Counted(5, 1)}), json::array({Counted(5, 2)})}, refuse);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "report 2: intervals[0]: ends differ");
}

}  // namespace
}  // namespace pylogen::report
