// Bad --extra for every sample CUT, through the real binary (issue 10): the
// start fails with one line naming the CUT, the key (extra.KEY), what it
// takes and the value given; never a library's raw text (nlohmann_json's
// "[json.exception...]", an iostream's "basic_filebuf::underflow ..."); an
// unknown key names the nearest known one and lists them all.
#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

struct BadExtra {
  const char* name;
  const char* cut;
  const char* extra;
  const char* expected;  // after "CUT: setup failed: " in the one line
};

class CutExtraTest : public ::testing::TestWithParam<BadExtra> {};

TEST_P(CutExtraTest, OneLineNamingTheKey) {
  const BadExtra& c = GetParam();
  auto r = RunPylogen({SampleCut(c.cut), "--loops", "1", "--extra", c.extra}, 30);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  std::string wanted = std::string(c.cut) + ": setup failed: " + c.expected;
  EXPECT_NE(lines[0].find(wanted), std::string::npos) << lines[0] << "\nwanted: " << wanted;
  for (const char* raw : {"json.exception", "basic_filebuf", "terminate called", "what()"}) {
    EXPECT_EQ(lines[0].find(raw), std::string::npos) << lines[0];
  }
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CutExtraTest,
    ::testing::Values(
        BadExtra{"DummySleepNotANumber", "Dummy", R"({"sleep":"x"})",
                 R"(extra.sleep: expected a number of seconds from 0 to 8640000, got "x")"},
        // It used to overflow the nanoseconds and not sleep at all.
        BadExtra{"DummySleepBeyondHundredDays", "Dummy", R"({"sleep":1e10})",
                 "extra.sleep: expected a number of seconds from 0 to 8640000, got 10000000000.0"},
        BadExtra{"DummyErrorFraction", "Dummy", R"({"sleep":0,"error":-0.5})",
                 "extra.error: expected a positive integer n (every n-th call fails) or 0 (none), "
                 "got -0.5"},
        BadExtra{"DummyErrorHuge", "Dummy", R"({"sleep":0,"error":1e300})",
                 "extra.error: expected a positive integer n (every n-th call fails) or 0 (none), "
                 "got 1e+300"},
        BadExtra{"DummyTransaction", "Dummy", R"({"sleep":0,"transaction":"maybe"})",
                 R"(extra.transaction: expected a boolean)"},
        BadExtra{"AsyncDummySleep", "AsyncDummy", R"({"sleep":"x"})",
                 R"(extra.sleep: expected a number of seconds from 0 to 8640000, got "x")"},
        BadExtra{"AsyncDummyError", "AsyncDummy", R"({"sleep":0,"error":1e300})",
                 "extra.error: expected a positive integer"},
        BadExtra{"HttpUrl", "Http", R"({"url":3})", "extra.url: expected a string, got 3"},
        BadExtra{"HttpTimeout", "Http", R"({"url":"http://127.0.0.1:9/","timeout":"1s"})",
                 R"(extra.timeout: expected a number, got "1s")"},
        BadExtra{"EncryptEmptyFile", "Encrypt", R"({"key":"symmetric1","file":""})",
                 "extra.file: '' is not a file"},
        BadExtra{"EncryptDirectory", "Encrypt", R"({"key":"symmetric1","file":"/tmp"})",
                 "extra.file: '/tmp' is a directory"},
        BadExtra{"SignDevice", "Sign", R"({"key":"asymmetric1","file":"/dev/zero"})",
                 "extra.file: '/dev/zero' is a device"},
        BadExtra{"SignKeyNotAString", "Sign", R"({"key":3})", "extra.key: expected a string, got 3"},
        BadExtra{"KmsKeyMissing", "KmsEncrytSymmetric", R"({})", "extra.key: must be given"},
        // Unknown keys (issue 13): the whole line, known keys included, must
        // survive the trip through the runner's slot.
        BadExtra{"DummyUnknownKey", "Dummy", R"({"slep":1})",
                 "extra.slep: unknown key (did you mean sleep?); known keys: error, sleep, "
                 "transaction"},
        BadExtra{"AsyncDummyUnknownKeys", "AsyncDummy", R"({"sleep":0,"slep":1,"x":2})",
                 "extra.slep: unknown key (did you mean sleep?), and 1 more unknown key; known "
                 "keys: error, sleep, transaction"},
        BadExtra{"HttpUnknownKey", "Http", R"({"url":"http://127.0.0.1:9/","engin":"fast"})",
                 "extra.engin: unknown key (did you mean engine?); known keys: body, "
                 "connect_timeout, engine, headers, method, name, timeout, url, verify, warmup"},
        BadExtra{"RedisUnknownKey", "Redis", R"({"comand":["PING"]})",
                 "extra.comand: unknown key (did you mean command?); known keys: command, "
                 "connect_timeout, host, name, port, timeout"},
        BadExtra{"EncryptUnknownKey", "Encrypt", R"({"key":"symmetric1","fiel":"K.json"})",
                 "extra.fiel: unknown key (did you mean file?); known keys: file, key"},
        BadExtra{"SignUnknownKey", "Sign", R"({"key":"asymmetric1","sleep":0})",
                 "extra.sleep: unknown key; known keys: file, key"},
        BadExtra{"KmsUnknownKey", "KmsEncrytSymmetric", R"({"kye":"symmetric1"})",
                 "extra.kye: unknown key (did you mean key?); known keys: file, key"}),
    [](const ::testing::TestParamInfo<BadExtra>& info) { return info.param.name; });

}  // namespace
}  // namespace pylogen::testing
