#include "api/cursor.h"

#include <gtest/gtest.h>

#include "base/crypto.h"

namespace duban::api {
namespace {

TEST(CursorTest, RoundTripsKeysOpaquely) {
  for (const std::string& key : std::vector<std::string>{"1", "9223372036854775807", "jf-jiafeng", "村"}) {
    const std::string c = EncodeCursor(key);
    EXPECT_EQ(c.find(key), std::string::npos) << "the key shows through: " << c;
    EXPECT_EQ(DecodeCursor(c), key);
  }
  EXPECT_EQ(DecodeIdCursor(EncodeCursor("57")), 57);
}

TEST(CursorTest, RefusesCursorsItDidNotMake) {
  EXPECT_FALSE(DecodeCursor(""));
  EXPECT_FALSE(DecodeCursor("57"));
  EXPECT_FALSE(DecodeCursor("!!"));
  EXPECT_FALSE(DecodeCursor(crypto::Base64Url("x1:57")));
  EXPECT_FALSE(DecodeCursor(EncodeCursor("")));
  EXPECT_FALSE(DecodeCursor(std::string(600, 'A')));
  EXPECT_FALSE(DecodeIdCursor(EncodeCursor("jf-jiafeng")));
  EXPECT_FALSE(DecodeIdCursor(EncodeCursor("-3")));
  EXPECT_FALSE(DecodeIdCursor(EncodeCursor("0")));
  EXPECT_FALSE(DecodeIdCursor(EncodeCursor("12x")));
}

TEST(CursorTest, LimitDefaultsAndBounds) {
  EXPECT_EQ(*ParseLimit(""), kDefaultLimit);
  EXPECT_EQ(*ParseLimit("1"), 1);
  EXPECT_EQ(*ParseLimit("500"), 500);
  for (const char* bad : {"0", "501", "-1", "ten", "5.5", "5 "}) {
    auto r = ParseLimit(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("limit: ", 0), 0u);
  }
}

}  // namespace
}  // namespace duban::api
