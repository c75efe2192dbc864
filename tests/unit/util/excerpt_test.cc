#include "util/excerpt.h"

#include <string>

#include <gtest/gtest.h>

namespace pylogen::util {
namespace {

TEST(Excerpt, ShortTextIsKept) {
  EXPECT_EQ(Excerpt("10@oops"), "10@oops");
  EXPECT_EQ(Excerpt(""), "");
}

TEST(Excerpt, LongTextIsCutWithItsSize) {
  std::string line(1000146, 'a');
  std::string excerpt = Excerpt(line);
  EXPECT_EQ(excerpt, std::string(kMaxExcerptBytes, 'a') + "... (1000146 bytes)");
}

TEST(Excerpt, NeverCutsAUtf8SequenceInTwo) {
  // 79 ASCII bytes then "é" (2 bytes): a cut at 80 would split it.
  std::string text = std::string(79, 'x') + "\xC3\xA9" + std::string(10, 'y');
  EXPECT_EQ(Excerpt(text), std::string(79, 'x') + "... (91 bytes)");
}

TEST(Excerpt, ControlCharactersKeepItOneLine) {
  EXPECT_EQ(Excerpt("a\nb\tc\x1b[2J"), "a?b?c?[2J");
}

}  // namespace
}  // namespace pylogen::util
