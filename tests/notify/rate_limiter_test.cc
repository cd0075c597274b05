#include "notify/rate_limiter.h"

#include <gtest/gtest.h>

#include <deque>

#include "base/time_format.h"

namespace duban::notify {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

class RateLimiterTest : public ::testing::Test {
 protected:
  VirtualClock clock_{*ParseRfc3339("2024-06-28T02:00:00Z")};
};

TEST_F(RateLimiterTest, TwentyPerMinuteThenWaitsForTheOldestToken) {
  RateLimiter limiter(&clock_, {{20, minutes(1)}});
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(limiter.TryTake(""), std::nullopt) << i;
    clock_.Advance(seconds(1));
  }
  // The first token was taken 20 s ago; it is back 60 s + 1 s margin after.
  EXPECT_EQ(limiter.TryTake(""), std::optional<Millis>(seconds(41)));
  EXPECT_EQ(limiter.Available(""), 0);
  clock_.Advance(seconds(41));
  EXPECT_EQ(limiter.Available(""), 1);
  EXPECT_EQ(limiter.TryTake(""), std::nullopt);
  EXPECT_EQ(limiter.TryTake(""), std::optional<Millis>(seconds(1)));
}

TEST_F(RateLimiterTest, KeysAreCountedApart) {
  RateLimiter limiter(&clock_, {{1, seconds(30)}});
  EXPECT_EQ(limiter.TryTake("13800001111"), std::nullopt);
  EXPECT_EQ(limiter.TryTake("13800002222"), std::nullopt);
  EXPECT_TRUE(limiter.TryTake("13800001111").has_value());
}

TEST_F(RateLimiterTest, EveryLimitMustHaveRoom) {
  RateLimiter limiter(&clock_, {{100, minutes(1)}, {5, seconds(1)}});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.TryTake(""), std::nullopt);
  EXPECT_EQ(limiter.TryTake(""), std::optional<Millis>(seconds(2)));  // 1 s + margin
  clock_.Advance(seconds(2));
  EXPECT_EQ(limiter.TryTake("", 5), std::nullopt);
}

TEST_F(RateLimiterTest, TakesSeveralTokensOrNone) {
  RateLimiter limiter(&clock_, {{3, minutes(1)}});
  EXPECT_EQ(limiter.TryTake("", 2), std::nullopt);
  EXPECT_TRUE(limiter.TryTake("", 2).has_value());
  EXPECT_EQ(limiter.Available(""), 1);
  EXPECT_EQ(limiter.TryTake("", 1), std::nullopt);
}

TEST_F(RateLimiterTest, BlockHoldsEveryTokenUntilItEnds) {
  RateLimiter limiter(&clock_, {{20, minutes(1)}});
  limiter.Block("", minutes(10));
  EXPECT_EQ(limiter.TryTake(""), std::optional<Millis>(minutes(10)));
  EXPECT_EQ(limiter.Available(""), 0);
  clock_.Advance(minutes(10));
  EXPECT_EQ(limiter.TryTake(""), std::nullopt);
}

TEST_F(RateLimiterTest, NoLimitsNeverLimit) {
  RateLimiter limiter(&clock_, {});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.TryTake("x"), std::nullopt);
}

// The property the robots need: whatever the arrival pattern, no sliding
// 60 s window ever holds more than 20 sends (DingTalk blocks the robot for
// 10 minutes otherwise).
TEST_F(RateLimiterTest, NeverExceedsTheWindowUnderBursts) {
  RateLimiter limiter(&clock_, {{20, minutes(1)}});
  std::deque<SteadyTime> sent;
  int taken = 0;
  for (int step = 0; step < 3000; ++step) {
    // Bursts of 7 attempts every 700 ms.
    for (int i = 0; i < 7; ++i) {
      if (limiter.TryTake("")) continue;
      ++taken;
      const SteadyTime now = clock_.SteadyNow();
      sent.push_back(now);
      while (sent.front() <= now - minutes(1)) sent.pop_front();
      ASSERT_LE(sent.size(), 20u) << "at step " << step;
    }
    clock_.Advance(milliseconds(700));
  }
  // And it does not starve: 35 minutes at ~20 a minute.
  EXPECT_GT(taken, 20 * 33);
}

TEST_F(RateLimiterTest, ForgetsIdleKeys) {
  RateLimiter limiter(&clock_, {{1, seconds(30)}});
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(limiter.TryTake(std::to_string(i)), std::nullopt);
  clock_.Advance(minutes(1));
  EXPECT_EQ(limiter.TryTake("new"), std::nullopt);  // sweeps the 5000 idle keys
  EXPECT_EQ(limiter.TryTake("0"), std::nullopt);
}

TEST(RateLimitTest, PrintsCompactly) {
  EXPECT_EQ((RateLimit{20, minutes(1)}).ToString(), "20/1m");
  EXPECT_EQ((RateLimit{5, seconds(1)}).ToString(), "5/1s");
  EXPECT_EQ((RateLimit{40, std::chrono::hours(24)}).ToString(), "40/24h");
}

}  // namespace
}  // namespace duban::notify
