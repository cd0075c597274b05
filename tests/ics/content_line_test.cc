#include "ics/content_line.h"

#include <gtest/gtest.h>

#include "base/time_format.h"

namespace duban::ics {
namespace {

// The pieces of a folded line, each without its CRLF and leading space.
std::vector<std::string> Pieces(const std::string& folded) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < folded.size()) {
    const size_t end = folded.find("\r\n", pos);
    EXPECT_NE(end, std::string::npos) << "every piece ends in CRLF";
    if (end == std::string::npos) break;
    out.push_back(folded.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

// Unfolds as RFC 5545 §3.1 says: a CRLF followed by one space is removed.
std::string Unfold(const std::string& folded) {
  std::string out;
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += folded[i];
  }
  return out.substr(0, out.size() - 2);  // the final CRLF
}

bool ValidUtf8Start(const std::string& piece) {
  return piece.empty() || (static_cast<unsigned char>(piece[0]) & 0xC0) != 0x80;
}

TEST(EscapeTextTest, EscapesBackslashSemicolonCommaAndLineBreaks) {
  EXPECT_EQ(EscapeText("a\\b;c,d"), "a\\\\b\\;c\\,d");
  EXPECT_EQ(EscapeText("一\n二\r\n三\r四"), "一\\n二\\n三\\n四");
  EXPECT_EQ(EscapeText("冒号:保留\t制表"), "冒号:保留\t制表");
  EXPECT_EQ(EscapeText(std::string("x\x01y\x7Fz", 5)), "x y z");
  EXPECT_EQ(EscapeText(""), "");
}

TEST(FoldLineTest, ShortLineIsOneLineWithCrlf) {
  EXPECT_EQ(FoldLine("SUMMARY:周报"), "SUMMARY:周报\r\n");
  const std::string exactly75 = "X:" + std::string(73, 'a');
  EXPECT_EQ(FoldLine(exactly75), exactly75 + "\r\n");
}

TEST(FoldLineTest, AsciiIsCutAtExactly75Octets) {
  const std::string line = "DESCRIPTION:" + std::string(200, 'a');
  const auto pieces = Pieces(FoldLine(line));
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].size(), 75u);
  EXPECT_EQ(pieces[1].size(), 75u);  // " " + 74
  EXPECT_EQ(pieces[1][0], ' ');
  EXPECT_EQ(pieces[2], " " + std::string(212 - 75 - 74, 'a'));
  EXPECT_EQ(Unfold(FoldLine(line)), line);
}

TEST(FoldLineTest, ChineseIsNeverSplitInsideACharacter) {
  // "SUMMARY:" is 8 octets; each 汉字 is 3. 75 - 8 = 67 = 22 * 3 + 1, so the
  // 23rd character would straddle octet 75 and moves to the next line.
  std::string text;
  for (int i = 0; i < 60; ++i) text += "督";
  const std::string line = "SUMMARY:" + text;
  const std::string folded = FoldLine(line);
  const auto pieces = Pieces(folded);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].size(), 8u + 22 * 3);  // 74: the character would not fit
  // A continuation holds 74 octets after its space: 24 characters (72).
  EXPECT_EQ(pieces[1].size(), 1u + 24 * 3);
  EXPECT_EQ(pieces[2].size(), 1u + (60 - 22 - 24) * 3);
  for (const auto& p : pieces) {
    EXPECT_LE(p.size(), 75u);
    EXPECT_TRUE(ValidUtf8Start(p.substr(p[0] == ' ' ? 1 : 0)));
  }
  EXPECT_EQ(Unfold(folded), line);
}

TEST(FoldLineTest, CutsExactlyAtTheBoundaryWhenACharacterEndsThere) {
  // 9 + 22 * 3 = 75: the first line is full, no character split.
  std::string text;
  for (int i = 0; i < 30; ++i) text += "嘉";
  const std::string line = "SUMMARY:x" + text;
  const auto pieces = Pieces(FoldLine(line));
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].size(), 75u);
  EXPECT_EQ(pieces[1], " " + text.substr(22 * 3));
}

TEST(FoldLineTest, FourOctetCharactersAndMixedText) {
  // U+1F3E0 (🏠) is 4 octets; mixed with ASCII and 汉字 every cut lands on a
  // character start, and unfolding gives back the line.
  std::string text;
  for (int i = 0; i < 40; ++i) text += (i % 3 == 0 ? "\xF0\x9F\x8F\xA0" : i % 3 == 1 ? "房" : "a");
  const std::string line = "DESCRIPTION:" + text;
  const std::string folded = FoldLine(line);
  const auto pieces = Pieces(folded);
  ASSERT_GT(pieces.size(), 1u);
  for (size_t i = 0; i < pieces.size(); ++i) {
    const std::string& p = pieces[i];
    EXPECT_LE(p.size(), 75u);
    // Backing off to a character start costs at most 3 octets.
    if (i + 1 < pieces.size()) {
      EXPECT_GE(p.size(), 72u) << i;
    }
    EXPECT_TRUE(ValidUtf8Start(p.substr(i == 0 ? 0 : 1))) << i;
  }
  EXPECT_EQ(Unfold(folded), line);
}

TEST(FormatTest, DateTimeDateAndDuration) {
  EXPECT_EQ(FormatDateTimeUtc(*ParseRfc3339("2024-04-12T12:00:00.750+08:00")), "20240412T040000Z");
  EXPECT_EQ(FormatDate(std::chrono::year_month_day(std::chrono::year(2024), std::chrono::month(4),
                                                   std::chrono::day(5))),
            "20240405");
  using namespace std::chrono_literals;
  EXPECT_EQ(FormatDuration(3h), "PT3H");
  EXPECT_EQ(FormatDuration(-3h), "-PT3H");
  EXPECT_EQ(FormatDuration(24h), "P1D");
  EXPECT_EQ(FormatDuration(-24h), "-P1D");
  EXPECT_EQ(FormatDuration(15min), "PT15M");
  EXPECT_EQ(FormatDuration(26h + 30min), "P1DT2H30M");
  EXPECT_EQ(FormatDuration(1h + 5s), "PT1H0M5S");
  EXPECT_EQ(FormatDuration(0s), "PT0S");
  EXPECT_EQ(FormatDuration(1s), "PT1S");
}

}  // namespace
}  // namespace duban::ics
