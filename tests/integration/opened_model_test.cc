// The opened model end to end: schedules, workers, controller, drops,
// latencies, stop signals — the real binary with the sample Dummy CUT.
#include <signal.h>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

const nlohmann::json& Opened(const nlohmann::json& report) { return report["opened"][0]; }

RunResult RunOpened(std::vector<std::string> args, const std::string& report, double timeout_s = 60) {
  std::vector<std::string> all = {SampleCut("Dummy"), "--openedmodel", "--report", report};
  all.insert(all.end(), args.begin(), args.end());
  return RunPylogen(all, timeout_s);
}

TEST(OpenedModel, ConstantScheduleEmitsItsIntegralAndEveryEventIsServed) {
  std::string report = TempPath("constant.json");
  auto r = RunOpened({"--schedule", "2@50", "--prefork", "2", "--extra", R"({"sleep":0})"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& events = Opened(j)["events"];
  EXPECT_EQ(events["scheduled"], 100);
  EXPECT_EQ(events["emitted"], 100);
  EXPECT_EQ(events["dropped"], 0);
  EXPECT_EQ(events["served"], 100);
  EXPECT_EQ(j["requests"]["count"], 100);
  EXPECT_EQ(EventLines(r.out).size(), 100u);
  EXPECT_EQ(Opened(j)["generator"]["state"], "ended");
  EXPECT_GE(r.elapsed_s, 2.0);
}

TEST(OpenedModel, EventsCarryWaitServiceAndResponse) {
  std::string report = TempPath("latency.json");
  auto r = RunOpened({"--schedule", "1@20", "--prefork", "1", "--outformat", "json", "--extra",
                      R"({"sleep":0.01})"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 20u);
  for (const auto& line : lines) {
    auto e = nlohmann::json::parse(line);
    double wait = e["wait"], seconds = e["seconds"], response = e["response"];
    EXPECT_GE(wait, 0);
    EXPECT_GE(seconds, 0.01);
    EXPECT_NEAR(response, wait + seconds, 2e-6);
  }
  auto j = ReadJson(report);
  const auto& name = j["names"][0];
  for (const char* key : {"service", "wait", "response"}) {
    ASSERT_TRUE(name.contains(key)) << key;
    EXPECT_EQ(name[key]["count"], 20);
  }
  EXPECT_GE(name["response"]["min_ns"].get<double>(), name["service"]["min_ns"].get<double>());
  ASSERT_TRUE(Opened(j).contains("lateness"));
  EXPECT_EQ(Opened(j)["lateness"]["count"], 20);
}

TEST(OpenedModel, ShortLinesGainTheWaitColumn) {
  std::string report = TempPath("short.json");
  auto r = RunOpened({"--schedule", "1@5", "--prefork", "1", "--extra", R"({"sleep":0})"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 5u);
  for (const auto& line : lines) EXPECT_NE(line.find(" w "), std::string::npos) << line;
}

// ponos' weak case: 0.5/s and 4/s alternating each second (integral 9 over 4 s).
TEST(OpenedModel, LowRatesBetweenHighOnesAreKept) {
  std::string report = TempPath("alternate.json");
  auto r = RunOpened({"--schedule", "1@0.5,1@4,1@0.5,1@4", "--prefork", "1", "--extra",
                      R"({"sleep":0})", "--outformat", "none"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  auto emitted = Opened(j)["events"]["emitted"].get<int>();
  EXPECT_GE(emitted, 8);
  EXPECT_LE(emitted, 9);
}

TEST(OpenedModel, ControllerAddsWorkersUnderBacklog) {
  std::string report = TempPath("scale.json");
  auto r = RunOpened({"--schedule", "3@20", "--prefork", "1", "--trigger", "2", "--controllerDelay",
                      "0.2", "--extra", R"({"sleep":0.2})", "--outformat", "none", "-vv"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  // 20/s of 0.2 s calls needs about 4 workers; one was preforked.
  EXPECT_GE(j["high_water_marks"]["running_workers"]["value"].get<int>(), 3);
  EXPECT_NE(r.err.find("Dummy: backlog "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" workers (had "), std::string::npos) << r.err;
  EXPECT_EQ(Opened(j)["events"]["served"], 60);
}

// 200/s of 0.1 s calls need about 20 in flight: the controller sizes the
// workers from Little's law and starts them at once, not one per check.
TEST(OpenedModel, ControllerSizesWorkersFromRateAndServiceTime) {
  std::string report = TempPath("little.json");
  auto r = RunOpened({"--schedule", "3@200", "--prefork", "1", "--controllerDelay", "0.5",
                      "--extra", R"({"sleep":0.1})", "--outformat", "none", "-vv"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_GE(j["high_water_marks"]["running_workers"]["value"].get<int>(), 20) << r.err;
  const auto& events = Opened(j)["events"];
  EXPECT_EQ(events["served"], events["emitted"]);
  EXPECT_EQ(events["emitted"], 600);
  // Every check while the schedule plays needs at least 200 x 0.1 + 1.
  const auto& controller = Opened(j)["controller"];
  EXPECT_GE(controller["target_max"].get<int>(), 21);
  EXPECT_LE(controller["target"].get<int>(), controller["target_max"].get<int>());
}

TEST(OpenedModel, ControllerRetiresIdleWorkersButKeepsTheMinimum) {
  std::string report = TempPath("retire.json");
  auto r = RunOpened({"--schedule", "0.5@10,3@0.5", "--prefork", "4", "--minworkers", "2",
                      "--decrease", "2", "--controllerDelay", "0.2", "--extra", R"({"sleep":0})",
                      "--outformat", "none", "-vv"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = r.err.find(needle); at != std::string::npos; at = r.err.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("retires"), 2u) << r.err;  // 4 preforked, never below 2
}

TEST(OpenedModel, FullJobsQueueDropsAndCounts) {
  std::string report = TempPath("drops.json");
  auto r = RunOpened({"--schedule", "1@400", "--prefork", "1", "--maxworkers", "1", "--jobs", "4",
                      "--extra", R"({"sleep":0.05})", "--outformat", "none"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& events = Opened(j)["events"];
  EXPECT_GT(events["dropped"].get<int>(), 300);
  EXPECT_EQ(events["emitted"].get<int>() + events["dropped"].get<int>(), events["scheduled"].get<int>());
  EXPECT_EQ(events["served"], events["emitted"]);
  EXPECT_NE(r.out.find("events dropped"), std::string::npos);
}

TEST(OpenedModel, SeededPoissonIsReproducible) {
  std::vector<int> counts;
  for (int i = 0; i < 2; ++i) {
    std::string report = TempPath("poisson.json");
    auto r = RunOpened({"--schedule", "1@200", "--arrivals", "poisson", "--seed", "7", "--prefork",
                        "1", "--extra", R"({"sleep":0})", "--outformat", "none"}, report);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = ReadJson(report);
    EXPECT_EQ(Opened(j)["seed"], 7);
    counts.push_back(Opened(j)["events"]["emitted"]);
  }
  EXPECT_EQ(counts[0], counts[1]);
  EXPECT_NEAR(counts[0], 200, 60);
}

TEST(OpenedModel, FixedBurstsKeepTheMeanRate) {
  std::string report = TempPath("burst.json");
  auto r = RunOpened({"--schedule", "1@30", "--burst", "f3", "--prefork", "2", "--extra",
                      R"({"sleep":0})", "--outformat", "none"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& events = Opened(j)["events"];
  EXPECT_EQ(events["scheduled"], 30);
  EXPECT_EQ(events["emitted"], 30);  // 10 bursts of 3, each followed by 2 skipped instants
}

TEST(OpenedModel, SigintStopsGeneratorAndWorkers) {
  std::string report = TempPath("stop.json");
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--openedmodel", "--schedule", "60@20", "--prefork", "2",
               "--extra", R"({"sleep":0.01})", "--report", report, "--outformat", "none"};
  spec.signals = {{1.5, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.elapsed_s, 10);
  auto j = ReadJson(report);
  EXPECT_TRUE(j["interrupted"].get<bool>());
  EXPECT_GT(Opened(j)["events"]["emitted"].get<int>(), 10);
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

TEST(OpenedModel, WorkerThatCannotSetUpAbandonsTheLoad) {
  auto r = RunPylogen({TestCut("FailSetup"), "--openedmodel", "--schedule", "30@10", "--prefork", "2"}, 30);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_LT(r.elapsed_s, 10);
  EXPECT_NE(r.err.find("could not set its CUT up"), std::string::npos) << r.err;
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

TEST(OpenedModel, BadScheduleIsRejectedBeforeAnythingStarts) {
  auto r = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--schedule", "5@1,10@sawtooth(5)"});
  EXPECT_EQ(r.exit_code, 2);
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(lines[0].find("segment 2 '10@sawtooth(5)'"), std::string::npos) << lines[0];
  EXPECT_TRUE(r.out.empty());
}

TEST(OpenedModel, BadBurstIsRejected) {
  auto r = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--burst", "f0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--burst"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pylogen::testing


namespace pylogen::testing {
namespace {

TEST(OpenedModel, PostponeDelaysTheSchedule) {
  std::string report = TempPath("postpone.json");
  auto r = RunOpened({"--schedule", "1@5", "--postpone", "1.5", "--prefork", "1", "--extra",
                      R"({"sleep":0})", "--outformat", "json"}, report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_GE(r.elapsed_s, 1.5 + 1.0);
}

// A call that hangs after the schedule is over gets the grace period, then
// its worker is killed: the run ends.
TEST(OpenedModel, HungCallAfterTheScheduleIsKilledAfterGrace) {
  std::string report = TempPath("hang.json");
  auto r = RunPylogen({TestCut("Hang"), "--openedmodel", "--schedule", "0.5@2", "--prefork", "1",
                       "--grace", "1", "--report", report, "--outformat", "none"}, 30);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_LT(r.elapsed_s, 8);
  EXPECT_NE(r.out.find("was killed after the grace period"), std::string::npos) << r.out;
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

// A stop during a long quiet stretch is noticed at once, not at the next event.
TEST(OpenedModel, StopDuringAQuietSegmentIsPrompt) {
  std::string report = TempPath("quiet.json");
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--openedmodel", "--schedule", "30@0,1@10", "--prefork", "1",
               "--report", report, "--outformat", "none"};
  spec.signals = {{1.0, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.elapsed_s, 3);
  EXPECT_EQ(Opened(ReadJson(report))["generator"]["state"], "ended");
}

}  // namespace
}  // namespace pylogen::testing
