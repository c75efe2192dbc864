// The line splitter of a CUT's stdout relay: bytes in, prefixed lines out.
#include "process/cut_stdout.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pylogen::process {
namespace {

using Lines = std::vector<std::string>;

// Feeds `chunks` one after the other; the lines they give, then Finish's.
Lines Split(const std::vector<std::string>& chunks, std::size_t piece = 8) {
  LineSplitter split("p: ", piece);
  Lines out;
  for (const std::string& chunk : chunks) {
    for (std::string& line : split.Feed(chunk)) out.push_back(std::move(line));
  }
  if (std::string last = split.Finish(); !last.empty()) out.push_back(last);
  return out;
}

TEST(CutStdoutPrefix, IsTheRoleAsInPylogensOtherLines) {
  EXPECT_EQ(CutStdoutPrefix("runner-3"), "runner-3: stdout: ");
  EXPECT_EQ(CutStdoutPrefix("worker-12"), "worker-12: stdout: ");
}

TEST(LineSplitter, Cases) {
  struct Case {
    const char* what;
    std::vector<std::string> chunks;
    Lines lines;
  };
  const std::vector<Case> cases = {
      {"nothing", {}, {}},
      {"one line", {"abc\n"}, {"p: abc\n"}},
      {"two lines in one chunk", {"a\nb\n"}, {"p: a\n", "p: b\n"}},
      {"a line over chunks", {"ab", "c", "d\n"}, {"p: abcd\n"}},
      {"an empty line is a line", {"\n\n"}, {"p: \n", "p: \n"}},
      {"a partial last line gets its newline", {"a\nbc"}, {"p: a\n", "p: bc\n"}},
      {"a long line is cut in pieces", {"0123456789abcdefghij\n"}, {"p: 01234567\n", "p: 89abcdef\n", "p: ghij\n"}},
      {"a line of exactly a piece is one line", {"01234567\n"}, {"p: 01234567\n"}},
      {"...its newline in the next chunk too", {"01234567", "\nz\n"}, {"p: 01234567\n", "p: z\n"}},
      {"...then an empty line is still a line", {"01234567", "\n\n"}, {"p: 01234567\n", "p: \n"}},
      {"two pieces exactly", {"0123456789abcdef\n"}, {"p: 01234567\n", "p: 89abcdef\n"}},
      {"pieces over chunks", {"0123", "4567", "89\n"}, {"p: 01234567\n", "p: 89\n"}},
      {"bytes pass as they are", {std::string("a\0b\r\n", 5)}, {std::string("p: a\0b\r\n", 8)}},
  };
  for (const Case& c : cases) EXPECT_EQ(Split(c.chunks), c.lines) << c.what;
}

TEST(LineSplitter, FinishTwiceGivesTheLineOnce) {
  LineSplitter split("p: ");
  EXPECT_TRUE(split.Feed("tail").empty());
  EXPECT_EQ(split.Finish(), "p: tail\n");
  EXPECT_EQ(split.Finish(), "");
}

TEST(LineSplitter, DefaultPieceIsFourKiB) {
  LineSplitter split("p: ");
  Lines lines = split.Feed(std::string(kCutLinePiece * 2 + 5, 'x') + "\n");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), 3 + kCutLinePiece + 1);
  EXPECT_EQ(lines[2], "p: xxxxx\n");
}

}  // namespace
}  // namespace pylogen::process
