// Pylogen's --extra spellings for Dummy, through the real binary: a
// transaction switched on with 1 and a sleep given as a string work, and a
// sleep that is no number or an unknown key stops the start with one line
// naming the key.
#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

TEST(DummyExtra, PylogenSpellingsGiveATransactionOfThreeRequests) {
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "1", "--outformat", "json", "--extra",
                       R"({"transaction":1,"sleep":"0"})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;  // one transaction record + 3 requests
  std::size_t transactions = 0, requests = 0;
  for (const auto& line : lines) {
    auto e = nlohmann::json::parse(line);
    transactions += e["nature"] == "tra";
    requests += e["nature"] == "req";
  }
  EXPECT_EQ(transactions, 1u);
  EXPECT_EQ(requests, 3u);
  EXPECT_EQ(CountContaining(lines, "R0-EXEC"), 1u);
  EXPECT_EQ(CountContaining(lines, "R1-EXEC"), 1u);
  EXPECT_EQ(CountContaining(lines, "R2-EXEC"), 1u);
}

TEST(DummyExtra, SleepNotANumberFailsTheStartWithOneLine) {
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "1", "--extra", R"({"sleep":"x"})"}, 30);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(lines[0].find(R"(extra.sleep: expected a number of seconds from 0 to 8640000, got "x")"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[0].find("json.exception"), std::string::npos) << lines[0];
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

// Issue 13: a typo in a key is no longer ignored (it ran a whole run with the
// default sleep of 1 s): the start fails with one line naming it.
TEST(DummyExtra, AnUnknownKeyFailsTheStartWithOneLineNamingIt) {
  auto r = RunPylogen({SampleCut("Dummy"), "--extra", R"({"slep":1})"}, 30);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  const std::string tail =
      "Dummy: setup failed: extra.slep: unknown key (did you mean sleep?); known keys: error, "
      "sleep, transaction";
  EXPECT_EQ(lines[0].rfind("pylogen: error: ", 0), 0u) << lines[0];
  ASSERT_GE(lines[0].size(), tail.size()) << lines[0];
  EXPECT_EQ(lines[0].substr(lines[0].size() - tail.size()), tail) << lines[0];
  EXPECT_EQ(CountContaining(EventLines(r.out), "R_"), 0u) << r.out;
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

}  // namespace
}  // namespace pylogen::testing
