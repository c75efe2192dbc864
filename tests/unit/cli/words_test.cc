// Scenario lines split into words as Pylogen splits them.
#include "cli/words.h"

#include <gtest/gtest.h>

namespace pylogen::cli {
namespace {

using Words = std::vector<std::string>;

struct Case {
  const char* line;
  Words expected;
};

class SplitWordsTest : public ::testing::TestWithParam<Case> {};

TEST_P(SplitWordsTest, Splits) {
  auto words = SplitWords(GetParam().line);
  ASSERT_TRUE(words.has_value()) << words.error();
  EXPECT_EQ(*words, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, SplitWordsTest,
    ::testing::Values(
        Case{"", {}},
        Case{"   \t ", {}},
        Case{"cuts.Dummy --proc 2", {"cuts.Dummy", "--proc", "2"}},
        Case{"  cuts.Dummy\t--proc   2  ", {"cuts.Dummy", "--proc", "2"}},
        // Double quotes are kept: JSON works unquoted as long as it has no space.
        Case{R"(cuts.Dummy --extra {"sleep":0})", {"cuts.Dummy", "--extra", R"({"sleep":0})"}},
        // A single-quoted stretch may hold spaces and loses its quotes.
        Case{R"(cuts.Dummy --extra '{"sleep": 0}')", {"cuts.Dummy", "--extra", R"({"sleep": 0})"}},
        Case{"a'b c'd e", {"ab cd", "e"}},
        Case{"x ''", {"x", ""}},
        Case{"--sche 5@1,10@0.1", {"--sche", "5@1,10@0.1"}}));

TEST(SplitWords, UnterminatedQuoteIsAnError) {
  auto words = SplitWords("cuts.Dummy --extra '{\"sleep\": 0}");
  ASSERT_FALSE(words.has_value());
  EXPECT_NE(words.error().find("unterminated single quote"), std::string::npos);
}

}  // namespace
}  // namespace pylogen::cli
