#include "yamlread/yamlread.h"

#include <gtest/gtest.h>

#include <string>

namespace duban::yamlread {
namespace {

// Found by fuzz/config_fuzzer's UTF-8 property: a long value was cut at a
// fixed byte for the message, so Chinese text (3 bytes a character) ended
// in half a character.
TEST(YamlreadTest, ALongValueIsShortenedAtACharacterBoundary) {
  Diagnostics diags;
  Context ctx("c.yaml", &diags);
  // 22 characters, 66 bytes: more than the 40 quoted whole.
  auto root = Parse("threads: 这是一个非常长的中文值用于测试截断是否会切断字符\n", ctx);
  ASSERT_TRUE(root.has_value()) << diags.ToString();
  MapReader top(*root, "", &ctx);
  EXPECT_FALSE(top.Int("threads").has_value());
  ASSERT_EQ(diags.items().size(), 1u);
  // 37 bytes hold 12 whole characters; the 13th is left out, not split.
  EXPECT_EQ(diags.items()[0].message,
            "expected a whole number, got '这是一个非常长的中文值用...'");
}

TEST(YamlreadTest, AsciiValuesAreStillCutAtThirtySevenBytes) {
  Diagnostics diags;
  Context ctx("c.yaml", &diags);
  const std::string value(50, 'x');
  auto root = Parse("threads: " + value + "\n", ctx);
  ASSERT_TRUE(root.has_value()) << diags.ToString();
  MapReader top(*root, "", &ctx);
  EXPECT_FALSE(top.Int("threads").has_value());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].message,
            "expected a whole number, got '" + std::string(37, 'x') + "...'");
}

}  // namespace
}  // namespace duban::yamlread
