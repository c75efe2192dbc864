// Figures that can be trusted (issue 12, item 7) through the real binary:
// the jobs-queue backlog mark, the opened per-id table in response time, and
// "scheduled" as the schedule's plan when the generator is killed early.
#include <signal.h>

#include <fstream>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

// One worker serving 20/s while 400/s are due into a queue of 4: the
// backlog fills the queue, the events wait long before their service.
TEST(Figures, TheJobsQueueBacklogAndResponseTimesAreReported) {
  std::string report = TempPath("backlog.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--report", report, "--schedule",
                       "1@400", "--prefork", "1", "--maxworkers", "1", "--jobs", "4", "--extra",
                       R"({"sleep":0.05})", "--outformat", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  double backlog = j["high_water_marks"]["jobs_queue_length"]["value"].get<double>();
  EXPECT_GE(backlog, 1);
  EXPECT_LE(backlog, 4);  // the queue's capacity
  EXPECT_NE(r.out.find("jobs queued"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("records queued"), std::string::npos) << r.out;
  // One name: the per-id latency is its response time, above its service.
  ASSERT_EQ(j["names"].size(), 1u);
  const auto& name = j["names"][0];
  const auto& id = j["ids"][0]["latency"];
  EXPECT_EQ(id["p50_ns"], name["response"]["p50_ns"]);
  EXPECT_EQ(id["max_ns"], name["response"]["max_ns"]);
  EXPECT_GT(id["max_ns"].get<double>(), name["service"]["max_ns"].get<double>());
}

// A generator killed 1.5 s into a 25-event schedule: scheduled stays the
// plan's 25; due says how far it got.
TEST(Figures, AKilledGeneratorLeavesThePlannedCountScheduled) {
  std::string report = TempPath("killed.json");
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--openedmodel", "--schedule", "5@5", "--prefork", "1",
               "--extra", R"({"sleep":0})", "--report", report, "--outformat", "none"};
  spec.signals = {{1.5, SIGKILL, "generator-0"}};
  spec.timeout_s = 60;
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 3) << r.err;  // a process was killed
  auto j = ReadJson(report);
  const auto& events = j["opened"][0]["events"];
  EXPECT_EQ(events["scheduled"], 25);
  EXPECT_LT(events["due"].get<int>(), 25);
  EXPECT_GE(events["due"].get<int>(), events["emitted"].get<int>());
  EXPECT_EQ(j["opened"][0]["generator"]["state"], "crashed");  // killed from outside
  EXPECT_EQ(j["opened"][0]["generator"]["signal"], SIGKILL);
  EXPECT_NE(r.out.find("events: 25 scheduled, "), std::string::npos) << r.out;
}

// A run-level key in the defaults file of a scenario's lines: one line
// naming the scenario's file:line, the defaults file and the key, exit 2,
// before anything starts (it used to be dropped without a word).
TEST(Figures, ARunKeyInAScenariosDefaultsFileIsRefused) {
  std::string scenario = TempPath("s.txt");
  std::string defaults = TempPath("d.json");
  std::string report = TempPath("never.json");
  std::ofstream(scenario) << "# load\n" << SampleCut("Dummy") << " --id A --loops 1\n";
  std::ofstream(defaults) << R"({"process": 2, "report": ")" << report << R"("})";
  auto r = RunPylogen({"scenario", "--file", scenario, "--defaults", defaults}, 30);
  EXPECT_EQ(r.exit_code, 2);
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0], "pylogen: error: " + scenario + ":2: " + defaults +
                          ": \"report\" is a run option: a defaults file of scenario lines cannot "
                          "set it (give --report on the pylogen scenario command line) (see pylogen --help)");
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(ReadFile(report).empty());
}

}  // namespace
}  // namespace pylogen::testing
