#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/time_format.h"

namespace duban {
namespace {

TEST(VirtualClockTest, MovesOnlyWhenTold) {
  const SystemTime start = *ParseRfc3339("2024-03-25T00:00:00+08:00");
  VirtualClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(std::chrono::hours(36));
  EXPECT_EQ(FormatUtc(clock.Now()), "2024-03-26T04:00:00.000Z");
}

TEST(VirtualClockTest, SteadyTimeNeverGoesBackWhenWallClockJumpsBack) {
  VirtualClock clock(FromUnixMillis(1'000'000));
  const SteadyTime s0 = clock.SteadyNow();
  clock.SetNow(FromUnixMillis(400'000));  // NTP steps the wall clock back
  EXPECT_EQ(clock.SteadyNow(), s0);
  clock.SetNow(FromUnixMillis(500'000));
  EXPECT_EQ(clock.SteadyNow() - s0, Millis(100'000));
  EXPECT_STREQ(clock.Kind(), "virtual");
}

}  // namespace
}  // namespace duban
