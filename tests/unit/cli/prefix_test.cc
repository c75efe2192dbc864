#include "cli/prefix.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pylogen::cli {
namespace {

using Args = std::vector<std::string>;

// Long option names as an app would give them, in declaration (not sorted)
// order, with "loop"/"loops" to exercise exact matches.
const std::vector<std::string> kNames = {"process", "postpone", "loops",    "loop",
                                         "pauseloop", "pauselen", "pausestep", "extra",
                                         "output",  "outformat"};

struct ExpandCase {
  const char* label;
  Args in;
  Args out;
};

class ExpandPrefixesTest : public ::testing::TestWithParam<ExpandCase> {};

TEST_P(ExpandPrefixesTest, Rewrites) {
  const ExpandCase& c = GetParam();
  auto result = ExpandPrefixes(c.in, kNames);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, c.out);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ExpandPrefixesTest,
    ::testing::Values(
        ExpandCase{"UniquePrefix", {"--proc", "2"}, {"--process", "2"}},
        ExpandCase{"ShortUniquePrefix", {"--pos", "1"}, {"--postpone", "1"}},
        ExpandCase{"FullNameUnchanged", {"--process", "2"}, {"--process", "2"}},
        ExpandCase{"EqualsFormKeepsValue", {"--proc=2"}, {"--process=2"}},
        ExpandCase{"EqualsFormKeepsValueWithEquals", {"--ext={\"a\":\"b=c\"}"},
                   {"--extra={\"a\":\"b=c\"}"}},
        ExpandCase{"EqualsFormEmptyValue", {"--ext="}, {"--extra="}},
        ExpandCase{"ExactMatchWinsOverLonger", {"--loop", "3"}, {"--loop", "3"}},
        ExpandCase{"LongerExactStays", {"--loops", "3"}, {"--loops", "3"}},
        ExpandCase{"ExactMatchWinsWithEquals", {"--loop=3"}, {"--loop=3"}},
        ExpandCase{"ExactPauseloopDoesNotClash", {"--pauselo", "1"}, {"--pauseloop", "1"}},
        ExpandCase{"UnknownLeftUnchanged", {"--bogus", "1"}, {"--bogus", "1"}},
        ExpandCase{"UnknownEqualsLeftUnchanged", {"--bogus=1"}, {"--bogus=1"}},
        ExpandCase{"AfterDoubleDashUntouched",
                   {"--proc", "1", "--", "--proc", "--pause"},
                   {"--process", "1", "--", "--proc", "--pause"}},
        ExpandCase{"BareDoubleDashKept", {"--"}, {"--"}},
        ExpandCase{"ShortOptionsUntouched", {"-v", "-p", "-vvv", "-proc"},
                   {"-v", "-p", "-vvv", "-proc"}},
        ExpandCase{"PositionalsUntouched", {"cuts.Dummy", "proc", "--proc", "2"},
                   {"cuts.Dummy", "proc", "--process", "2"}},
        ExpandCase{"SeveralOptions", {"cuts/Dummy", "--proc", "2", "--ext", "{}", "--outf", "csv"},
                   {"cuts/Dummy", "--process", "2", "--extra", "{}", "--outformat", "csv"}},
        ExpandCase{"Empty", {}, {}}),
    [](const ::testing::TestParamInfo<ExpandCase>& info) { return info.param.label; });

struct AmbiguousCase {
  const char* label;
  Args in;
  std::string word;                     // the culprit, with dashes
  std::vector<std::string> candidates;  // sorted
};

class ExpandPrefixesAmbiguousTest : public ::testing::TestWithParam<AmbiguousCase> {};

TEST_P(ExpandPrefixesAmbiguousTest, IsAnErrorListingSortedCandidates) {
  const AmbiguousCase& c = GetParam();
  auto result = ExpandPrefixes(c.in, kNames);
  ASSERT_FALSE(result.has_value()) << "expanded without error";
  const std::string& error = result.error();
  EXPECT_NE(error.find("ambiguous"), std::string::npos) << error;
  EXPECT_NE(error.find(c.word), std::string::npos) << error;
  std::size_t previous = 0;
  for (const auto& candidate : c.candidates) {
    // ", " or end after each name: "--loop" must not be found inside "--loops".
    std::size_t at = error.find(candidate + ",");
    if (at == std::string::npos && error.ends_with(candidate)) at = error.size() - candidate.size();
    ASSERT_NE(at, std::string::npos) << candidate << " missing from: " << error;
    EXPECT_GE(at, previous) << candidate << " out of order in: " << error;
    previous = at;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ExpandPrefixesAmbiguousTest,
    ::testing::Values(
        AmbiguousCase{"Pause", {"--pause", "1"}, "--pause",
                      {"--pauselen", "--pauseloop", "--pausestep"}},
        AmbiguousCase{"PauseEquals", {"--pause=1"}, "--pause",
                      {"--pauselen", "--pauseloop", "--pausestep"}},
        AmbiguousCase{"Loo", {"--loo", "1"}, "--loo", {"--loop", "--loops"}},
        AmbiguousCase{"Out", {"cuts/Dummy", "--out", "csv"}, "--out", {"--outformat", "--output"}},
        AmbiguousCase{"P", {"--p", "1"}, "--p",
                      {"--pauselen", "--pauseloop", "--pausestep", "--postpone", "--process"}}),
    [](const ::testing::TestParamInfo<AmbiguousCase>& info) { return info.param.label; });

TEST(ExpandPrefixesTest, AmbiguityErrorListsExactText) {
  auto result = ExpandPrefixes({"--pause", "1"}, kNames);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "ambiguous option --pause: could be --pauselen, --pauseloop, --pausestep");
}

TEST(ExpandPrefixesTest, AmbiguityAfterDoubleDashIsNotAnError) {
  auto result = ExpandPrefixes({"--", "--pause"}, kNames);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, (Args{"--", "--pause"}));
}

}  // namespace
TEST(NearestOptionNameTest, SuggestsTheNearestWithinTwoEdits) {
  const std::vector<std::string> names = {"process", "proc-wait", "duration", "postpone", "id", "output",
                                          "outformat", "loops"};
  EXPECT_EQ(NearestOptionName("--procs", names), "process");
  EXPECT_EQ(NearestOptionName("--procss=4", names), "process");
  EXPECT_EQ(NearestOptionName("--duratoin", names), "duration");  // a swap is one edit
  EXPECT_EQ(NearestOptionName("--loop", names), "loops");
  EXPECT_EQ(NearestOptionName("--ouput", names), "output");
  EXPECT_EQ(NearestOptionName("--ix", names), "id");    // short names: one edit
  EXPECT_EQ(NearestOptionName("--xyz", names), "");     // id is 3 edits away
  EXPECT_EQ(NearestOptionName("--frobnicate", names), "");
  EXPECT_EQ(NearestOptionName("--process", names), "");  // known: nothing to suggest
  EXPECT_EQ(NearestOptionName("--", names), "");
}

}  // namespace pylogen::cli
