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

namespace pylogen::output {
namespace {

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

}  // namespace
}  // namespace pylogen::output
