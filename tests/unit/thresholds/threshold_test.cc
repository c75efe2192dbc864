// Threshold expressions: every metric, series, unit, operator, percentile
// spelling and selector, and the malformed cases' one-line errors.
#include "thresholds/threshold.h"

#include <string>

#include <gtest/gtest.h>

namespace pylogen::thresholds {
namespace {

Threshold Parsed(const std::string& text) {
  auto t = ParseThreshold(text);
  EXPECT_TRUE(t.has_value()) << text << ": " << (t ? "" : t.error());
  return t.value_or(Threshold{});
}

TEST(ParseThreshold, Percentiles) {
  Threshold t = Parsed("p99<50ms");
  EXPECT_EQ(t.metric, Metric::kPercentile);
  EXPECT_DOUBLE_EQ(t.percentile, 99);
  EXPECT_EQ(t.op, Op::kLess);
  EXPECT_DOUBLE_EQ(t.limit, 50e6);
  EXPECT_EQ(t.series, Series::kResponse);
  EXPECT_TRUE(t.selector.empty());
  EXPECT_EQ(t.expression, "p99<50ms");
  EXPECT_DOUBLE_EQ(Parsed("p99.9<1s").percentile, 99.9);
  EXPECT_DOUBLE_EQ(Parsed("p50<1s").percentile, 50);
  EXPECT_DOUBLE_EQ(Parsed("p0<1s").percentile, 0);
  EXPECT_DOUBLE_EQ(Parsed("p100<1s").percentile, 100);
  EXPECT_DOUBLE_EQ(Parsed("p99.99<1s").percentile, 99.99);
}

TEST(ParseThreshold, LatencyMetrics) {
  EXPECT_EQ(Parsed("mean<=10ms").metric, Metric::kMean);
  EXPECT_EQ(Parsed("min>1us").metric, Metric::kMin);
  EXPECT_EQ(Parsed("max<2s").metric, Metric::kMax);
}

TEST(ParseThreshold, OtherMetrics) {
  Threshold errors = Parsed("errors<1%");
  EXPECT_EQ(errors.metric, Metric::kErrors);
  EXPECT_TRUE(errors.percent);
  EXPECT_DOUBLE_EQ(errors.limit, 1);
  Threshold none = Parsed("errors==0");
  EXPECT_FALSE(none.percent);
  EXPECT_EQ(none.op, Op::kEqual);
  Threshold rate = Parsed("rate>=1000");
  EXPECT_EQ(rate.metric, Metric::kRate);
  EXPECT_DOUBLE_EQ(rate.limit, 1000);
  EXPECT_EQ(Parsed("dropped==0").metric, Metric::kDropped);
  EXPECT_EQ(Parsed("count>10").metric, Metric::kCount);
  EXPECT_DOUBLE_EQ(Parsed("errors<0.5%").limit, 0.5);
}

TEST(ParseThreshold, Operators) {
  struct Case {
    const char* text;
    Op op;
  };
  for (const Case& c : {Case{"count<1", Op::kLess}, Case{"count<=1", Op::kLessEqual},
                        Case{"count>1", Op::kGreater}, Case{"count>=1", Op::kGreaterEqual},
                        Case{"count==1", Op::kEqual}, Case{"count!=1", Op::kNotEqual}}) {
    EXPECT_EQ(Parsed(c.text).op, c.op) << c.text;
  }
}

TEST(Holds, EveryOperator) {
  EXPECT_TRUE(Holds(1, Op::kLess, 2));
  EXPECT_FALSE(Holds(2, Op::kLess, 2));
  EXPECT_TRUE(Holds(2, Op::kLessEqual, 2));
  EXPECT_FALSE(Holds(3, Op::kLessEqual, 2));
  EXPECT_TRUE(Holds(3, Op::kGreater, 2));
  EXPECT_FALSE(Holds(2, Op::kGreater, 2));
  EXPECT_TRUE(Holds(2, Op::kGreaterEqual, 2));
  EXPECT_FALSE(Holds(1, Op::kGreaterEqual, 2));
  EXPECT_TRUE(Holds(2, Op::kEqual, 2));
  EXPECT_FALSE(Holds(1, Op::kEqual, 2));
  EXPECT_TRUE(Holds(1, Op::kNotEqual, 2));
  EXPECT_FALSE(Holds(2, Op::kNotEqual, 2));
}

TEST(ParseThreshold, Units) {
  struct Case {
    const char* text;
    double ns;
  };
  for (const Case& c : {Case{"max<7ns", 7}, Case{"max<7us", 7e3}, Case{"max<7\xC2\xB5s", 7e3},
                        Case{"max<7\xCE\xBCs", 7e3}, Case{"max<7ms", 7e6}, Case{"max<7s", 7e9},
                        Case{"max<7m", 420e9}, Case{"max<1.5ms", 1.5e6}}) {
    EXPECT_DOUBLE_EQ(Parsed(c.text).limit, c.ns) << c.text;
  }
}

TEST(ParseThreshold, Series) {
  EXPECT_EQ(Parsed("service:p99<1s").series, Series::kService);
  EXPECT_EQ(Parsed("wait:max<1s").series, Series::kWait);
  EXPECT_EQ(Parsed("response:mean<1s").series, Series::kResponse);
}

TEST(ParseThreshold, Selectors) {
  Threshold t = Parsed("p99.9(R_0)<200ms");
  EXPECT_EQ(t.selector, "R_0");
  EXPECT_DOUBLE_EQ(t.percentile, 99.9);
  EXPECT_DOUBLE_EQ(t.limit, 200e6);
  EXPECT_EQ(Parsed("errors(ID.Cut.0.M.R_0)<1%").selector, "ID.Cut.0.M.R_0");
  EXPECT_EQ(Parsed("service:max(web)<1s").selector, "web");
  EXPECT_EQ(Parsed("dropped(gen)==0").selector, "gen");
}

TEST(ParseThreshold, SpacesBetweenParts) {
  Threshold t = Parsed(" service : p99 (R_0) <= 50 ms ");
  EXPECT_EQ(t.series, Series::kService);
  EXPECT_EQ(t.selector, "R_0");
  EXPECT_EQ(t.op, Op::kLessEqual);
  EXPECT_DOUBLE_EQ(t.limit, 50e6);
}

// Each malformed expression: one line naming it, the character, and what
// was expected.
TEST(ParseThreshold, MalformedCases) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "'': at character 1 (the end), expected a metric"},
      {"p99<50", "'p99<50': at character 7 (the end), expected a unit ns, us, µs, ms, s or m"},
      {"p99<50sec", "at character 7 ('sec'), expected a unit"},
      {"p99<50%", "at character 7 ('%'), expected a unit"},
      {"p101<1s", "at character 1 ('p101<1s'), expected a percentile p0 to p100"},
      {"p99x<1s", "at character 1 ('p99x<1s'), expected a metric"},
      {"p(95)<1s", "expected a percentile written pN (p95, not k6's p(95))"},
      {"avg<1s", "at character 1 ('avg<1s'), expected a metric: pN (p99, p99.9), mean"},
      {"p99 50ms", "at character 5 ('50ms'), expected an operator <, <=, >, >=, == or !="},
      {"p99=50ms", "at character 4 ('=50ms'), expected an operator"},
      {"p99<ms", "at character 5 ('ms'), expected a number"},
      {"p99<-1ms", "at character 5 ('-1ms'), expected a number"},
      {"latency:p99<1s", "at character 1 ('latency:p99<1s'), expected a series response:, service: or wait:"},
      {"wait:errors<1%", "at character 6 ('errors<1%'), expected a latency after a series prefix"},
      {"service:rate>1", "expected a latency after a series prefix"},
      {"rate>=10/s", "at character 9 ('/s'), expected a plain number, no unit"},
      {"count>5ms", "expected a plain number, no unit"},
      {"errors<1ms", "expected a count or a percentage (errors<1%), no unit"},
      {"p99(R_0<1s", "expected a name or id closed by ')'"},
      {"p99()<1s", "at character 5 (')<1s'), expected a name or id between the parentheses"},
      {"p99<1s and", "at character 8 ('and'), expected the end of the expression"},
      {"p99<1s<2s", "at character 7 ('<2s'), expected the end of the expression"},
  };
  for (const Case& c : cases) {
    auto t = ParseThreshold(c.text);
    ASSERT_FALSE(t.has_value()) << c.text;
    EXPECT_NE(t.error().find(c.message), std::string::npos) << c.text << " -> " << t.error();
    EXPECT_EQ(t.error().find('\n'), std::string::npos);
  }
}

TEST(ParseThreshold, LongExpressionIsCutInTheMessage) {
  std::string text = "p99<1s" + std::string(10000, 'x');
  auto t = ParseThreshold(text);
  ASSERT_FALSE(t.has_value());
  EXPECT_LT(t.error().size(), 300u);
  EXPECT_NE(t.error().find("at character 6"), std::string::npos) << t.error();
}

}  // namespace
}  // namespace pylogen::thresholds
