#include "pylogen/key_params.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pylogen {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// A fresh folder, removed with its content.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "pylogen_keys_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path Write(const std::string& name, const std::string& text) const {
    fs::path file = path_ / name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  fs::path path_;
};

// Makes `dir` the current directory for the scope of the object.
class ScopedChdir {
 public:
  explicit ScopedChdir(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedChdir() { fs::current_path(old_); }

 private:
  fs::path old_;
};

constexpr const char* kKeys = R"({
  "symmetric1": {"algorithm": "AES", "length": 256},
  "rsa1": {"algorithm": "RSA", "length": 2048}
})";

// The message of the exception LoadKeyParams throws, "" when it returns.
std::string ErrorOf(const Json& extra, const Context& context) {
  try {
    LoadKeyParams(extra, context);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(LoadKeyParamsTest, KeyFoundInExplicitFile) {
  TempDir dir;
  fs::path file = dir.Write("keys.json", kKeys);
  Json params = LoadKeyParams({{"file", file.string()}, {"key", "rsa1"}}, Context{});
  EXPECT_EQ(params, Json({{"algorithm", "RSA"}, {"length", 2048}}));
}

TEST(LoadKeyParamsTest, DefaultFileInCurrentDirectory) {
  TempDir dir;
  dir.Write(kDefaultKeyFile, kKeys);
  ScopedChdir chdir(dir.path());
  Json params = LoadKeyParams({{"key", "symmetric1"}}, Context{});
  EXPECT_EQ(params["algorithm"], "AES");
  EXPECT_EQ(params["length"], 256);
}

TEST(LoadKeyParamsTest, FallsBackToCutDir) {
  TempDir cwd, cut_dir;
  cut_dir.Write(kDefaultKeyFile, kKeys);
  ScopedChdir chdir(cwd.path());
  Context context;
  context.cut_dir = cut_dir.path().string();
  Json params = LoadKeyParams({{"key", "rsa1"}}, context);
  EXPECT_EQ(params["algorithm"], "RSA");
}

TEST(LoadKeyParamsTest, RelativeFileFallsBackToCutDir) {
  TempDir cwd, cut_dir;
  cut_dir.Write("mykeys.json", kKeys);
  ScopedChdir chdir(cwd.path());
  Context context;
  context.cut_dir = cut_dir.path().string();
  Json params = LoadKeyParams({{"file", "mykeys.json"}, {"key", "symmetric1"}}, context);
  EXPECT_EQ(params["algorithm"], "AES");
}

TEST(LoadKeyParamsTest, CurrentDirectoryWinsOverCutDir) {
  TempDir cwd, cut_dir;
  cwd.Write(kDefaultKeyFile, R"({"k": "from cwd"})");
  cut_dir.Write(kDefaultKeyFile, R"({"k": "from cut dir"})");
  ScopedChdir chdir(cwd.path());
  Context context;
  context.cut_dir = cut_dir.path().string();
  EXPECT_EQ(LoadKeyParams({{"key", "k"}}, context), Json("from cwd"));
}

TEST(LoadKeyParamsTest, MissingKeyIsAnError) {
  for (const Json& extra : {Json::object(), Json({{"file", "x.json"}}), Json({{"key", 3}})}) {
    std::string error = ErrorOf(extra, Context{});
    EXPECT_EQ(error.rfind("extra.key: ", 0), 0u) << extra.dump() << ": " << error;
  }
  EXPECT_EQ(ErrorOf(Json::array(), Context{}), "--extra: expected a JSON object, got []");
}

TEST(LoadKeyParamsTest, FileNotAStringIsAnError) {
  std::string error = ErrorOf({{"key", "k"}, {"file", 5}}, Context{});
  EXPECT_EQ(error.rfind("extra.file: ", 0), 0u) << error;
}

// Read bounded, never through an iostream: no "basic_filebuf::underflow".
TEST(LoadKeyParamsTest, AFileThatIsNotARegularFileIsNamed) {
  TempDir dir;
  EXPECT_EQ(ErrorOf({{"key", "k"}, {"file", ""}}, Context{}), "extra.file: '' is not a file");
  EXPECT_EQ(ErrorOf({{"key", "k"}, {"file", dir.path().string()}}, Context{}),
            "extra.file: '" + dir.path().string() + "' is a directory");
}

TEST(LoadKeyParamsTest, MissingFileListsTriedPaths) {
  TempDir cwd, cut_dir;
  ScopedChdir chdir(cwd.path());
  Context context;
  context.cut_dir = cut_dir.path().string();
  std::string error = ErrorOf({{"key", "k"}}, context);
  EXPECT_NE(error.find("not found"), std::string::npos) << error;
  EXPECT_NE(error.find(kDefaultKeyFile), std::string::npos) << error;
  EXPECT_NE(error.find((cut_dir.path() / kDefaultKeyFile).string()), std::string::npos) << error;
}

TEST(LoadKeyParamsTest, MissingAbsoluteFileNamesIt) {
  TempDir dir;
  const std::string file = (dir.path() / "absent.json").string();
  Context context;
  context.cut_dir = "/elsewhere";
  std::string error = ErrorOf({{"key", "k"}, {"file", file}}, context);
  EXPECT_NE(error.find("not found"), std::string::npos) << error;
  EXPECT_NE(error.find(file), std::string::npos) << error;
  EXPECT_EQ(error.find("/elsewhere"), std::string::npos) << error;  // absolute: no fallback
}

TEST(LoadKeyParamsTest, KeyAbsentFromFileNamesKeyAndFile) {
  TempDir dir;
  fs::path file = dir.Write("keys.json", kKeys);
  std::string error = ErrorOf({{"file", file.string()}, {"key", "nokey"}}, Context{});
  EXPECT_NE(error.find("\"nokey\""), std::string::npos) << error;
  EXPECT_NE(error.find(file.string()), std::string::npos) << error;
}

TEST(LoadKeyParamsTest, FileNotAJsonObjectIsAnError) {
  TempDir dir;
  for (const char* text : {"[1, 2]", "{broken", "42", ""}) {
    fs::path file = dir.Write("bad.json", text);
    std::string error = ErrorOf({{"file", file.string()}, {"key", "k"}}, Context{});
    EXPECT_NE(error.find("not a JSON object"), std::string::npos) << text << ": " << error;
    EXPECT_NE(error.find(file.string()), std::string::npos) << text << ": " << error;
  }
}

}  // namespace
}  // namespace pylogen
