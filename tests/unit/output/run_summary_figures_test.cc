// Figures of the summary that must not mislead (issue 12, item 7): the
// per-id table in response time in the opened model, the wait and response
// rows' blank errors and rate cells, bytes per name, the jobs-queue backlog
// mark apart from the stats rings', "scheduled" as the schedule's plan.
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "output/run_summary.h"

namespace pylogen::output {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

// `wait` != 0: an opened-model record.
stats::Record Request(std::int64_t begin, std::int64_t service, std::int64_t wait = 0) {
  stats::Record r{};
  r.kind = stats::RecordKind::kRequest;
  r.begin_ns = begin;
  r.intended_ns = begin - wait;
  r.wait_ns = wait;
  r.service_ns = service;
  if (wait != 0) r.flags = stats::kOpenedModel;
  std::strcpy(r.manager, "M");
  std::strcpy(r.request, "R");
  return r;
}

RunSummary SummaryOf(const stats::Aggregator& agg) {
  RunSummary s;
  s.stats = &agg;
  s.start_wall_ns = agg.first_begin_ns();
  s.end_wall_ns = agg.last_end_ns();
  s.duration_s = 1;
  return s;
}

// The row of the table `table` ("per name", "per id") whose label is `label`.
std::string Row(const std::string& text, const std::string& table, const std::string& label) {
  std::size_t start = text.find(table);
  if (start == std::string::npos) return "";
  std::size_t at = text.find("\n  " + label + " ", start);
  if (at == std::string::npos) return "";
  at += 1;
  return text.substr(at, text.find('\n', at) - at);
}

std::vector<std::string> Words(const std::string& row) {
  std::istringstream in(row);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// Opened model: every request waited 9 ms and was served in 1 ms. The per-id
// latency is the response time (10 ms), not the service time (1 ms).
TEST(SummaryFigures, OpenedPerIdLatencyIsTheResponseTime) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  for (int i = 0; i < 100; ++i) agg.Add(0, Request(kStart + i * 10 * kMs, 1 * kMs, 9 * kMs));
  RunSummary s = SummaryOf(agg);
  nlohmann::json j = SummaryJson(s);
  const nlohmann::json& latency = j["ids"][0]["latency"];
  EXPECT_EQ(latency["p50_ns"], agg.names()[0].response->ValueAtPercentile(50));
  EXPECT_NEAR(latency["p50_ns"].get<double>(), 10.0 * kMs, 0.01 * kMs);
  EXPECT_NEAR(latency["mean_ns"].get<double>(), 10.0 * kMs, 0.01 * kMs);
  // The names keep their three rows: service 1 ms.
  EXPECT_NEAR(j["names"][0]["service"]["p50_ns"].get<double>(), 1.0 * kMs, 0.01 * kMs);
  std::string row = Row(SummaryText(s), "per id", "ID");
  ASSERT_FALSE(row.empty()) << SummaryText(s);
  EXPECT_NE(row.find("10.00ms"), std::string::npos) << row;
  EXPECT_EQ(row.find("1.00ms"), std::string::npos) << row;
}

// Closed model: no wait, the per-id latency is the service time as before.
TEST(SummaryFigures, ClosedPerIdLatencyIsTheServiceTime) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  for (int i = 0; i < 100; ++i) agg.Add(0, Request(kStart + i * 10 * kMs, 2 * kMs));
  RunSummary s = SummaryOf(agg);
  nlohmann::json j = SummaryJson(s);
  EXPECT_EQ(j["ids"][0]["latency"]["p50_ns"], agg.names()[0].service.ValueAtPercentile(50));
}

// The wait and response rows carry no errors and no rate of their own: the
// cells stay blank (9 words: label, count, 7 latencies), and the JSON's
// wait object has no errors or rate key.
TEST(SummaryFigures, WaitAndResponseRowsLeaveErrorsAndRateBlank) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  for (int i = 0; i < 10; ++i) {
    stats::Record r = Request(kStart + i * 10 * kMs, 1 * kMs, 2 * kMs);
    r.rc = i < 3 ? 1 : 0;
    agg.Add(0, r);
  }
  RunSummary s = SummaryOf(agg);
  std::string text = SummaryText(s);
  std::string name = Row(text, "per name", "ID.Cut.0.M.R");
  ASSERT_EQ(Words(name).size(), 11u) << name;  // label, count, errors, rate, 7 latencies
  for (const char* label : {"  wait", "  response"}) {
    std::string row = Row(text, "per name", label);
    ASSERT_FALSE(row.empty()) << text;
    auto words = Words(row);
    ASSERT_EQ(words.size(), 9u) << row;
    EXPECT_EQ(words[1], "7") << row;  // the successful requests its latencies are of (3 failed)
  }
  nlohmann::json wait = SummaryJson(s)["names"][0]["wait"];
  EXPECT_FALSE(wait.contains("errors"));
  EXPECT_FALSE(wait.contains("rate"));
}

TEST(SummaryFigures, BytesPerNameInUnitsThatRead) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  stats::Record r = Request(kStart, kMs);
  r.bytes_in = 1536;
  r.bytes_out = 3 << 20;
  agg.Add(0, r);
  RunSummary s = SummaryOf(agg);
  std::string text = SummaryText(s);
  std::string row = Row(text, "bytes per name", "ID.Cut.0.M.R");
  ASSERT_FALSE(row.empty()) << text;
  EXPECT_NE(row.find("1.50 KiB"), std::string::npos) << row;
  EXPECT_NE(row.find("3.00 MiB"), std::string::npos) << row;
  // The block stays narrow: every line of it within 120 columns.
  std::istringstream block(text.substr(text.find("bytes per name")));
  for (std::string line; std::getline(block, line) && !line.empty();) {
    EXPECT_LE(line.size(), 120u) << line;
  }
}

TEST(SummaryFigures, NoBytesNoBytesBlock) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  agg.Add(0, Request(kStart, kMs));
  RunSummary s = SummaryOf(agg);
  EXPECT_EQ(SummaryText(s).find("bytes per name"), std::string::npos);
}

TEST(HumanBytes, PicksABinaryUnit) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1024), "1.00 KiB");
  EXPECT_EQ(HumanBytes(5 << 20), "5.00 MiB");
  EXPECT_EQ(HumanBytes(std::uint64_t{3} << 30), "3.00 GiB");
  EXPECT_EQ(HumanBytes(std::uint64_t{1} << 40), "1.00 TiB");
  EXPECT_EQ(HumanBytes(~std::uint64_t{0}), "16.00 EiB");
}

OpenedSummary Opened() {
  OpenedSummary o;
  o.load_id = "ID";
  o.schedule = "5@5";
  o.arrivals = "uniform";
  o.burst = "1";
  o.generator_state = "killed";
  o.scheduled = 25;
  o.due = 7;
  o.emitted = 7;
  o.served = 7;
  return o;
}

// The jobs-queue backlog has its own mark; the stats rings' one says so.
TEST(SummaryFigures, TheJobsQueueBacklogHasItsOwnMark) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  agg.Add(0, Request(kStart, kMs, kMs));
  agg.OfferQueueLength(5, kStart);
  agg.OfferJobsQueueLength(37, kStart + kMs);
  agg.OfferJobsQueueLength(12, kStart + 2 * kMs);
  EXPECT_EQ(agg.jobs_queue_length().value, 37);
  EXPECT_EQ(agg.jobs_queue_length().at_ns, kStart + kMs);
  RunSummary s = SummaryOf(agg);
  s.opened.push_back(Opened());
  std::string text = SummaryText(s);
  std::string marks = text.substr(text.find("high-water marks:"));
  EXPECT_NE(marks.find("records queued"), std::string::npos) << marks;
  EXPECT_NE(marks.find("stats rings"), std::string::npos) << marks;
  EXPECT_EQ(marks.find("queue length"), std::string::npos) << marks;
  std::string jobs = Row(text, "high-water marks:", "jobs queued");
  ASSERT_FALSE(jobs.empty()) << marks;
  EXPECT_EQ(Words(jobs)[2], "37") << jobs;
  nlohmann::json hw = SummaryJson(s)["high_water_marks"];
  EXPECT_EQ(hw["jobs_queue_length"]["value"], 37);
  EXPECT_FALSE(hw["jobs_queue_length"]["at"].get<std::string>().empty());
  EXPECT_EQ(hw["queue_length"]["value"], 5);  // the stats rings', key kept
}

TEST(SummaryFigures, AClosedRunHasNoJobsQueueLine) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  agg.Add(0, Request(kStart, kMs));
  RunSummary s = SummaryOf(agg);
  EXPECT_EQ(SummaryText(s).find("jobs queued"), std::string::npos);
  EXPECT_EQ(SummaryJson(s)["high_water_marks"]["jobs_queue_length"]["value"], 0);
}

// "scheduled" is the plan's; how far the generator got is "due".
TEST(SummaryFigures, ScheduledIsThePlanAndDueHowFarTheGeneratorGot) {
  stats::Aggregator agg({"ID"}, {"Cut"});
  agg.Add(0, Request(kStart, kMs, kMs));
  RunSummary s = SummaryOf(agg);
  s.opened.push_back(Opened());
  EXPECT_NE(SummaryText(s).find("events: 25 scheduled, 7 due, 7 emitted, 0 dropped, 7 served"),
            std::string::npos)
      << SummaryText(s);
  nlohmann::json events = SummaryJson(s)["opened"][0]["events"];
  EXPECT_EQ(events["scheduled"], 25);
  EXPECT_EQ(events["due"], 7);
  s.opened[0].arrivals = "poisson";
  EXPECT_NE(SummaryText(s).find("events: 25 scheduled (expected), 7 due"), std::string::npos);
}

}  // namespace
}  // namespace pylogen::output
