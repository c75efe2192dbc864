// The SDK's --extra getters (pylogen/extra.h): every accepted spelling, the
// fallback of an absent key, and each refusal with the key, the expected type
// and the value named.
#include "pylogen/extra.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen {
namespace {

using nlohmann::json;

// {"k": <value>} from the value's JSON text.
json Extra(const char* value_json) { return json{{"k", json::parse(value_json)}}; }

// The message a getter call throws, "" when it returns.
template <typename Call>
std::string ErrorOf(Call call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// --- ExtraNumber ---

struct NumberCase {
  const char* value;
  double expected;
};

class ExtraNumberAccepts : public ::testing::TestWithParam<NumberCase> {};

TEST_P(ExtraNumberAccepts, ReadsTheNumber) {
  EXPECT_DOUBLE_EQ(ExtraNumber(Extra(GetParam().value), "k", -1), GetParam().expected)
      << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, ExtraNumberAccepts,
    ::testing::Values(NumberCase{"0.5", 0.5}, NumberCase{"2", 2}, NumberCase{"-3", -3},
                      NumberCase{"18446744073709551615", 18446744073709551615.0},
                      NumberCase{"1e300", 1e300}, NumberCase{R"("0.5")", 0.5},
                      NumberCase{R"(" 2 ")", 2}, NumberCase{R"("\t1e-3\n")", 1e-3},
                      NumberCase{R"("+1.5")", 1.5}, NumberCase{R"("-.5")", -0.5},
                      NumberCase{R"(".5")", 0.5}, NumberCase{R"("5.")", 5}, NumberCase{R"("0")", 0},
                      NumberCase{R"("1E3")", 1000}));

// --- ExtraInteger ---

struct IntegerCase {
  const char* value;
  std::int64_t expected;
};

class ExtraIntegerAccepts : public ::testing::TestWithParam<IntegerCase> {};

TEST_P(ExtraIntegerAccepts, ReadsTheInteger) {
  EXPECT_EQ(ExtraInteger(Extra(GetParam().value), "k", -1), GetParam().expected)
      << GetParam().value;
}

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

INSTANTIATE_TEST_SUITE_P(Spellings, ExtraIntegerAccepts,
                         ::testing::Values(IntegerCase{"3", 3}, IntegerCase{"-7", -7},
                                           IntegerCase{"3.0", 3}, IntegerCase{"1e3", 1000},
                                           IntegerCase{"-0.0", 0},
                                           IntegerCase{"9223372036854775807", kMax},
                                           IntegerCase{"-9223372036854775808", kMin},
                                           IntegerCase{R"("42")", 42}, IntegerCase{R"(" -7 ")", -7},
                                           IntegerCase{R"("+5")", 5},
                                           IntegerCase{R"("9223372036854775807")", kMax},
                                           IntegerCase{R"("-9223372036854775808")", kMin}));

// --- ExtraFlag ---

struct FlagCase {
  const char* value;
  bool expected;
};

class ExtraFlagAccepts : public ::testing::TestWithParam<FlagCase> {};

TEST_P(ExtraFlagAccepts, ReadsTheFlag) {
  // The fallback is the opposite, so that a fallback cannot pass for a read.
  EXPECT_EQ(ExtraFlag(Extra(GetParam().value), "k", !GetParam().expected), GetParam().expected)
      << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, ExtraFlagAccepts,
    ::testing::Values(FlagCase{"true", true}, FlagCase{"false", false}, FlagCase{"1", true},
                      FlagCase{"0", false}, FlagCase{"2", true}, FlagCase{"-1", true},
                      FlagCase{"0.0", false}, FlagCase{"0.5", true}, FlagCase{R"("true")", true},
                      FlagCase{R"("FALSE")", false}, FlagCase{R"("Yes")", true},
                      FlagCase{R"("no")", false}, FlagCase{R"("on")", true},
                      FlagCase{R"("OFF")", false}, FlagCase{R"("1")", true},
                      FlagCase{R"("0")", false}, FlagCase{R"(" yes ")", true}));

// --- ExtraString ---

TEST(ExtraString, ReadsAStringAsIs) {
  EXPECT_EQ(ExtraString(Extra(R"("a b")"), "k", "x"), "a b");
  EXPECT_EQ(ExtraString(Extra(R"("")"), "k", "x"), "");
  EXPECT_EQ(ExtraString(Extra(R"(" 1 ")"), "k", "x"), " 1 ");  // not trimmed
}

// --- absent keys, ExtraHas ---

TEST(Extra, AbsentKeyGivesTheFallback) {
  for (const json& extra : {json::object(), json{{"other", 1}}, json()}) {
    EXPECT_EQ(ExtraNumber(extra, "k", 1.5), 1.5) << extra.dump();
    EXPECT_EQ(ExtraInteger(extra, "k", -4), -4) << extra.dump();
    EXPECT_TRUE(ExtraFlag(extra, "k", true)) << extra.dump();
    EXPECT_FALSE(ExtraFlag(extra, "k", false)) << extra.dump();
    EXPECT_EQ(ExtraString(extra, "k", "dflt"), "dflt") << extra.dump();
    EXPECT_FALSE(ExtraHas(extra, "k")) << extra.dump();
  }
}

TEST(Extra, HasSeesAnyValueNullToo) {
  for (const char* value : {"null", "false", "0", R"("")", "[]", "{}"}) {
    EXPECT_TRUE(ExtraHas(Extra(value), "k")) << value;
  }
}

TEST(Extra, KeysAreMatchedExactly) {
  json extra{{"Sleep", 1}, {"sleep ", 2}};
  EXPECT_EQ(ExtraNumber(extra, "sleep", 9), 9);
  EXPECT_EQ(ExtraNumber(extra, "Sleep", 9), 1);
}

// --- refusals ---

struct Refusal {
  const char* getter;  // number, integer, flag or string
  const char* value;
  const char* message;  // the whole message
};

std::string Call(const std::string& getter, const json& extra) {
  return ErrorOf([&] {
    if (getter == "number") ExtraNumber(extra, "k", 0);
    if (getter == "integer") ExtraInteger(extra, "k", 0);
    if (getter == "flag") ExtraFlag(extra, "k", false);
    if (getter == "string") ExtraString(extra, "k", "");
  });
}

class ExtraRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(ExtraRefuses, NamingKeyTypeAndValue) {
  const Refusal& c = GetParam();
  EXPECT_EQ(Call(c.getter, Extra(c.value)), c.message) << c.getter << " " << c.value;
}

constexpr const char* kRange =
    R"(extra.k: expected an integer from -9223372036854775808 to 9223372036854775807, got )";
constexpr const char* kBoolean =
    R"(extra.k: expected a boolean (true/false, 1/0, "yes"/"no", "on"/"off"), got )";

std::string Range(const char* got) { return std::string(kRange) + got; }
std::string Boolean(const char* got) { return std::string(kBoolean) + got; }

// Kept alive for the table's const char* fields.
const std::vector<std::string> kMessages = {
    Range("9223372036854775808"),
    Range(R"("9223372036854775808")"),
    Range("1e+19"),
    Range("-9.223372036854778e+18"),
    Range(R"("-9223372036854775809")"),
    Range(R"("99999999999999999999999")"),
    Boolean(R"("maybe")"),
    Boolean(R"("")"),
    Boolean("null"),
    Boolean("[true]"),
    Boolean(R"({"a":1})"),
    Boolean(R"("truee")"),
};

INSTANTIATE_TEST_SUITE_P(
    Cases, ExtraRefuses,
    ::testing::Values(
        // ExtraNumber: junk, non-finite, out of range, other types.
        Refusal{"number", R"("x")", R"(extra.k: expected a number, got "x")"},
        Refusal{"number", R"("")", R"(extra.k: expected a number, got "")"},
        Refusal{"number", R"("  ")", R"(extra.k: expected a number, got "  ")"},
        Refusal{"number", R"("0.5s")", R"(extra.k: expected a number, got "0.5s")"},
        Refusal{"number", R"("1 2")", R"(extra.k: expected a number, got "1 2")"},
        Refusal{"number", R"("1_000")", R"(extra.k: expected a number, got "1_000")"},
        Refusal{"number", R"("0x10")", R"(extra.k: expected a number, got "0x10")"},
        Refusal{"number", R"("++1")", R"(extra.k: expected a number, got "++1")"},
        Refusal{"number", R"("+-1")", R"(extra.k: expected a number, got "+-1")"},
        Refusal{"number", R"("nan")", R"(extra.k: expected a number, got "nan")"},
        Refusal{"number", R"("inf")", R"(extra.k: expected a number, got "inf")"},
        Refusal{"number", R"("-Infinity")", R"(extra.k: expected a number, got "-Infinity")"},
        Refusal{"number", R"("1e999")", R"(extra.k: expected a number, got "1e999")"},
        Refusal{"number", R"("1e-999")", R"(extra.k: expected a number, got "1e-999")"},
        Refusal{"number", "true", R"(extra.k: expected a number, got true)"},
        Refusal{"number", "null", R"(extra.k: expected a number, got null)"},
        Refusal{"number", "[1]", R"(extra.k: expected a number, got [1])"},
        Refusal{"number", R"({"s":1})", R"(extra.k: expected a number, got {"s":1})"},
        // ExtraInteger: fractions, Python int()'s refusals, range, types.
        Refusal{"integer", "1.5", R"(extra.k: expected an integer, got 1.5)"},
        Refusal{"integer", "-0.1", R"(extra.k: expected an integer, got -0.1)"},
        Refusal{"integer", R"("4.0")", R"(extra.k: expected an integer, got "4.0")"},
        Refusal{"integer", R"("1e3")", R"(extra.k: expected an integer, got "1e3")"},
        Refusal{"integer", R"("x")", R"(extra.k: expected an integer, got "x")"},
        Refusal{"integer", R"("")", R"(extra.k: expected an integer, got "")"},
        Refusal{"integer", R"("-")", R"(extra.k: expected an integer, got "-")"},
        Refusal{"integer", R"("+")", R"(extra.k: expected an integer, got "+")"},
        Refusal{"integer", R"("12a")", R"(extra.k: expected an integer, got "12a")"},
        Refusal{"integer", "false", R"(extra.k: expected an integer, got false)"},
        Refusal{"integer", "null", R"(extra.k: expected an integer, got null)"},
        Refusal{"integer", "[3]", R"(extra.k: expected an integer, got [3])"},
        Refusal{"integer", R"({"n":3})", R"(extra.k: expected an integer, got {"n":3})"},
        Refusal{"integer", "9223372036854775808", kMessages[0].c_str()},
        Refusal{"integer", R"("9223372036854775808")", kMessages[1].c_str()},
        Refusal{"integer", "1e19", kMessages[2].c_str()},
        Refusal{"integer", "-9223372036854777856", kMessages[3].c_str()},
        Refusal{"integer", R"("-9223372036854775809")", kMessages[4].c_str()},
        Refusal{"integer", R"("99999999999999999999999")", kMessages[5].c_str()},
        // ExtraFlag: strings outside the list, null, containers.
        Refusal{"flag", R"("maybe")", kMessages[6].c_str()},
        Refusal{"flag", R"("")", kMessages[7].c_str()},
        Refusal{"flag", "null", kMessages[8].c_str()},
        Refusal{"flag", "[true]", kMessages[9].c_str()},
        Refusal{"flag", R"({"a":1})", kMessages[10].c_str()},
        Refusal{"flag", R"("truee")", kMessages[11].c_str()},
        // ExtraString: no conversion of numbers, flags or containers.
        Refusal{"string", "3", R"(extra.k: expected a string, got 3)"},
        Refusal{"string", "0.5", R"(extra.k: expected a string, got 0.5)"},
        Refusal{"string", "true", R"(extra.k: expected a string, got true)"},
        Refusal{"string", "null", R"(extra.k: expected a string, got null)"},
        Refusal{"string", R"(["a"])", R"(extra.k: expected a string, got ["a"])"},
        Refusal{"string", R"({"a":"b"})", R"(extra.k: expected a string, got {"a":"b"})"}));

TEST(ExtraRefusal, NamesTheKeyAsGiven) {
  json extra{{"sleep", "x"}};
  EXPECT_EQ(ErrorOf([&] { ExtraNumber(extra, "sleep", 1); }),
            R"(extra.sleep: expected a number, got "x")");
}

TEST(ExtraRefusal, LongValuesAreCut) {
  json extra{{"k", std::string(200, 'a')}};
  std::string error = ErrorOf([&] { ExtraNumber(extra, "k", 1); });
  EXPECT_EQ(error, R"(extra.k: expected a number, got ")" + std::string(39, 'a') + "...");
}

TEST(ExtraRefusal, CutsOnACharacterBoundary) {
  // "é" is two bytes; the quote and 19 of them end at byte 39, the 20th
  // would straddle byte 40: it is left out whole.
  std::string text;
  for (int i = 0; i < 30; ++i) text += "\xC3\xA9";
  std::string error = ErrorOf([&] { ExtraNumber(json{{"k", text}}, "k", 1); });
  std::string kept;
  for (int i = 0; i < 19; ++i) kept += "\xC3\xA9";
  EXPECT_EQ(error, R"(extra.k: expected a number, got ")" + kept + "...");
}

TEST(ExtraRefusal, NonFiniteDoubleIsNamedNotNull) {
  // Not from a parse (JSON has no inf), but a CUT may build its own json.
  json extra{{"k", std::numeric_limits<double>::infinity()}};
  EXPECT_EQ(ErrorOf([&] { ExtraNumber(extra, "k", 1); }),
            R"(extra.k: expected a number, got inf)");
  extra["k"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(ErrorOf([&] { ExtraInteger(extra, "k", 1); }),
            R"(extra.k: expected an integer, got nan)");
}

TEST(ExtraRefusal, ExtraThatIsNotAnObjectIsNamed) {
  for (const json& extra : {json::array({1, 2}), json(3), json("s")}) {
    const std::string expected = "--extra: expected a JSON object, got " + extra.dump();
    EXPECT_EQ(ErrorOf([&] { ExtraNumber(extra, "k", 0); }), expected);
    EXPECT_EQ(ErrorOf([&] { ExtraHas(extra, "k"); }), expected);
    EXPECT_EQ(ErrorOf([&] { ExtraString(extra, "k", ""); }), expected);
  }
}

TEST(ExtraError, BuildsTheSameLineForACutsOwnCheck) {
  json extra{{"sleep", -1}};
  std::invalid_argument e = ExtraError("sleep", "a number >= 0", extra["sleep"]);
  EXPECT_STREQ(e.what(), R"(extra.sleep: expected a number >= 0, got -1)");
}


// --- ExtraCheckKeys ---

const std::vector<std::string_view> kDummyKeys = {"sleep", "transaction", "error"};
constexpr const char* kDummyList = "known keys: error, sleep, transaction";

// What ExtraCheckKeys(JSON text, kDummyKeys) throws, "" when it accepts.
std::string CheckError(const char* extra_json) {
  json extra = json::parse(extra_json);
  return ErrorOf([&] { ExtraCheckKeys(extra, kDummyKeys); });
}

TEST(ExtraCheckKeys, AcceptsKnownKeysNullAndEmpty) {
  EXPECT_EQ(CheckError(R"({"sleep":1,"transaction":true,"error":3})"), "");
  EXPECT_EQ(CheckError(R"({"sleep":1})"), "");
  EXPECT_EQ(CheckError("{}"), "");
  EXPECT_EQ(CheckError("null"), "");
  EXPECT_EQ(ErrorOf([] { ExtraCheckKeys(json(), {}); }), "");
  EXPECT_EQ(ErrorOf([] { ExtraCheckKeys(json::object(), {}); }), "");
}

TEST(ExtraCheckKeys, NamesTheUnknownKeyTheNearestAndTheKnownOnes) {
  EXPECT_EQ(CheckError(R"({"slep":1})"),
            std::string("extra.slep: unknown key (did you mean sleep?); ") + kDummyList);
  EXPECT_EQ(CheckError(R"({"sleep":0,"transactoin":1})"),
            std::string("extra.transactoin: unknown key (did you mean transaction?); ") + kDummyList);
  EXPECT_EQ(CheckError(R"({"Sleep":1})"),
            std::string("extra.Sleep: unknown key (did you mean sleep?); ") + kDummyList);
  EXPECT_EQ(CheckError(R"({"errors":1})"),
            std::string("extra.errors: unknown key (did you mean error?); ") + kDummyList);
}

TEST(ExtraCheckKeys, NoSuggestionWhenNothingIsNear) {
  EXPECT_EQ(CheckError(R"({"url":"http://h/"})"), std::string("extra.url: unknown key; ") + kDummyList);
  EXPECT_EQ(CheckError(R"({"sl":1})"), std::string("extra.sl: unknown key; ") + kDummyList);
}

TEST(ExtraCheckKeys, ShortKnownKeysAllowOneEdit) {
  std::vector<std::string_view> known = {"url", "key"};
  auto error = [&](const char* key) {
    return ErrorOf([&] { ExtraCheckKeys(json{{key, 1}}, known); });
  };
  EXPECT_EQ(error("uri"), "extra.uri: unknown key (did you mean url?); known keys: key, url");
  EXPECT_EQ(error("kye"), "extra.kye: unknown key (did you mean key?); known keys: key, url");
  EXPECT_EQ(error("ul"), "extra.ul: unknown key (did you mean url?); known keys: key, url");
  EXPECT_EQ(error("xrx"), "extra.xrx: unknown key; known keys: key, url");  // 2 edits from url
}

TEST(ExtraCheckKeys, TiesGoToTheLongestCommonStartThenTheShorterThenTheFirst) {
  auto nearest = [](std::initializer_list<std::string_view> known, const char* key) {
    std::string error = ErrorOf([&] { ExtraCheckKeys(json{{key, 1}}, known); });
    auto from = error.find("did you mean ");
    if (from == std::string::npos) return std::string();
    from += 13;
    return error.substr(from, error.find('?', from) - from);
  };
  EXPECT_EQ(nearest({"zbcde", "abcdef"}, "abcde"), "abcdef");  // start 5 beats the shorter
  EXPECT_EQ(nearest({"hosts", "host"}, "hostx"), "host");      // same start: the shorter
  EXPECT_EQ(nearest({"sort", "port"}, "xort"), "port");        // full tie: the first by name
  EXPECT_EQ(nearest({"sleep"}, "selep"), "sleep");             // a swap is one edit
}

TEST(ExtraCheckKeys, SeveralUnknownKeysNameTheFirstByNameAndCountTheRest) {
  EXPECT_EQ(CheckError(R"({"zz":1,"sleep":0,"slep":2,"aa":3})"),
            std::string("extra.aa: unknown key, and 2 more unknown keys; ") + kDummyList);
  EXPECT_EQ(CheckError(R"({"slep":1,"trans":1})"),
            std::string("extra.slep: unknown key (did you mean sleep?), and 1 more unknown key; ") +
                kDummyList);
}

TEST(ExtraCheckKeys, ListsTheKnownKeysSortedOnceOrNone) {
  json extra{{"xyz", 1}};
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(extra, {"bb", "aa", "bb", "cc"}); }),
            "extra.xyz: unknown key; known keys: aa, bb, cc");
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(extra, {}); }), "extra.xyz: unknown key; known keys: none");
}

TEST(ExtraCheckKeys, TakesAnyRangeOfNames) {
  json extra{{"hots", "h"}};
  const char* expected = "extra.hots: unknown key (did you mean host?); known keys: host, port";
  std::vector<std::string> strings = {"port", "host"};
  const std::array<std::string_view, 2> views = {"port", "host"};
  const char* const pointers[] = {"port", "host"};
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(extra, strings); }), expected);
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(extra, views); }), expected);
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(extra, pointers); }), expected);
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(json{{"host", "h"}}, strings); }), "");
}

TEST(ExtraCheckKeys, ExtraThatIsNotAnObjectIsNamedAsByTheGetters) {
  for (const char* text : {"[1,2]", "3", R"("s")", "true"}) {
    json extra = json::parse(text);
    EXPECT_EQ(CheckError(text), ErrorOf([&] { ExtraHas(extra, "k"); })) << text;
    EXPECT_EQ(CheckError(text), std::string("--extra: expected a JSON object, got ") + text);
  }
}

TEST(ExtraCheckKeys, AnOddKeyIsQuotedAndALongOneCut) {
  EXPECT_EQ(CheckError(R"({"a b":1})"), std::string(R"(extra."a b": unknown key; )") + kDummyList);
  EXPECT_EQ(CheckError(R"({"":1})"), std::string(R"(extra."": unknown key; )") + kDummyList);
  EXPECT_EQ(CheckError(R"({"sle\nep":1})"),
            std::string(R"(extra."sle\nep": unknown key (did you mean sleep?); )") + kDummyList);
  EXPECT_EQ(CheckError(R"({"a.b_c-9":1})"), std::string("extra.a.b_c-9: unknown key; ") + kDummyList);
  std::string forty(40, 'k');
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(json{{forty, 1}}, kDummyKeys); }),
            "extra." + forty + ": unknown key; " + kDummyList);
  std::string huge(100000, 'x');
  std::string error = ErrorOf([&] { ExtraCheckKeys(json{{huge, 1}}, kDummyKeys); });
  EXPECT_EQ(error, "extra.\"" + std::string(39, 'x') + "...: unknown key; " + kDummyList);
  // A long typo of a known key: no suggestion work beyond 64 bytes.
  std::string long_sleep = "sleep" + std::string(60, 'p');
  EXPECT_EQ(ErrorOf([&] { ExtraCheckKeys(json{{long_sleep, 1}}, kDummyKeys); }).find("did you mean"),
            std::string::npos);
}

}  // namespace
}  // namespace pylogen
