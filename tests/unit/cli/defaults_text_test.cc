// cli::ParseDefaultsText: a defaults file's text parsed without a file (the
// entry point of fuzz/defaults_fuzzer.cc; ReadDefaults reads the file, then
// calls it). Errors name the file given.
#include <gtest/gtest.h>

#include "cli/defaults.h"

namespace pylogen::cli {
namespace {

TEST(ParseDefaultsText, AnObjectIsItsOptionValues) {
  auto parsed = ParseDefaultsText("d.json", R"({"process": 2, "extra": {"sleep": 0}})");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ((*parsed)["process"], 2);
  EXPECT_EQ((*parsed)["extra"]["sleep"], 0);
}

TEST(ParseDefaultsText, TextThatIsNotJsonNamesTheFile) {
  auto parsed = ParseDefaultsText("d.json", "{\"process\": ");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "d.json: not valid JSON (syntax error at line 1, column 13)");
}

TEST(ParseDefaultsText, ASyntaxErrorIsPlacedByLineAndColumn) {
  auto parsed = ParseDefaultsText("d.json", "{\n  \"process\": 2,\n  oops\n}");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "d.json: not valid JSON (syntax error at line 3, column 3)");
}

TEST(ParseDefaultsText, JsonThatIsNotAnObjectNamesTheFile) {
  auto parsed = ParseDefaultsText("here.json", "[1, 2]");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "here.json: expected a JSON object of option values");
}

TEST(ParseDefaultsText, NumbersOutOfRangeAreNotValidJsonNotAnAbort) {
  auto parsed = ParseDefaultsText("d.json", R"({"extra": {"a": 1e400}})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "d.json: not valid JSON (a number out of range)");
}

}  // namespace
}  // namespace pylogen::cli
