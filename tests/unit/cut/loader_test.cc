#include "cut/loader.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pylogen::cut {
namespace {

namespace fs = std::filesystem;
using Paths = std::vector<fs::path>;

const fs::path kTestCuts = PYLOGEN_TEST_CUT_DIR;
const fs::path kSampleCuts = PYLOGEN_SAMPLE_CUT_DIR;

// A fresh folder under the test temp dir, removed with its content.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "pylogen_loader_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

SearchPaths HandMade() {
  SearchPaths paths;
  paths.cwd = "/w";
  paths.env = {"/e1", "/e2"};
  paths.own = {"/o"};
  return paths;
}

const Paths kDummyCandidates = {
    "/w/cuts/Dummy",    "/w/cuts/Dummy.so",    "/w/cuts/libDummy.so",
    "/e1/cuts/Dummy",   "/e1/cuts/Dummy.so",   "/e1/cuts/libDummy.so",
    "/e1/Dummy",        "/e1/Dummy.so",        "/e1/libDummy.so",
    "/e2/cuts/Dummy",   "/e2/cuts/Dummy.so",   "/e2/cuts/libDummy.so",
    "/e2/Dummy",        "/e2/Dummy.so",        "/e2/libDummy.so",
    "/o/Dummy",         "/o/Dummy.so",         "/o/libDummy.so",
};

TEST(CandidatesTest, PathFormInResolutionOrder) {
  EXPECT_EQ(Candidates("cuts/Dummy", HandMade()), kDummyCandidates);
}

TEST(CandidatesTest, PythonDottedFormIsThePathForm) {
  EXPECT_EQ(Candidates("cuts.Dummy", HandMade()), kDummyCandidates);
}

TEST(CandidatesTest, CwdFormsComeFirstThenEnvThenOwn) {
  const Paths got = Candidates("cuts/Dummy", HandMade());
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[0], fs::path("/w/cuts/Dummy"));
  EXPECT_EQ(got[1], fs::path("/w/cuts/Dummy.so"));
  EXPECT_EQ(got[2], fs::path("/w/cuts/libDummy.so"));
  // Every env candidate precedes every own candidate.
  std::size_t last_env = 0, first_own = got.size();
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::string s = got[i].string();
    if (s.starts_with("/e")) last_env = i;
    if (s.starts_with("/o/") && first_own == got.size()) first_own = i;
  }
  EXPECT_LT(last_env, first_own);
}

TEST(CandidatesTest, PlainNameWithoutFolder) {
  SearchPaths paths;
  paths.cwd = "/w";
  paths.own = {"/o"};
  EXPECT_EQ(Candidates("Dummy", paths),
            (Paths{"/w/Dummy", "/w/Dummy.so", "/w/libDummy.so", "/o/Dummy", "/o/Dummy.so",
                   "/o/libDummy.so"}));
}

TEST(CandidatesTest, ExplicitSoFileHasNoOtherForms) {
  SearchPaths paths;
  paths.cwd = "/w";
  paths.env = {"/e"};
  paths.own = {"/o"};
  EXPECT_EQ(Candidates("cuts/Dummy.so", paths),
            (Paths{"/w/cuts/Dummy.so", "/e/cuts/Dummy.so", "/e/Dummy.so", "/o/Dummy.so"}));
}

TEST(CandidatesTest, AbsolutePathGivesOnlyItsOwnForms) {
  EXPECT_EQ(Candidates("/abs/cuts/Dummy", HandMade()),
            (Paths{"/abs/cuts/Dummy", "/abs/cuts/Dummy.so", "/abs/cuts/libDummy.so"}));
  EXPECT_EQ(Candidates("/abs/X.so", HandMade()), Paths{"/abs/X.so"});
}

TEST(CandidatesTest, NoDuplicates) {
  SearchPaths paths;
  paths.cwd = "/w";
  paths.env = {"/w", "/w"};
  paths.own = {"/w"};
  const Paths got = Candidates("Dummy", paths);
  EXPECT_EQ(got, (Paths{"/w/Dummy", "/w/Dummy.so", "/w/libDummy.so"}));
}

TEST(LoadedCutTest, MissingCutListsEveryPlaceTried) {
  TempDir dir;
  SearchPaths paths;
  paths.cwd = dir.path();
  paths.env = {dir.path() / "env"};
  paths.own = {dir.path() / "own"};
  auto loaded = LoadedCut::Load("cuts/Missing", paths);
  ASSERT_FALSE(loaded.has_value());
  const std::string& error = loaded.error();
  EXPECT_NE(error.find("not found"), std::string::npos) << error;
  EXPECT_NE(error.find("cuts/Missing"), std::string::npos) << error;
  const Paths tried = Candidates("cuts/Missing", paths);
  EXPECT_EQ(tried.size(), 12u);
  for (const auto& place : tried) {
    EXPECT_NE(error.find(place.string()), std::string::npos) << place << " missing from: " << error;
  }
}

TEST(LoadedCutTest, NotACutNamesTheSymbol) {
  auto loaded = LoadedCut::LoadFile(kTestCuts / "NotACut.so");
  ASSERT_FALSE(loaded.has_value());
  const std::string& error = loaded.error();
  EXPECT_NE(error.find("NotACut.so"), std::string::npos) << error;
  EXPECT_NE(error.find("is not a pylogen CUT"), std::string::npos) << error;
  EXPECT_NE(error.find(kDescriptorSymbol), std::string::npos) << error;
}

TEST(LoadedCutTest, WrongAbiNamesBothVersionsAndAsksToRebuild) {
  auto loaded = LoadedCut::LoadFile(kTestCuts / "WrongAbi.so");
  ASSERT_FALSE(loaded.has_value());
  const std::string& error = loaded.error();
  EXPECT_NE(error.find("WrongAbi.so"), std::string::npos) << error;
  EXPECT_NE(error.find("version " + std::to_string(kAbiVersion + 1000)), std::string::npos)
      << error;
  EXPECT_NE(error.find("version " + std::to_string(kAbiVersion) + ":"), std::string::npos) << error;
  EXPECT_NE(error.find("rebuild"), std::string::npos) << error;
}

TEST(LoadedCutTest, CutOfTheFirstAbiAsksToRebuild) {
  ASSERT_EQ(kAbiVersion, 2u);  // event-driven CUTs changed the descriptor
  auto loaded = LoadedCut::LoadFile(kTestCuts / "AbiV1.so");
  ASSERT_FALSE(loaded.has_value());
  const std::string& error = loaded.error();
  EXPECT_NE(error.find("ABI version 1, this pylogen uses version 2"), std::string::npos) << error;
  EXPECT_NE(error.find("rebuild"), std::string::npos) << error;
}

TEST(LoadedCutTest, FileThatIsNotASharedObject) {
  TempDir dir;
  const fs::path bogus = dir.path() / "Bogus.so";
  std::ofstream(bogus) << "not an ELF file\n";
  auto loaded = LoadedCut::LoadFile(bogus);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error(), bogus.string() + " is not a loadable CUT: not an ELF file (it does not "
                                             "start with the ELF magic number)");
}

// A damaged file is checked, then probed in a child, before this process
// maps it: had it dlopen()ed them, the truncated copy would SIGBUS it and the
// crashing constructor would SIGSEGV it.
TEST(LoadedCutTest, DamagedFilesAreRefusedBeforeTheyAreMappedHere) {
  TempDir dir;
  const fs::path truncated = dir.path() / "t.so";
  fs::copy_file(kSampleCuts / "Dummy.so", truncated);
  fs::resize_file(truncated, 4096);
  auto cut = LoadedCut::LoadFile(truncated);
  ASSERT_FALSE(cut.has_value());
  std::string head = truncated.string() + " is not a loadable CUT: truncated ELF file (4096 of ";
  EXPECT_EQ(cut.error().rfind(head, 0), 0u) << cut.error();
  cut = LoadedCut::LoadFile(kTestCuts / "CrashOnLoad.so");
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error(), (kTestCuts / "CrashOnLoad.so").string() +
                             " is not a loadable CUT: the loader died of SIGSEGV");
}

TEST(LoadedCutTest, LoadsDummyFromOwnFolder) {
  TempDir empty;
  SearchPaths paths;
  paths.cwd = empty.path();
  paths.own = {kSampleCuts};
  auto loaded = LoadedCut::Load("cuts/Dummy", paths);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded->name(), "Dummy");
  EXPECT_STREQ(loaded->descriptor().class_name, "Dummy");
  EXPECT_EQ(loaded->descriptor().abi_version, kAbiVersion);
  EXPECT_EQ(loaded->descriptor().layout, LayoutFingerprint());
  EXPECT_EQ(loaded->path(), fs::absolute(kSampleCuts / "Dummy.so"));
}

TEST(LoadedCutTest, LoadsDottedNameRelativeToCwd) {
  SearchPaths paths;
  paths.cwd = kSampleCuts.parent_path();  // .../src, holding cuts/Dummy.so
  ASSERT_EQ(kSampleCuts.filename(), "cuts");
  auto loaded = LoadedCut::Load("cuts.Dummy", paths);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded->name(), "Dummy");
  EXPECT_EQ(loaded->path(), fs::absolute(kSampleCuts / "Dummy.so"));
}

TEST(LoadedCutTest, FirstHitWinsEnvBeforeOwn) {
  TempDir env;
  fs::copy_file(kSampleCuts / "Dummy.so", env.path() / "Dummy.so");
  SearchPaths paths;
  paths.cwd = env.path() / "nowhere";
  paths.env = {env.path()};
  paths.own = {kSampleCuts};
  auto loaded = LoadedCut::Load("Dummy", paths);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded->path(), env.path() / "Dummy.so");
}

TEST(LoadedCutTest, NameStripsLibPrefixAndSoSuffix) {
  TempDir dir;
  fs::copy_file(kSampleCuts / "Dummy.so", dir.path() / "libFancy.so");
  // Found through the dir/libX.so form, and named without "lib".
  SearchPaths paths;
  paths.cwd = dir.path();
  auto loaded = LoadedCut::Load("Fancy", paths);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded->path(), dir.path() / "libFancy.so");
  EXPECT_EQ(loaded->name(), "Fancy");
  EXPECT_STREQ(loaded->descriptor().class_name, "Dummy");
}

TEST(LoadedCutTest, MoveKeepsTheHandle) {
  auto loaded = LoadedCut::LoadFile(kSampleCuts / "Dummy.so");
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  LoadedCut moved = std::move(*loaded);
  EXPECT_STREQ(moved.descriptor().class_name, "Dummy");
  ClassUnderTest* cut = moved.descriptor().create();
  ASSERT_NE(cut, nullptr);
  moved.descriptor().destroy(cut);
}

TEST(DefaultSearchPathsTest, ReadsEnvFoldersInOrderSkippingEmpty) {
  const char* old = getenv("PYLOGEN_CUT_PATH");
  std::string saved = old ? old : "";
  setenv("PYLOGEN_CUT_PATH", "/a::/b/c:", 1);
  SearchPaths paths = DefaultSearchPaths();
  if (old) {
    setenv("PYLOGEN_CUT_PATH", saved.c_str(), 1);
  } else {
    unsetenv("PYLOGEN_CUT_PATH");
  }
  EXPECT_EQ(paths.env, (Paths{"/a", "/b/c"}));
  EXPECT_EQ(paths.cwd, fs::current_path());
  ASSERT_FALSE(paths.own.empty());
  EXPECT_EQ(paths.own.front().filename(), "cuts");
}

}  // namespace
}  // namespace pylogen::cut
