#include "output/line_format.h"

#include <stdlib.h>
#include <time.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pylogen::output {
namespace {

using stats::Record;
using stats::RecordKind;

// 2026-11-23 21:17:56.123456789 UTC.
constexpr std::int64_t kBegin = 1'795'468'676'123'456'789;
constexpr std::string_view kError = R"(say "hi" \ ok)";

// Sets TZ for the test and restores the previous value after it, so that the
// other tests of the binary see the environment they started with.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = getenv("TZ")) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTz() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

class LineFormatTest : public ::testing::Test {
 protected:
  ScopedTz tz_{"UTC"};
};

Record BaseRecord() {
  Record r;
  std::memset(&r, 0, sizeof r);
  r.begin_ns = kBegin;
  r.intended_ns = kBegin;
  r.service_ns = 1'000;
  r.op_count = 617;
  r.bytes_in = 100;
  r.bytes_out = 20;
  r.local_throughput = 30000.0f;
  r.pid = 4242;
  r.length_index = 1;
  r.kind = RecordKind::kRequest;
  CopyBounded(r.manager, kNameCapacity, "Dummy");
  CopyBounded(r.request, kNameCapacity, "R_0");
  return r;
}

Record RequestRecord() { return BaseRecord(); }

Record TransactionRecord() {
  Record r = BaseRecord();
  r.kind = RecordKind::kTransaction;
  r.request[0] = '\0';
  r.service_ns = 3'000'000;
  return r;
}

Record InTransactionRecord() {
  Record r = BaseRecord();
  r.flags = stats::kInTransaction;
  CopyBounded(r.request, kNameCapacity, "R_1");
  r.service_ns = 1'500'000;
  return r;
}

Record OpenedRecord() {
  Record r = BaseRecord();
  r.flags = stats::kOpenedModel;
  r.intended_ns = kBegin - 2'500'000;
  r.wait_ns = 2'500'000;
  return r;
}

Record ErrorRecord() {
  Record r = BaseRecord();
  r.rc = 16;
  CopyBounded(r.error, kErrorCapacity, kError);
  return r;
}

LineContext Context() {
  LineContext c;
  c.global_count = 1234;
  c.global_throughput = 56789.0;
  c.started = 2;
  c.ended = 0;
  c.active = 2;
  c.load_id = "DUM";
  c.cut_name = "Dummy";
  c.length = "384";
  return c;
}

std::string Render(LineFormat format, const Record& record,
                   const LineContext& context = Context()) {
  LineWriter writer(format);
  fmt::memory_buffer out;
  writer.Line(record, context, out);
  return fmt::to_string(out);
}

std::string HeaderOf(LineFormat format) {
  fmt::memory_buffer out;
  LineWriter(format).Header(out);
  return fmt::to_string(out);
}

// RFC 4180 fields of one line (its '\n' excluded).
std::vector<std::string> CsvFields(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

struct LineCase {
  const char* name;
  Record (*make)();
  LineFormat format;
  std::string expected;
};

const std::string kShortHead = "21:17:56.123 1795468676.123 stat 1234 56789.0 2 0 2 ";
const std::string kCsvHead = "21:17:56.123,1795468676.123,stat,1234,56789.0,2,0,2,";
const std::string kLongHead =
    "time=21:17:56.123 epoch=1795468676.123 type=stat count=1234 throughput=56789.0 "
    "started=2 ended=0 active=2 ";

const LineCase kLineCases[] = {
    {"short_request", RequestRecord, LineFormat::kShort,
     kShortHead + "DUM.4242.Dummy.1.Dummy.R_0 req None 617 30000.0 RC 0 step 384 t 0.000001\n"},
    {"short_transaction", TransactionRecord, LineFormat::kShort,
     kShortHead + "DUM.4242.Dummy.1.Dummy tra DUM.4242.617 617 30000.0 RC 0 step 384 t 0.003000\n"},
    {"short_in_transaction", InTransactionRecord, LineFormat::kShort,
     kShortHead +
         "DUM.4242.Dummy.1.Dummy.R_1 req DUM.4242.617 617 30000.0 RC 0 step 384 t 0.001500\n"},
    {"short_opened", OpenedRecord, LineFormat::kShort,
     kShortHead +
         "DUM.4242.Dummy.1.Dummy.R_0 req None 617 30000.0 RC 0 step 384 t 0.000001 w 0.002500\n"},
    {"short_error", ErrorRecord, LineFormat::kShort,
     kShortHead + R"(DUM.4242.Dummy.1.Dummy.R_0 req None 617 30000.0 RC 16 step 384 t 0.000001)" +
         R"( err "say \"hi\" \\ ok")" + "\n"},

    {"csv_request", RequestRecord, LineFormat::kCsv,
     kCsvHead +
         "DUM.4242.Dummy.1.Dummy.R_0,req,None,617,30000.0,0,384,0.000001,0.000000,100,20,\n"},
    {"csv_transaction", TransactionRecord, LineFormat::kCsv,
     kCsvHead +
         "DUM.4242.Dummy.1.Dummy,tra,DUM.4242.617,617,30000.0,0,384,0.003000,0.000000,100,20,\n"},
    {"csv_in_transaction", InTransactionRecord, LineFormat::kCsv,
     kCsvHead + "DUM.4242.Dummy.1.Dummy.R_1,req,DUM.4242.617,617,30000.0,0,384,0.001500,0.000000,"
                "100,20,\n"},
    {"csv_opened", OpenedRecord, LineFormat::kCsv,
     kCsvHead +
         "DUM.4242.Dummy.1.Dummy.R_0,req,None,617,30000.0,0,384,0.000001,0.002500,100,20,\n"},
    {"csv_error", ErrorRecord, LineFormat::kCsv,
     kCsvHead +
         R"(DUM.4242.Dummy.1.Dummy.R_0,req,None,617,30000.0,16,384,0.000001,0.000000,100,20,)" +
         R"("say ""hi"" \ ok")" + "\n"},

    {"long_request", RequestRecord, LineFormat::kLong,
     kLongHead + "id=DUM.4242.Dummy.1.Dummy.R_0 nature=req transaction=None op=617 "
                 "local_throughput=30000.0 "
                 "rc=0 length=384 seconds=0.000001 wait=0.000000 bytes_in=100 bytes_out=20\n"},
    {"long_transaction", TransactionRecord, LineFormat::kLong,
     kLongHead +
         "id=DUM.4242.Dummy.1.Dummy nature=tra transaction=DUM.4242.617 op=617 "
         "local_throughput=30000.0 rc=0 length=384 seconds=0.003000 wait=0.000000 bytes_in=100 "
         "bytes_out=20\n"},
    {"long_in_transaction", InTransactionRecord, LineFormat::kLong,
     kLongHead +
         "id=DUM.4242.Dummy.1.Dummy.R_1 nature=req transaction=DUM.4242.617 op=617 "
         "local_throughput=30000.0 rc=0 length=384 seconds=0.001500 wait=0.000000 bytes_in=100 "
         "bytes_out=20\n"},
    {"long_opened", OpenedRecord, LineFormat::kLong,
     kLongHead + "id=DUM.4242.Dummy.1.Dummy.R_0 nature=req transaction=None op=617 "
                 "local_throughput=30000.0 "
                 "rc=0 length=384 seconds=0.000001 wait=0.002500 bytes_in=100 bytes_out=20\n"},
    {"long_error", ErrorRecord, LineFormat::kLong,
     kLongHead +
         "id=DUM.4242.Dummy.1.Dummy.R_0 nature=req transaction=None op=617 "
         "local_throughput=30000.0 "
         "rc=16 length=384 seconds=0.000001 wait=0.000000 bytes_in=100 bytes_out=20" +
         R"( error="say \"hi\" \\ ok")" + "\n"},

    {"jtl_request", RequestRecord, LineFormat::kJtl,
     "1795468676123,0,DUM.Dummy.1.Dummy.R_0,0,OK,DUM 4242,text,true,,100,20,2,2,,0,0,0\n"},
    {"jtl_transaction", TransactionRecord, LineFormat::kJtl,
     "1795468676123,3,DUM.Dummy.1.Dummy,0,OK,DUM 4242,text,true,,100,20,2,2,,3,0,0\n"},
    {"jtl_in_transaction", InTransactionRecord, LineFormat::kJtl,  // 1.5 ms rounds up
     "1795468676123,2,DUM.Dummy.1.Dummy.R_1,0,OK,DUM 4242,text,true,,100,20,2,2,,2,0,0\n"},
    {"jtl_opened", OpenedRecord, LineFormat::kJtl,  // elapsed = wait + service = 2.501 ms
     "1795468676123,3,DUM.Dummy.1.Dummy.R_0,0,OK,DUM 4242,text,true,,100,20,2,2,,3,0,0\n"},
    {"jtl_error", ErrorRecord, LineFormat::kJtl,
     std::string("1795468676123,0,DUM.Dummy.1.Dummy.R_0,16,") + R"("say ""hi"" \ ok")" +
         ",DUM 4242,text,false," + R"("say ""hi"" \ ok")" + ",100,20,2,2,,0,0,0\n"},
};

class LineCaseTest : public LineFormatTest, public ::testing::WithParamInterface<LineCase> {};

TEST_P(LineCaseTest, WritesTheExpectedLine) {
  const LineCase& c = GetParam();
  EXPECT_EQ(Render(c.format, c.make()), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Formats, LineCaseTest, ::testing::ValuesIn(kLineCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(LineFormatTest, CsvAndJtlLinesHaveTheHeaderColumnCount) {
  for (const LineCase& c : kLineCases) {
    if (c.format != LineFormat::kCsv && c.format != LineFormat::kJtl) continue;
    std::vector<std::string> header = CsvFields(HeaderOf(c.format));
    std::vector<std::string> fields = CsvFields(Render(c.format, c.make()));
    EXPECT_EQ(fields.size(), header.size()) << c.name;
  }
}

TEST_F(LineFormatTest, CsvAndJtlHeaders) {
  EXPECT_EQ(HeaderOf(LineFormat::kCsv),
            "time,epoch,type,count,throughput,started,ended,active,id,nature,transaction,op,"
            "local_throughput,rc,length,seconds,wait,bytes_in,bytes_out,error\n");
  EXPECT_EQ(HeaderOf(LineFormat::kJtl),
            "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
            "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n");
  EXPECT_EQ(CsvFields(HeaderOf(LineFormat::kCsv)).size(), 20u);
  EXPECT_EQ(CsvFields(HeaderOf(LineFormat::kJtl)).size(), 17u);
  for (LineFormat f :
       {LineFormat::kShort, LineFormat::kLong, LineFormat::kJson, LineFormat::kNone}) {
    EXPECT_EQ(HeaderOf(f), "") << LineFormatName(f);
  }
}

TEST_F(LineFormatTest, CsvQuotesFieldsThatNeedIt) {
  LineContext c = Context();
  c.load_id = "A,B";
  c.length = "1\"2";
  std::string line = Render(LineFormat::kCsv, RequestRecord(), c);
  std::vector<std::string> fields = CsvFields(line);
  ASSERT_EQ(fields.size(), 20u) << line;
  EXPECT_EQ(fields[8], "A,B.4242.Dummy.1.Dummy.R_0");
  EXPECT_EQ(fields[10], "None");
  EXPECT_EQ(fields[14], "1\"2");
  EXPECT_NE(line.find(R"("A,B.4242.Dummy.1.Dummy.R_0")"), std::string::npos) << line;

  std::string jtl = Render(LineFormat::kJtl, InTransactionRecord(), c);
  std::vector<std::string> jfields = CsvFields(jtl);
  ASSERT_EQ(jfields.size(), 17u) << jtl;
  EXPECT_EQ(jfields[2], "A,B.Dummy.1.Dummy.R_1");
  EXPECT_EQ(jfields[5], "A,B 4242");
}

struct JsonCase {
  const char* name;
  Record (*make)();
  const char* id;
  std::optional<std::string> transaction;
  const char* nature;
  double seconds;
  double wait;
  int rc;
  std::optional<std::string> error;
};

const JsonCase kJsonCases[] = {
    {"request", RequestRecord, "DUM.4242.Dummy.1.Dummy.R_0", std::nullopt, "req", 0.000001, 0, 0,
     std::nullopt},
    {"transaction", TransactionRecord, "DUM.4242.Dummy.1.Dummy", "DUM.4242.617", "tra", 0.003, 0, 0,
     std::nullopt},
    {"in_transaction", InTransactionRecord, "DUM.4242.Dummy.1.Dummy.R_1", "DUM.4242.617", "req",
     0.0015, 0, 0, std::nullopt},
    {"opened", OpenedRecord, "DUM.4242.Dummy.1.Dummy.R_0", std::nullopt, "req", 0.000001, 0.0025, 0,
     std::nullopt},
    {"error", ErrorRecord, "DUM.4242.Dummy.1.Dummy.R_0", std::nullopt, "req", 0.000001, 0, 16,
     std::string(kError)},
};

class JsonCaseTest : public LineFormatTest, public ::testing::WithParamInterface<JsonCase> {};

TEST_P(JsonCaseTest, ParsesAndHoldsTheValues) {
  const JsonCase& c = GetParam();
  std::string line = Render(LineFormat::kJson, c.make());
  ASSERT_EQ(line.back(), '\n');
  ASSERT_EQ(line.find('\n'), line.size() - 1);
  nlohmann::json j = nlohmann::json::parse(line);  // throws, failing the test, if invalid
  EXPECT_EQ(j["time"], "21:17:56.123");
  EXPECT_DOUBLE_EQ(j["epoch"].get<double>(), 1795468676.123);
  EXPECT_EQ(j["type"], "stat");
  EXPECT_EQ(j["count"], 1234);
  EXPECT_DOUBLE_EQ(j["throughput"].get<double>(), 56789.0);
  EXPECT_EQ(j["started"], 2);
  EXPECT_EQ(j["ended"], 0);
  EXPECT_EQ(j["active"], 2);
  EXPECT_EQ(j["id"], c.id);
  EXPECT_EQ(j["nature"], c.nature);
  if (c.transaction) {
    EXPECT_EQ(j["transaction"], *c.transaction);
  } else {
    EXPECT_TRUE(j["transaction"].is_null());
  }
  EXPECT_EQ(j["op"], 617);
  EXPECT_DOUBLE_EQ(j["local_throughput"].get<double>(), 30000.0);
  EXPECT_EQ(j["rc"], c.rc);
  EXPECT_EQ(j["length"], "384");
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), c.seconds);
  EXPECT_DOUBLE_EQ(j["wait"].get<double>(), c.wait);
  EXPECT_NEAR(j["response"].get<double>(), c.seconds + c.wait, 1e-9);
  EXPECT_EQ(j["bytes_in"], 100);
  EXPECT_EQ(j["bytes_out"], 20);
  if (c.error) {
    EXPECT_EQ(j["error"], *c.error);
  } else {
    EXPECT_FALSE(j.contains("error"));
  }
  EXPECT_EQ(j.size(), c.error ? 21u : 20u);
}

INSTANTIATE_TEST_SUITE_P(Records, JsonCaseTest, ::testing::ValuesIn(kJsonCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(LineFormatTest, JsonEscapesControlCharactersAndBadUtf8) {
  Record r = ErrorRecord();
  const std::string error = std::string(
                                "a\"b\\c\nd\te\x01"
                                "f\x1f") +
                            "\xc3\xa9";  // é at the end
  CopyBounded(r.error, kErrorCapacity, error);
  CopyBounded(r.request, kNameCapacity, "R\xc3");  // é cut in half by truncation
  LineContext c = Context();
  c.load_id = "I\"D";
  std::string line = Render(LineFormat::kJson, r, c);
  EXPECT_NE(line.find(R"(\u0001)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"(\u001f)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"(\u000a)"), std::string::npos) << line;
  nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["error"], error);
  EXPECT_EQ(j["id"], "I\"D.4242.Dummy.1.Dummy.R\xef\xbf\xbd");  // U+FFFD
  EXPECT_EQ(j["transaction"], nullptr);
}

TEST_F(LineFormatTest, ShortEscapesControlCharactersOnOneLine) {
  Record r = ErrorRecord();
  CopyBounded(r.error, kErrorCapacity, "x\ny\x01");
  std::string line = Render(LineFormat::kShort, r);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_TRUE(line.ends_with(R"( err "x\ny\x01")"
                             "\n"))
      << line;
}

TEST_F(LineFormatTest, ErrorTextIsShownOnlyWithANonZeroRc) {
  Record r = RequestRecord();
  CopyBounded(r.error, kErrorCapacity, "stale");
  EXPECT_EQ(Render(LineFormat::kShort, r).find("err"), std::string::npos);
  EXPECT_TRUE(Render(LineFormat::kCsv, r).ends_with(",20,\n"));
  r.rc = 3;
  r.error[0] = '\0';
  EXPECT_EQ(Render(LineFormat::kShort, r).find("err"), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(Render(LineFormat::kJson, r)).contains("error"));
}

TEST_F(LineFormatTest, NoneWritesNothing) {
  fmt::memory_buffer out;
  LineWriter writer(LineFormat::kNone);
  writer.Header(out);
  writer.Line(ErrorRecord(), Context(), out);
  writer.Line(OpenedRecord(), Context(), out);
  EXPECT_EQ(out.size(), 0u);
}

TEST_F(LineFormatTest, LinesAppendToTheBuffer) {
  fmt::memory_buffer out;
  out.append(std::string_view("previous\n"));
  LineWriter writer(LineFormat::kShort);
  for (int i = 0; i < 3; ++i) writer.Line(RequestRecord(), Context(), out);
  std::string text = fmt::to_string(out);
  std::string line = Render(LineFormat::kShort, RequestRecord());
  EXPECT_EQ(text, "previous\n" + line + line + line);
}

TEST_F(LineFormatTest, LongContextTextsFit) {
  std::string id(5000, '"');  // json doubles it, csv doubles it and quotes
  LineContext c = Context();
  c.load_id = id;
  c.cut_name = id;
  c.length = id;
  for (LineFormat f : {LineFormat::kShort, LineFormat::kCsv, LineFormat::kLong, LineFormat::kJson,
                       LineFormat::kJtl}) {
    std::string line = Render(f, InTransactionRecord(), c);
    EXPECT_EQ(line.find('\n'), line.size() - 1) << LineFormatName(f);
    if (f == LineFormat::kJson) {
      nlohmann::json j = nlohmann::json::parse(line);
      EXPECT_EQ(j["length"], id);
    }
  }
}

TEST(ParseLineFormatTest, KnownNames) {
  struct Case {
    const char* name;
    LineFormat format;
  };
  const Case cases[] = {{"short", LineFormat::kShort}, {"csv", LineFormat::kCsv},
                        {"long", LineFormat::kLong},   {"json", LineFormat::kJson},
                        {"jtl", LineFormat::kJtl},     {"none", LineFormat::kNone}};
  for (const Case& c : cases) {
    bool fell_back = true;
    EXPECT_EQ(ParseLineFormat(c.name, &fell_back), c.format) << c.name;
    EXPECT_FALSE(fell_back) << c.name;
    EXPECT_EQ(LineFormatName(c.format), c.name);
    EXPECT_EQ(LineWriter(c.format).format(), c.format);
  }
}

TEST(ParseLineFormatTest, UnknownNamesFallBackToLong) {
  for (const char* name : {"", "x", "Short", "CSV", "shorts", "jsonl", "short "}) {
    bool fell_back = false;
    EXPECT_EQ(ParseLineFormat(name, &fell_back), LineFormat::kLong) << name;
    EXPECT_TRUE(fell_back) << name;
  }
  EXPECT_EQ(ParseLineFormat("xml", nullptr), LineFormat::kLong);
  EXPECT_EQ(ParseLineFormat("csv", nullptr), LineFormat::kCsv);
}

// The value after `label` in a short line, up to the next space or newline.
std::string Column(const std::string& line, std::string_view label) {
  std::size_t at = line.find(label);
  if (at == std::string::npos) return "<missing>";
  at += label.size();
  return line.substr(at, line.find_first_of(" \n", at) - at);
}

TEST_F(LineFormatTest, SecondsFixedPoint) {
  struct Case {
    std::int64_t ns;
    const char* text;
  };
  const Case cases[] = {
      {0, "0.000000"},
      {499, "0.000000"},
      {500, "0.000001"},
      {999'499, "0.000999"},
      {999'999, "0.001000"},
      {1'000'000'000, "1.000000"},
      {1'234'567'890, "1.234568"},
      {-1'500, "-0.000002"},
      {-400, "0.000000"},
      {-1'000'000'000, "-1.000000"},
      {86'400'000'000'000, "86400.000000"},
      {std::numeric_limits<std::int64_t>::max(), "9223372036.854776"},
      {std::numeric_limits<std::int64_t>::min(), "-9223372036.854776"},
  };
  for (const Case& c : cases) {
    Record r = OpenedRecord();
    r.service_ns = c.ns;
    r.wait_ns = c.ns;
    std::string line = Render(LineFormat::kShort, r);
    EXPECT_EQ(Column(line, " t "), c.text) << c.ns;
    EXPECT_EQ(Column(line, " w "), c.text) << c.ns;
    r.wait_ns = 0;
    nlohmann::json j = nlohmann::json::parse(Render(LineFormat::kJson, r));
    EXPECT_NEAR(j["seconds"].get<double>(), std::stod(c.text), 1e-6) << c.ns;
  }
}

TEST_F(LineFormatTest, ResponseSumDoesNotOverflow) {
  Record r = OpenedRecord();
  r.wait_ns = std::numeric_limits<std::int64_t>::max();
  r.service_ns = 10;
  nlohmann::json j = nlohmann::json::parse(Render(LineFormat::kJson, r));
  EXPECT_GT(j["response"].get<double>(), 9.2e9);
}

TEST_F(LineFormatTest, NegativeElapsedInJtl) {
  Record r = RequestRecord();
  r.service_ns = -2'600'000;
  std::vector<std::string> f = CsvFields(Render(LineFormat::kJtl, r));
  ASSERT_EQ(f.size(), 17u);
  EXPECT_EQ(f[1], "-3");
  EXPECT_EQ(f[14], "-3");
}

TEST_F(LineFormatTest, ThroughputFixedPoint) {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {
      {0, "0.0"},
      {0.04, "0.0"},
      {12.34, "12.3"},
      {12.36, "12.4"},
      {99.96, "100.0"},
      {-3.26, "-3.3"},
      {-0.01, "0.0"},
      {1e12, "1000000000000.0"},
      {1e20, "100000000000000000000.0"},  // past the integer path
  };
  for (const Case& c : cases) {
    LineContext ctx = Context();
    ctx.global_throughput = c.value;
    std::string line = Render(LineFormat::kLong, RequestRecord(), ctx);
    EXPECT_EQ(Column(line, " throughput="), c.text) << c.value;
  }
  Record r = RequestRecord();
  r.local_throughput = 0.25f;
  EXPECT_EQ(Column(Render(LineFormat::kLong, r), " local_throughput="), "0.3");
}

TEST_F(LineFormatTest, NonFiniteThroughputIsNullInJson) {
  LineContext c = Context();
  c.global_throughput = std::nan("");
  Record r = RequestRecord();
  r.local_throughput = std::numeric_limits<float>::infinity();
  nlohmann::json j = nlohmann::json::parse(Render(LineFormat::kJson, r, c));
  EXPECT_TRUE(j["throughput"].is_null());
  EXPECT_TRUE(j["local_throughput"].is_null());
  EXPECT_EQ(Column(Render(LineFormat::kLong, r, c), " throughput="), "nan");
}

TEST_F(LineFormatTest, EpochAndTimeBeforeAndAtTheEpoch) {
  struct Case {
    std::int64_t begin_ns;
    const char* head;
  };
  const Case cases[] = {
      {0, "00:00:00.000 0.000 stat"},
      {999'999, "00:00:00.000 0.000 stat"},  // truncated to the ms, not rounded
      {1'000'000, "00:00:00.001 0.001 stat"},
      {-1, "23:59:59.999 -0.001 stat"},  // second -1: also the cache's initial value
      {-1'500'000'000, "23:59:58.500 -1.500 stat"},
  };
  for (const Case& c : cases) {
    Record r = RequestRecord();
    r.begin_ns = c.begin_ns;
    EXPECT_TRUE(Render(LineFormat::kShort, r).starts_with(c.head)) << c.begin_ns;
  }
  Record r = RequestRecord();
  r.begin_ns = -1'500'000'000;
  EXPECT_TRUE(Render(LineFormat::kJtl, r).starts_with("-1500,")) << Render(LineFormat::kJtl, r);
}

TEST_F(LineFormatTest, TimeCacheFollowsTheSecond) {
  LineWriter writer(LineFormat::kShort);
  fmt::memory_buffer out;
  Record r = RequestRecord();
  const std::int64_t seconds[] = {0, 0, 1, 59, 3600, 3600, 7199, 86399};
  const char* clocks[] = {"00:00:00", "00:00:00", "00:00:01", "00:00:59",
                          "01:00:00", "01:00:00", "01:59:59", "23:59:59"};
  for (std::size_t i = 0; i < std::size(seconds); ++i) {
    out.clear();
    r.begin_ns = seconds[i] * 1'000'000'000 + 7'000'000;
    writer.Line(r, Context(), out);
    EXPECT_EQ(std::string_view(out.data(), 12), std::string(clocks[i]) + ".007") << seconds[i];
  }
}

TEST(LineFormatTimeZoneTest, TimeOfDayIsLocal) {
  {
    ScopedTz tz("UTC");
    EXPECT_TRUE(
        Render(LineFormat::kShort, RequestRecord()).starts_with("21:17:56.123 1795468676.123"));
  }
  {
    ScopedTz tz("<+02>-2");  // POSIX form: two hours east of UTC, no zoneinfo needed
    std::string line = Render(LineFormat::kShort, RequestRecord());
    EXPECT_TRUE(line.starts_with("23:17:56.123 1795468676.123")) << line;
    nlohmann::json j = nlohmann::json::parse(Render(LineFormat::kJson, RequestRecord()));
    EXPECT_EQ(j["time"], "23:17:56.123");
    EXPECT_DOUBLE_EQ(j["epoch"].get<double>(), 1795468676.123);  // the epoch is not local
  }
}

TEST_F(LineFormatTest, AppendIds) {
  struct Case {
    Record (*make)();
    const char* full_id;
    const char* transaction_id;
  };
  const Case cases[] = {
      {RequestRecord, "DUM.4242.Dummy.1.Dummy.R_0", "None"},
      {TransactionRecord, "DUM.4242.Dummy.1.Dummy", "DUM.4242.617"},
      {InTransactionRecord, "DUM.4242.Dummy.1.Dummy.R_1", "DUM.4242.617"},
  };
  for (const Case& c : cases) {
    fmt::memory_buffer out;
    AppendFullId(c.make(), Context(), out);
    out.push_back('|');
    AppendTransactionId(c.make(), Context(), out);
    EXPECT_EQ(fmt::to_string(out), std::string(c.full_id) + "|" + c.transaction_id);
  }
}

TEST_F(LineFormatTest, NamesAreReadWithinTheirCapacity) {
  Record r = RequestRecord();
  std::memset(r.manager, 'M', sizeof r.manager);  // no NUL: must not read past it
  fmt::memory_buffer out;
  AppendFullId(r, Context(), out);
  EXPECT_EQ(fmt::to_string(out), "DUM.4242.Dummy.1." + std::string(kNameCapacity, 'M') + ".R_0");
}

}  // namespace
}  // namespace pylogen::output
