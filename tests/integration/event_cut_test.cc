// Event-driven CUTs end to end: the real binary, real processes and the
// sample AsyncDummy CUT, in both models. Counts must be exact: records =
// users x loops x lengths; a transaction and its requests share one id.
#include <signal.h>

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

TEST(EventCutClosed, RecordsEqualUsersTimesLoopsTimesLengths) {
  std::string report = TempPath("users.json");
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--process", "2", "--concurrency", "3", "--loops", "4",
                       "--lengths", "0,64", "--extra", R"({"sleep":0.01})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(EventLines(r.out).size(), 2u * 3u * 4u * 2u);
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 48);
  EXPECT_EQ(j["requests"]["errors"], 0);
  ASSERT_EQ(j["workers"].size(), 2u);
  for (const auto& w : j["workers"]) {
    EXPECT_EQ(w["state"], "ended");
    EXPECT_EQ(w["operations"], 24);  // 3 users x 4 loops x 2 lengths
  }
  EXPECT_EQ(CountContaining(EventLines(r.out), ".AsyncDummy.1.AsyncDummy.R_64 "), 24u);
  // Six users with 10 ms each: several calls were in flight at once.
  EXPECT_GE(j["high_water_marks"]["busy_workers"]["value"].get<double>(), 3);
}

TEST(EventCutClosed, TransactionsShareOneIdUniqueInTheProcess) {
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--concurrency", "5", "--loops", "3", "--outformat",
                       "json", "--extra", R"({"sleep":0.001,"transaction":1})", "--id", "ATR"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 5u * 3u * 4u);
  std::map<std::string, std::multiset<std::string>> by_transaction;
  for (const auto& e : events) {
    ASSERT_TRUE(e["transaction"].is_string()) << e.dump();
    by_transaction[e["transaction"]].insert(e["nature"]);
  }
  EXPECT_EQ(by_transaction.size(), 15u);
  for (const auto& [id, natures] : by_transaction) {
    EXPECT_EQ(natures.count("tra"), 1u) << id;
    EXPECT_EQ(natures.count("req"), 3u) << id;
  }
}

TEST(EventCutClosed, UserKStartsAtRampupTimesK) {
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--concurrency", "3", "--rampup", "0.2", "--loops", "1",
                       "--outformat", "json", "--extra", R"({"sleep":0})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 3u);
  std::vector<double> begins;
  for (const auto& e : events) begins.push_back(e["epoch"].get<double>());
  std::sort(begins.begin(), begins.end());
  // A user never starts before its turn (a lower bound: no upper one here).
  // User k's turn is 0.2 s x k after the runner's start, which the lines do
  // not give: a late first user (a loaded machine: 14 ms seen) shortens the
  // first gap. Spaced by most of the rampup, never all at once.
  EXPECT_GE(begins[1] - begins[0], 0.1);
  EXPECT_GE(begins[2] - begins[0], 0.3);
}

TEST(EventCutClosed, DurationCountsFromEachUsersStart) {
  std::string report = TempPath("duration.json");
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--concurrency", "20", "--duration", "0.5",
                       "--outformat", "none", "--extra", R"({"sleep":0.05})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  std::uint64_t ops = j["operations"];
  EXPECT_GE(ops, 20u * 5u);   // each user loops while its 0.5 s last
  EXPECT_LE(ops, 20u * 11u);  // and never more than its 0.5 s allow (+1 loop started)
}

TEST(EventCutClosed, AboveOneConcurrencyABlockingCutIsRefused) {
  auto r = RunPylogen({SampleCut("Dummy"), "--concurrency", "8"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--concurrency 8"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("blocking"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--process"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(EventCutClosed, PylogenAbbreviationsKeepTheirMeaning) {
  // --con and --contr are --controllerDelay, as in Pylogen, not --concurrency.
  auto r = RunPylogen({SampleCut("Dummy"), "--con", "2", "--loops", "1", "--extra", R"({"sleep":0})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto c = RunPylogen({SampleCut("AsyncDummy"), "--conc", "2", "--loops", "1", "--extra", R"({"sleep":0})"});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(EventLines(c.out).size(), 2u);
}

TEST(EventCutClosed, SigintEndsPausesAndLetsCallsInFlightFinish) {
  RunSpec spec;
  std::string report = TempPath("sigint.json");
  // Users are either in a 0.05 s call or in a 100 s pause when the signal
  // comes: the pauses end at once, the calls finish, the runner ends by
  // itself (it would be killed at the end of --grace otherwise).
  spec.args = {SampleCut("AsyncDummy"), "--process", "2", "--concurrency", "50", "--duration", "300",
               "--pauselen", "100", "--rampup", "0.01", "--grace", "30", "--outformat", "none",
               "--extra", R"({"sleep":0.05})", "--report", report};
  spec.signals = {{1.0, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  auto j = ReadJson(report);
  EXPECT_TRUE(j["interrupted"].get<bool>());
  ASSERT_EQ(j["workers"].size(), 2u);
  for (const auto& w : j["workers"]) EXPECT_EQ(w["state"], "ended") << w.dump();
  EXPECT_EQ(j["requests"]["count"], j["operations"]);
  EXPECT_GE(j["requests"]["count"].get<int>(), 50);
}

TEST(EventCutFaults, AnOperationOpenPastOptimeoutFailsWithRc17AndFreesItsPlace) {
  std::string report = TempPath("optimeout.json");
  auto r = RunPylogen({TestCut("EventFaults"), "--concurrency", "4", "--loops", "2", "--optimeout", "0.2",
                       "--outformat", "json", "--extra", R"({"mode":"hang"})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 8u);  // each user's two operations, one after the other
  for (const auto& e : events) {
    EXPECT_EQ(e["rc"], 17) << e.dump();
    EXPECT_NE(e["error"].get<std::string>().find("--optimeout"), std::string::npos) << e.dump();
    // --optimeout counts from the operation's start, the request from its
    // Begin() inside start(): a few microseconds later.
    EXPECT_GE(e["seconds"].get<double>(), 0.2 - 0.01);
  }
  EXPECT_EQ(ReadJson(report)["requests"]["errors"], 8);
}

TEST(EventCutFaults, AnExceptionInALoopCallbackIsCountedAndNamed) {
  std::string report = TempPath("callback.json");
  auto r = RunPylogen({TestCut("EventFaults"), "--concurrency", "3", "--loops", "1", "--optimeout", "0.2",
                       "--outformat", "none", "--extra", R"({"mode":"throw"})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["errors"], 3);  // the operations it served ended by --optimeout
  ASSERT_EQ(j["workers"].size(), 1u);
  EXPECT_EQ(j["workers"][0]["loop"]["callback_errors"], 3);
  EXPECT_EQ(j["workers"][0]["loop"]["callback_error"], "timer broke");
  std::size_t named = 0;
  for (const auto& w : j["warnings"]) named += w.get<std::string>().find("timer broke") != std::string::npos;
  EXPECT_EQ(named, 1u) << j["warnings"].dump();
}

TEST(EventCutFaults, ARequestNameThatIsNotUtf8KeepsTheReportValidJson) {
  std::string report = TempPath("badname.json");
  auto r = RunPylogen({TestCut("EventFaults"), "--loops", "2", "--outformat", "none", "--extra",
                       R"({"mode":"badname"})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);  // throws on invalid JSON
  EXPECT_EQ(j["requests"]["count"], 2);
  EXPECT_NE(j.dump().find("BAD\xef\xbf\xbd"), std::string::npos);  // U+FFFD in its place
}

TEST(EventCutOpened, OneWorkerHoldsManyEventsInFlight) {
  std::string report = TempPath("opened.json");
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--openedmodel", "--schedule", "2@200", "--concurrency",
                       "100", "--prefork", "1", "--maxworkers", "1", "--outformat", "none", "--extra",
                       R"({"sleep":0.3})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& events = j["opened"][0]["events"];
  EXPECT_EQ(events["scheduled"], 400);
  EXPECT_EQ(events["emitted"], 400);
  EXPECT_EQ(events["dropped"], 0);
  EXPECT_EQ(events["served"], 400);
  EXPECT_EQ(j["requests"]["count"], 400);
  ASSERT_EQ(j["workers"].size(), 1u);
  // 200/s x 0.3 s: about 60 in flight in the one worker.
  EXPECT_GE(j["high_water_marks"]["busy_workers"]["value"].get<double>(), 40);
}

TEST(EventCutOpened, TransactionsAndWaitsAsWithABlockingWorker) {
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--openedmodel", "--schedule", "1@20", "--concurrency",
                       "4", "--prefork", "1", "--outformat", "json", "--extra",
                       R"({"sleep":0.001,"transaction":true})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 20u * 4u);
  std::set<std::string> transactions;
  for (const auto& e : events) {
    EXPECT_GE(e["wait"].get<double>(), 0);
    transactions.insert(e["transaction"].get<std::string>());
  }
  EXPECT_EQ(transactions.size(), 20u);
}

TEST(EventCutOpened, ErrorsEveryNthCallAsDummy) {
  std::string report = TempPath("errors.json");
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--openedmodel", "--schedule", "1@30", "--concurrency",
                       "8", "--prefork", "1", "--outformat", "none", "--extra",
                       R"({"sleep":0,"error":3})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 30);
  EXPECT_EQ(j["requests"]["errors"], 10);
}

}  // namespace
}  // namespace pylogen::testing
