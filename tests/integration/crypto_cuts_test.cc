// The crypto sample CUTs end to end: the real binary loads Encrypt, Sign and
// KmsEncrytSymmetric from the build's cut folder, run from an unrelated
// directory, finds KmsDefault.json beside them, and reports counts and bytes.
// Bad key parameters fail every runner at startup with one clear message.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

std::string TempDir() {
  std::string dir = TempPath("crypto");
  std::filesystem::create_directories(dir);
  return dir;
}

RunResult RunIn(const std::string& cwd, std::vector<std::string> args, double timeout_s = 60) {
  RunSpec spec;
  spec.args = std::move(args);
  spec.cwd = cwd;
  spec.timeout_s = timeout_s;
  return RunPylogen(spec);
}

// The report's names[] entry called `name`; null when absent.
nlohmann::json Name(const nlohmann::json& report, const std::string& name) {
  for (const auto& entry : report["names"]) {
    if (entry["name"] == name) return entry;
  }
  return nullptr;
}

std::uint64_t U(const nlohmann::json& j, const char* key) { return j.at(key).get<std::uint64_t>(); }

TEST(CryptoCuts, EncryptTwoProcessesTwoLengths) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("Encrypt"), "--lengths", "384,1024", "--loops", "25", "--process",
                       "2", "--extra", R"({"key":"symmetric1"})", "--report", "report.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(lines.size(), 100u);  // 2 runners x 25 loops x 2 lengths
  EXPECT_EQ(CountContaining(lines, ".Encrypt.0.Encrypt.encrypt "), 50u);
  EXPECT_EQ(CountContaining(lines, ".Encrypt.1.Encrypt.encrypt "), 50u);
  EXPECT_EQ(CountContaining(lines, " RC 0 "), 100u);
  auto j = ReadJson(dir + "/report.json");
  EXPECT_EQ(j["requests"]["count"], 100);
  EXPECT_EQ(j["requests"]["errors"], 0);
  EXPECT_EQ(j["operations"], 100);
  for (auto [index, length] : {std::pair{0, 384}, std::pair{1, 1024}}) {
    auto n = Name(j, "Encrypt.Encrypt." + std::to_string(index) + ".Encrypt.encrypt");
    ASSERT_FALSE(n.is_null()) << j["names"].dump();
    EXPECT_EQ(U(n, "count"), 50u);
    EXPECT_EQ(U(n, "errors"), 0u);
    EXPECT_EQ(U(n, "bytes_out"), 50u * length) << "plaintext sent";
    EXPECT_EQ(U(n, "bytes_in"), 50u * (12 + length + 16)) << "IV + ciphertext + tag";
  }
}

TEST(CryptoCuts, SignWithEcP384) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("Sign"), "--lengths", "384,1024", "--loops", "10", "--process",
                       "2", "--extra", R"({"key":"asymmetric1"})", "--report", "report.json",
                       "--outformat", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(dir + "/report.json");
  EXPECT_EQ(j["requests"]["count"], 40);
  EXPECT_EQ(j["requests"]["errors"], 0);
  auto n = Name(j, "Sign.Sign.1.Sign.sign");
  ASSERT_FALSE(n.is_null()) << j["names"].dump();
  EXPECT_EQ(U(n, "count"), 20u);
  EXPECT_EQ(U(n, "bytes_out"), 20u * 48) << "SHA-384 digests sent";
  // DER ECDSA P-384 signatures: two integers of up to 49 bytes, 8 bytes of framing at most.
  EXPECT_GE(U(n, "bytes_in"), 20u * 90);
  EXPECT_LE(U(n, "bytes_in"), 20u * 106);
}

TEST(CryptoCuts, SignWithRsa3072) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("Sign"), "--lengths", "384,1024", "--loops", "5", "--process", "2",
                       "--extra", R"({"key":"asymmetric2"})", "--report", "report.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountContaining(EventLines(r.out), ".Sign.0.Sign.sign "), 10u);
  auto j = ReadJson(dir + "/report.json");
  EXPECT_EQ(j["requests"]["count"], 20);
  EXPECT_EQ(j["requests"]["errors"], 0);
  auto n = Name(j, "Sign.Sign.0.Sign.sign");
  ASSERT_FALSE(n.is_null()) << j["names"].dump();
  EXPECT_EQ(U(n, "bytes_in"), 10u * 384) << "RSA-3072 signatures";
  EXPECT_EQ(U(n, "bytes_out"), 10u * 48) << "SHA-384 digests";
}

TEST(CryptoCuts, KmsEncrytSymmetricRunsUnderItsOwnName) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("KmsEncrytSymmetric"), "--le", "512", "--loops", "3", "--extra",
                       R"({"file":"KmsDefault.json","key":"symmetric2"})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(lines.size(), 3u);
  // ID.PID.CUT.LENGTHINDEX.MANAGER.REQUEST: the id, the CUT and the manager are its name.
  EXPECT_EQ(CountContaining(lines, " KmsEncrytSymmetric."), 3u) << r.out;
  EXPECT_EQ(CountContaining(lines, ".KmsEncrytSymmetric.0.KmsEncrytSymmetric.encrypt "), 3u);
}

// A key missing from the file fails every runner at startup: exit code 3, the
// key named on stderr, no failed requests streamed.
TEST(CryptoCuts, MissingKeyFailsAtStartup) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("Encrypt"), "--process", "2", "--duration", "30", "--extra",
                       R"({"key":"nokey"})", "--report", "report.json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("Encrypt: setup failed: extra.key: \"nokey\" not found in '" +
                       std::string(PYLOGEN_SAMPLE_CUT_DIR) + "/KmsDefault.json'"),
            std::string::npos)
      << r.err;
  EXPECT_LT(r.elapsed_s, 10);
  EXPECT_TRUE(EventLines(r.out).empty()) << r.out;
  EXPECT_EQ(ReadJson(dir + "/report.json")["requests"]["count"], 0);
}

TEST(CryptoCuts, MissingKeyFileFailsAtStartup) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("Sign"), "--duration", "30", "--extra",
                       R"({"file":"nope.json","key":"symmetric1"})"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("Sign: setup failed: extra.file: 'nope.json' not found (tried 'nope.json', '" +
                       std::string(PYLOGEN_SAMPLE_CUT_DIR) + "/nope.json')"),
            std::string::npos)
      << r.err;
  EXPECT_LT(r.elapsed_s, 10);
  EXPECT_TRUE(EventLines(r.out).empty()) << r.out;
}

TEST(CryptoCuts, WrongAlgorithmForTheCutFailsAtStartup) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("Sign"), "--loops", "3", "--extra", R"({"key":"symmetric1"})"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("key 'symmetric1' is GOOGLE_SYMMETRIC_ENCRYPTION; Sign needs one of "),
            std::string::npos)
      << r.err;
  // The summary names the failed runner with the start of the message.
  EXPECT_NE(r.out.find("Sign: setup failed: key 'symmetric1' is GOOGLE_SYMMETRIC_ENCRYPTION"),
            std::string::npos)
      << r.out;
}

// KmsDefault.json in the current directory wins over the one beside the CUT.
TEST(CryptoCuts, KeyFileInTheCurrentDirectoryComesFirst) {
  std::string dir = TempDir();
  std::ofstream(dir + "/KmsDefault.json")
      << R"({"symmetric1": {"algorithm": "EC_SIGN_P384_SHA384", "private_key_pem": "x"}})";
  auto r = RunIn(dir, {SampleCut("Encrypt"), "--loops", "1", "--extra", R"({"key":"symmetric1"})"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("key 'symmetric1' is EC_SIGN_P384_SHA384; Encrypt needs "
                       "GOOGLE_SYMMETRIC_ENCRYPTION"),
            std::string::npos)
      << r.err;
}

TEST(CryptoCuts, LengthThatIsNotAByteCountFailsItsRequests) {
  std::string dir = TempDir();
  auto r = RunIn(dir, {SampleCut("Encrypt"), "--lengths", "16,abc", "--loops", "2", "--extra",
                       R"({"key":"symmetric1"})", "--report", "report.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(CountContaining(lines, " RC 2 "), 2u);
  EXPECT_EQ(CountContaining(lines, "length 'abc' is not a byte count"), 2u);
  EXPECT_EQ(ReadJson(dir + "/report.json")["requests"]["errors"], 2);
}

}  // namespace
}  // namespace pylogen::testing
