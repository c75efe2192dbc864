#include "pylogen/requests.h"

#include <time.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace pylogen {
namespace {

constexpr std::int64_t kMs = 1'000'000;

TEST(RequestsManagerTest, VoidLambdaSucceeds) {
  RequestsManager manager("M");
  bool called = false;
  EXPECT_EQ(manager.exec("R1", [&] { called = true; }), 0);
  EXPECT_TRUE(called);
  ASSERT_EQ(manager.size(), 1u);
  const Request& r = *manager.begin();
  EXPECT_STREQ(r.name, "R1");
  EXPECT_EQ(r.rc, 0);
  EXPECT_STREQ(r.error, "");
  EXPECT_EQ(r.bytes_in, 0u);
  EXPECT_EQ(r.bytes_out, 0u);
}

TEST(RequestsManagerTest, IntLambdaGivesItsRc) {
  RequestsManager manager;
  EXPECT_EQ(manager.exec("R", [] { return 7; }), 7);
  EXPECT_EQ(manager.exec("R", [] { return 0; }), 0);
  EXPECT_EQ(manager.exec("R", [](Request&) { return 5; }), 5);
  ASSERT_EQ(manager.size(), 3u);
  EXPECT_EQ(manager.begin()[0].rc, 7);
  EXPECT_EQ(manager.begin()[1].rc, 0);
  EXPECT_EQ(manager.begin()[2].rc, 5);
}

TEST(RequestsManagerTest, LambdaTakingRequestIsHandedTheRecord) {
  RequestsManager manager;
  const Request* seen = nullptr;
  manager.exec("R", [&](Request& request) { seen = &request; });
  ASSERT_EQ(manager.size(), 1u);
  EXPECT_EQ(seen, manager.begin());
}

// A void callable marking its request failed: the rc it set must survive.
// (This is how Dummy and CutInstance report failures.)
TEST(RequestsManagerTest, FailInVoidLambdaKeepsRcAndMessage) {
  RequestsManager manager;
  int rc = manager.exec("R", [](Request& request) { request.Fail(3, "msg"); });
  EXPECT_EQ(rc, 3);
  ASSERT_EQ(manager.size(), 1u);
  EXPECT_EQ(manager.begin()->rc, 3);
  EXPECT_STREQ(manager.begin()->error, "msg");
}

TEST(RequestsManagerTest, FailThenReturnRcKeepsMessage) {
  RequestsManager manager;
  int rc = manager.exec("R", [](Request& request) {
    request.Fail(3, "msg");
    return 3;
  });
  EXPECT_EQ(rc, 3);
  EXPECT_EQ(manager.begin()->rc, 3);
  EXPECT_STREQ(manager.begin()->error, "msg");
}

TEST(RequestsManagerTest, ExceptionGivesRc16AndWhat) {
  RequestsManager manager;
  int rc = manager.exec("R", [] { throw std::runtime_error("broken pipe"); });
  EXPECT_EQ(rc, kRcException);
  EXPECT_EQ(kRcException, 16);
  ASSERT_EQ(manager.size(), 1u);
  EXPECT_EQ(manager.begin()->rc, 16);
  EXPECT_STREQ(manager.begin()->error, "broken pipe");
  EXPECT_LE(manager.begin()->begin_ns, manager.begin()->end_ns);
}

TEST(RequestsManagerTest, ExceptionFromIntLambda) {
  RequestsManager manager;
  int rc = manager.exec("R", []() -> int { throw std::logic_error("nope"); });
  EXPECT_EQ(rc, 16);
  EXPECT_STREQ(manager.begin()->error, "nope");
}

TEST(RequestsManagerTest, UnknownExceptionGivesRc16) {
  RequestsManager manager;
  int rc = manager.exec("R", [] { throw 42; });
  EXPECT_EQ(rc, 16);
  ASSERT_EQ(manager.size(), 1u);
  EXPECT_EQ(manager.begin()->rc, 16);
  EXPECT_STREQ(manager.begin()->error, "unknown exception");
}

TEST(RequestsManagerTest, RequestsAreKeptInCallOrder) {
  RequestsManager manager;
  manager.exec("A", [] {});
  manager.exec("B", [] { return 1; });
  manager.exec("C", [] { throw std::runtime_error("c"); });
  ASSERT_EQ(manager.size(), 3u);
  EXPECT_EQ(manager.end() - manager.begin(), 3);
  EXPECT_STREQ(manager.begin()[0].name, "A");
  EXPECT_STREQ(manager.begin()[1].name, "B");
  EXPECT_STREQ(manager.begin()[2].name, "C");
  EXPECT_LE(manager.begin()[0].end_ns, manager.begin()[1].begin_ns);
  EXPECT_LE(manager.begin()[1].end_ns, manager.begin()[2].begin_ns);
}

TEST(RequestsManagerTest, TimesTheCall) {
  RequestsManager manager;
  const std::int64_t before = MonotonicNanos();
  manager.exec("sleep", [] {
    timespec ts{0, 2 * kMs};
    while (nanosleep(&ts, &ts) != 0) {
    }
  });
  const std::int64_t after = MonotonicNanos();
  const Request& r = *manager.begin();
  EXPECT_LE(before, r.begin_ns);
  EXPECT_LE(r.begin_ns, r.end_ns);
  EXPECT_LE(r.end_ns, after);
  EXPECT_GE(r.duration_ns(), 2 * kMs);
  EXPECT_EQ(r.duration_ns(), r.end_ns - r.begin_ns);
}

TEST(RequestsManagerTest, EmptyCallIsTimedNonNegative) {
  RequestsManager manager;
  manager.exec("noop", [] {});
  EXPECT_GE(manager.begin()->duration_ns(), 0);
  EXPECT_LT(manager.begin()->duration_ns(), 1000 * kMs);
}

TEST(RequestsManagerTest, LongNamesAndErrorsAreTruncatedAndTerminated) {
  const std::string long_text(200, 'x');
  RequestsManager manager(long_text);
  EXPECT_EQ(std::strlen(manager.name()), kNameCapacity - 1);
  manager.exec(long_text, [&] { throw std::runtime_error(long_text); });
  manager.exec("R", [&](Request& r) {
    r.Fail(2, long_text);
    return 2;
  });
  const Request& thrown = manager.begin()[0];
  EXPECT_EQ(std::strlen(thrown.name), kNameCapacity - 1);
  EXPECT_EQ(std::string(thrown.name), long_text.substr(0, kNameCapacity - 1));
  EXPECT_EQ(std::strlen(thrown.error), kErrorCapacity - 1);
  EXPECT_EQ(std::string(thrown.error), long_text.substr(0, kErrorCapacity - 1));
  EXPECT_EQ(std::strlen(manager.begin()[1].error), kErrorCapacity - 1);
}

struct CopyCase {
  std::size_t text_size;
  std::size_t capacity;
  std::size_t copied;
};

class CopyBoundedTest : public ::testing::TestWithParam<CopyCase> {};

TEST_P(CopyBoundedTest, TruncatesAndTerminates) {
  const CopyCase& c = GetParam();
  char buffer[64];
  std::memset(buffer, '#', sizeof buffer);
  const std::string text(c.text_size, 'a');
  CopyBounded(buffer, c.capacity, text);
  EXPECT_EQ(std::strlen(buffer), c.copied);
  EXPECT_EQ(buffer[c.copied], '\0');
  // Nothing written past the capacity.
  for (std::size_t i = c.capacity; i < sizeof buffer; ++i) EXPECT_EQ(buffer[i], '#') << i;
}

INSTANTIATE_TEST_SUITE_P(Sizes, CopyBoundedTest,
                         ::testing::Values(CopyCase{0, 8, 0}, CopyCase{5, 8, 5},
                                           CopyCase{7, 8, 7}, CopyCase{8, 8, 7},
                                           CopyCase{50, 8, 7}, CopyCase{3, 1, 0}));

TEST(RequestsManagerTest, ResetClearsButKeepsStorage) {
  RequestsManager manager;
  auto operation = [&] {
    for (int i = 0; i < 5; ++i) manager.exec("R", [] {});
  };
  operation();  // warm-up
  const Request* data = manager.begin();
  for (int round = 0; round < 10; ++round) {
    manager.Reset();
    EXPECT_EQ(manager.size(), 0u);
    EXPECT_EQ(manager.begin(), manager.end());
    operation();
    EXPECT_EQ(manager.size(), 5u);
    EXPECT_EQ(manager.begin(), data) << "storage reallocated in round " << round;
  }
}

TEST(RequestsManagerTest, ResetForgetsPreviousResults) {
  RequestsManager manager;
  manager.exec("R", [](Request& r) {
    r.AddBytes(5, 6);
    r.Fail(9, "old");
    return 9;
  });
  manager.Reset();
  manager.exec("R", [] {});
  ASSERT_EQ(manager.size(), 1u);
  EXPECT_EQ(manager.begin()->rc, 0);
  EXPECT_STREQ(manager.begin()->error, "");
  EXPECT_EQ(manager.begin()->bytes_in, 0u);
  EXPECT_EQ(manager.begin()->bytes_out, 0u);
}

TEST(RequestsManagerTest, AddBytesAccumulates) {
  RequestsManager manager;
  manager.exec("R", [](Request& r) {
    r.AddBytes(10, 20);
    r.AddBytes(1, 2);
    r.AddBytes(0, 100);
  });
  EXPECT_EQ(manager.begin()->bytes_in, 11u);
  EXPECT_EQ(manager.begin()->bytes_out, 122u);
}

TEST(RequestsManagerTest, SetNameReplacesName) {
  RequestsManager manager("first");
  EXPECT_STREQ(manager.name(), "first");
  manager.set_name("second");
  EXPECT_STREQ(manager.name(), "second");
  RequestsManager unnamed;
  EXPECT_STREQ(unnamed.name(), "");
}

}  // namespace
}  // namespace pylogen
