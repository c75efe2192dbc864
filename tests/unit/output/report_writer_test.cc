// The report's writer: the tree dumped in chunks, the spooled intervals and
// the names' histograms spliced in place of their placeholders.
#include "output/report_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>

#include "output/interval_spool.h"
#include "output/json_stream.h"

namespace pylogen::output {
namespace {

std::string ReadBack(int fd) {
  std::string text;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  return text;
}

struct TempFile {
  int fd;
  TempFile() {
    char name[] = "/tmp/pylogen-report-writer-test-XXXXXX";
    fd = ::mkstemp(name);
    ::unlink(name);
  }
  ~TempFile() { ::close(fd); }
};

std::string Report(const nlohmann::json& intervals) {
  nlohmann::json report = {{"schema", 2}, {"ids", {"x"}}, {"intervals", intervals}, {"names", {"y"}}};
  return report.dump(2);
}

TEST(ReportWriter, SplicesTheSpoolsLinesAsTheIntervalsList) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  // More than one flush and more than one read chunk, lines across chunk ends.
  const int kLines = 3000;
  for (int i = 0; i < kLines; ++i)
    spool->Append(nlohmann::json({{"n", i}, {"pad", std::string(i % 97, 'x')}}).dump());
  EXPECT_EQ(spool->lines(), static_cast<std::uint64_t>(kLines));
  DeferredParts parts;
  TempFile out;
  ASSERT_EQ(parts.WriteText(out.fd, Report(parts.Intervals(&*spool))), 0);
  nlohmann::json back = nlohmann::json::parse(ReadBack(out.fd));
  ASSERT_TRUE(back["intervals"].is_array());
  ASSERT_EQ(back["intervals"].size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) ASSERT_EQ(back["intervals"][i]["n"], i);
  EXPECT_EQ(back["names"][0], "y");
  EXPECT_EQ(back["schema"], 2);
}

TEST(ReportWriter, AnEmptySpoolOrNoneGivesAnEmptyList) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  for (IntervalSpool* s : {&*spool, static_cast<IntervalSpool*>(nullptr)}) {
    DeferredParts parts;
    TempFile out;
    ASSERT_EQ(parts.WriteText(out.fd, Report(parts.Intervals(s))), 0);
    nlohmann::json back = nlohmann::json::parse(ReadBack(out.fd));
    EXPECT_EQ(back["intervals"], nlohmann::json::array());
  }
}

TEST(ReportWriter, AReportWithoutPlaceholdersIsWrittenAsItIs) {
  DeferredParts parts;
  TempFile out;
  std::string text = Report(nlohmann::json::array({1, 2}));
  ASSERT_EQ(parts.WriteText(out.fd, text), 0);
  EXPECT_EQ(ReadBack(out.fd), text);
}

TEST(ReportWriter, APlaceholderOfAnotherReportIsLeftAsItIs) {
  DeferredParts other;
  stats::Histogram h;
  h.Record(5);
  std::string forged = other.Histogram(h);  // e.g. a CUT's name that copied a placeholder
  DeferredParts parts;
  EXPECT_NE(parts.nonce(), other.nonce());
  TempFile out;
  std::string text = Report(nlohmann::json::array({forged, "@@pylogen-" + parts.nonce() + "-h7@@"}));
  ASSERT_EQ(parts.WriteText(out.fd, text), 0);
  EXPECT_EQ(ReadBack(out.fd), text);  // not ours, or an index it never gave: through
}

TEST(ReportWriter, HistogramsAreWrittenInPlaceOfTheirPlaceholders) {
  stats::Histogram a, b;
  for (int v : {10, 20, 30}) a.Record(v);
  for (int i = 0; i < 100'000; ++i) b.Record(1000 + i % 5000);
  DeferredParts parts;
  nlohmann::json report = {{"names", {{{"service", {{"histogram", parts.Histogram(a)}}}},
                                      {{"service", {{"histogram", parts.Histogram(b)}}}}}}};
  TempFile out;
  ASSERT_EQ(parts.Write(out.fd, report), 0);
  nlohmann::json back = nlohmann::json::parse(ReadBack(out.fd));
  EXPECT_EQ(back["names"][0]["service"]["histogram"], a.ToJson());
  EXPECT_EQ(back["names"][1]["service"]["histogram"], b.ToJson());
  auto again = stats::Histogram::FromJson(back["names"][1]["service"]["histogram"]);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(*again == b);
}

// The tree is dumped in chunks of kChunkBytes: placeholders at every offset
// around a chunk's end are still found whole.
TEST(ReportWriter, PlaceholdersAcrossChunkEndsAreFound) {
  stats::Histogram h;
  h.Record(42);
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  spool->Append("{\"n\":7}");
  for (std::size_t pad = kChunkBytes - 80; pad < kChunkBytes + 8; ++pad) {
    DeferredParts parts;
    nlohmann::json report = {{"a", std::string(pad, 'a')},
                             {"h", parts.Histogram(h)},
                             {"intervals", parts.Intervals(&*spool)},
                             {"z", std::string(2 * kChunkBytes, 'z')}};
    TempFile out;
    ASSERT_EQ(parts.Write(out.fd, report), 0);
    std::string text = ReadBack(out.fd);
    nlohmann::json back = nlohmann::json::parse(text);
    ASSERT_EQ(back["h"], h.ToJson()) << pad;
    ASSERT_EQ(back["intervals"], nlohmann::json::parse("[{\"n\":7}]")) << pad;
    ASSERT_EQ(back["z"], report["z"]);
    ASSERT_EQ(text.back(), '\n');
  }
}

TEST(ReportWriter, AWriteErrorIsReported) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  spool->Append("{}");
  int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  DeferredParts parts;
  EXPECT_EQ(parts.WriteText(full, Report(parts.Intervals(&*spool))), ENOSPC);
  ::close(full);
}

}  // namespace
}  // namespace pylogen::output
