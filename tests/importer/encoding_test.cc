// Encoding detection: UTF-8 with and without BOM, GB18030/GBK from Excel and
// WPS, and the files we refuse.
#include <gtest/gtest.h>

#include "importer/importer.h"
#include "importer_test_util.h"

namespace duban::importer {
namespace {

using testing::ToGb18030;

TEST(EncodingTest, PlainUtf8PassesThrough) {
  Result<Decoded> d = DecodeToUtf8("id,name\n1,嘉峰镇\n");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->encoding, Encoding::kUtf8);
  EXPECT_EQ(d->text, "id,name\n1,嘉峰镇\n");
}

TEST(EncodingTest, StripsUtf8Bom) {
  Result<Decoded> d = DecodeToUtf8("\xEF\xBB\xBFid,name\n1,嘉峰镇\n");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->encoding, Encoding::kUtf8Bom);
  EXPECT_EQ(d->text, "id,name\n1,嘉峰镇\n");
  EXPECT_STREQ(EncodingName(d->encoding), "UTF-8 BOM");
}

TEST(EncodingTest, DetectsAndConvertsGb18030) {
  const std::string gb = ToGb18030("编号,名称\njiafeng,嘉峰镇\n");
  ASSERT_NE(gb, "编号,名称\njiafeng,嘉峰镇\n");
  Result<Decoded> d = DecodeToUtf8(gb);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->encoding, Encoding::kGb18030);
  EXPECT_EQ(d->text, "编号,名称\njiafeng,嘉峰镇\n");
  EXPECT_STREQ(EncodingName(d->encoding), "GB18030");
}

TEST(EncodingTest, ConvertsGb18030FourByteCharacters) {
  // U+20000 is outside GBK; GB18030 writes it in four bytes.
  const std::string gb = ToGb18030("地址\n\xF0\xA0\x80\x80村\n");
  Result<Decoded> d = DecodeToUtf8(gb);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->text, "地址\n\xF0\xA0\x80\x80村\n");
}

TEST(EncodingTest, RejectsUtf16) {
  Result<Decoded> d = DecodeToUtf8(std::string("\xFF\xFEi\0d\0", 6));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("UTF-16"), std::string::npos);
}

TEST(EncodingTest, RejectsBytesThatAreNeitherUtf8NorGb18030) {
  Result<Decoded> d = DecodeToUtf8("ab\xFF" "cd");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "文件既不是 UTF-8 也不是 GB18030/GBK：第3字节无法识别 (the file is neither UTF-8 "
            "nor GB18030/GBK: byte 3 cannot be decoded)");
}

TEST(EncodingTest, RejectsBrokenUtf8AfterBom) {
  Result<Decoded> d = DecodeToUtf8("\xEF\xBB\xBFid\n\xC3(\n");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("byte 7 is not UTF-8"), std::string::npos)
      << d.status().message();
}

TEST(EncodingTest, UnreadableFileIsAFileRejection) {
  const UnitImport in = ParseUnits("ab\xFF" "cd", "units.csv", {});
  EXPECT_TRUE(in.records.empty());
  EXPECT_TRUE(in.FileRejected());
  ASSERT_EQ(in.rejections.size(), 1u);
  EXPECT_EQ(in.rejections[0].row, 0);
  EXPECT_EQ(in.rejections[0].ToString("units.csv").substr(0, 11), "units.csv: ");
}

TEST(EncodingTest, ParsersReportTheEncodingTheyUsed) {
  const std::string text =
      "编号,名称,层级,上级编号\njiafeng,嘉峰镇,镇,qinshui\n";
  const UnitContext ctx{testing::ExistingChain()};
  EXPECT_EQ(ParseUnits(text, "u.csv", ctx).encoding, Encoding::kUtf8);
  EXPECT_EQ(ParseUnits("\xEF\xBB\xBF" + text, "u.csv", ctx).encoding, Encoding::kUtf8Bom);
  const UnitImport gb = ParseUnits(ToGb18030(text), "u.csv", ctx);
  EXPECT_EQ(gb.encoding, Encoding::kGb18030);
  ASSERT_EQ(gb.records.size(), 1u);
  EXPECT_EQ(gb.records[0].name, "嘉峰镇");
  EXPECT_EQ(RenderReport(gb, Diff({}, gb.records))[0],
            "u.csv [GB18030]: 新增 1, 更新 0, 未变 0, 拒绝 0 (added 1, updated 0, "
            "unchanged 0, rejected 0)");
}

}  // namespace
}  // namespace duban::importer
