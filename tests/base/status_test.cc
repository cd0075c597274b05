#include "base/status.h"

#include <gtest/gtest.h>

#include "base/diagnostic.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

TEST(StatusTest, OkAndErrorsFormat) {
  EXPECT_OK(Status::OK());
  const Status s = Status::NotFound("unknown workflow", "x");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: unknown workflow: x");
  EXPECT_FALSE(s.retryable());
  EXPECT_TRUE(Status::Unavailable("busy").retryable());
}

TEST(StatusTest, ResultHoldsValueOrStatus) {
  Result<int> good = 7;
  ASSERT_OK(good);
  EXPECT_EQ(*good, 7);
  Result<int> bad = Status::InvalidArgument("nope");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.value_or(3), 3);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(StringsTest, DidYouMeanSuggestsCloseWordsOnly) {
  EXPECT_EQ(DidYouMean("rectifing", {"reported", "rectifying", "closed"}),
            "did you mean 'rectifying'?");
  EXPECT_EQ(DidYouMean("zzzzzz", {"reported", "closed"}), "");
}

TEST(DiagnosticTest, FormatsPositionPathAndHint) {
  Diagnostic d{Diagnostic::Severity::kError, "a.yaml", 12, 7, "x.y", "unknown state 'rectifing'",
               "did you mean 'rectifying'?"};
  EXPECT_EQ(d.ToString(),
            "a.yaml:12:7: error: x.y: unknown state 'rectifing' — did you mean 'rectifying'?");
}

TEST(TimeFormatTest, ParsesAndFormatsRfc3339) {
  auto t = ParseRfc3339("2024-04-12T11:55+08:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatUtc(*t), "2024-04-12T03:55:00.000Z");
  EXPECT_EQ(FormatWithOffset(*t, 480), "2024-04-12T11:55:00+08:00");
  EXPECT_FALSE(ParseRfc3339("2024-04-12T11:55").has_value());  // no offset
  EXPECT_FALSE(ParseRfc3339("2024-02-30T11:55Z").has_value());
}

}  // namespace
}  // namespace duban
