// The intervals' spool: an unnamed temporary file, its lines spliced into
// the report as a valid JSON list.
#include "output/interval_spool.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

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
    char name[] = "/tmp/pylogen-spool-test-XXXXXX";
    fd = ::mkstemp(name);
    ::unlink(name);
  }
  ~TempFile() { ::close(fd); }
};

std::string Report(const nlohmann::json& intervals) {
  nlohmann::json report = {
      {"schema", 2}, {"ids", {"x"}}, {"intervals", intervals}, {"names", {"y"}}};
  return report.dump(2);
}

TEST(IntervalSpool, LeavesNoFileBehind) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "pylogen-spool-dir-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directory(dir);
  {
    auto spool = IntervalSpool::Create(dir.string());
    ASSERT_TRUE(spool.has_value()) << spool.error();
    spool->Append(R"({"a":1})");
    EXPECT_TRUE(std::filesystem::is_empty(dir));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST(IntervalSpool, RefusesADirectoryThatIsNotThereNamingIt) {
  auto spool = IntervalSpool::Create("/nonexistent-pylogen-dir");
  ASSERT_FALSE(spool.has_value());
  EXPECT_NE(spool.error().find("'/nonexistent-pylogen-dir'"), std::string::npos) << spool.error();
}

TEST(IntervalSpool, SplicesItsLinesAsTheIntervalsList) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  // More than one flush and more than one read chunk, lines across chunk ends.
  const int kLines = 3000;
  for (int i = 0; i < kLines; ++i)
    spool->Append(nlohmann::json({{"n", i}, {"pad", std::string(i % 97, 'x')}}).dump());
  EXPECT_EQ(spool->lines(), static_cast<std::uint64_t>(kLines));
  TempFile out;
  ASSERT_EQ(WriteReportTo(out.fd, Report(kIntervalsPlaceholder), &*spool), 0);
  nlohmann::json back = nlohmann::json::parse(ReadBack(out.fd));
  ASSERT_TRUE(back["intervals"].is_array());
  ASSERT_EQ(back["intervals"].size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) ASSERT_EQ(back["intervals"][i]["n"], i);
  EXPECT_EQ(back["names"][0], "y");
  EXPECT_EQ(back["schema"], 2);
}

TEST(IntervalSpool, AnEmptySpoolOrNoneGivesAnEmptyList) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  for (IntervalSpool* s : {&*spool, static_cast<IntervalSpool*>(nullptr)}) {
    TempFile out;
    ASSERT_EQ(WriteReportTo(out.fd, Report(kIntervalsPlaceholder), s), 0);
    nlohmann::json back = nlohmann::json::parse(ReadBack(out.fd));
    EXPECT_EQ(back["intervals"], nlohmann::json::array());
  }
}

TEST(IntervalSpool, AReportWithoutThePlaceholderIsWrittenAsItIs) {
  TempFile out;
  std::string text = Report(nlohmann::json::array({1, 2}));
  ASSERT_EQ(WriteReportTo(out.fd, text, nullptr), 0);
  EXPECT_EQ(ReadBack(out.fd), text);
}

TEST(IntervalSpool, ThePlaceholderIsFoundAcrossChunks) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  spool->Append("{\"n\":1}");
  spool->Append("{\"n\":2}");
  std::string text = Report(kIntervalsPlaceholder);
  TempFile out;
  ReportSplicer splicer(out.fd, &*spool);
  for (char c : text) ASSERT_EQ(splicer.Write(std::string_view(&c, 1)), 0);  // a byte a chunk
  ASSERT_EQ(splicer.Finish(), 0);
  nlohmann::json back = nlohmann::json::parse(ReadBack(out.fd));
  EXPECT_EQ(back["intervals"], nlohmann::json::parse("[{\"n\":1},{\"n\":2}]"));
  EXPECT_EQ(back["names"][0], "y");
}

TEST(IntervalSpool, AJsonReportIsDumpedInChunksWithTheIntervalsSpliced) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  spool->Append("{\"n\":7}");
  // A report larger than one chunk, its placeholder in the middle (keys sort).
  nlohmann::json report = {{"a", std::string(3 * kChunkBytes, 'a')},
                           {"intervals", kIntervalsPlaceholder},
                           {"z", std::string(2 * kChunkBytes, 'z')}};
  TempFile out;
  ASSERT_EQ(WriteJsonReportTo(out.fd, report, &*spool), 0);
  std::string text = ReadBack(out.fd);
  nlohmann::json back = nlohmann::json::parse(text);
  EXPECT_EQ(back["intervals"], nlohmann::json::parse("[{\"n\":7}]"));
  EXPECT_EQ(back["z"], report["z"]);
  EXPECT_EQ(text.back(), '\n');
}

TEST(IntervalSpool, AWriteErrorIsReported) {
  auto spool = IntervalSpool::Create();
  ASSERT_TRUE(spool.has_value());
  spool->Append("{}");
  int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  EXPECT_EQ(WriteReportTo(full, Report(kIntervalsPlaceholder), &*spool), ENOSPC);
  ::close(full);
}

}  // namespace
}  // namespace pylogen::output
