// Helpers for the importer tests: rejections as the strings users see, and
// the shipped demo and fixture files.
#pragma once

#include <iconv.h>

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "importer/importer.h"
#include "testing/paths.h"

namespace duban::importer::testing {

// Every rejection of `file`, rendered as the CLI prints it.
inline std::vector<std::string> Rejections(const ParsedFile& file) {
  std::vector<std::string> out;
  for (const Rejection& r : file.rejections) out.push_back(r.ToString(file.file));
  return out;
}

inline std::string ReadSource(const std::string& relative) {
  return ::duban::testing::ReadFileOrDie(::duban::testing::SourcePath(relative));
}

// Converts UTF-8 text to GB18030 bytes with glibc's iconv, the way WPS or
// Excel on a Chinese Windows saves "CSV".
inline std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &dst, &dst_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - dst_left);
  return out;
}

// The units of the demo chain above the town, as if already in the database.
inline std::vector<model::Unit> ExistingChain() {
  using model::Level;
  return {
      {"shanxi", "山西省", Level::kProvince, "", "140000000000", std::nullopt},
      {"jincheng", "晋城市", Level::kCity, "shanxi", "140500000000", std::nullopt},
      {"qinshui", "沁水县", Level::kCounty, "jincheng", "140521000000", std::nullopt},
  };
}

// The roles workflows/jiafeng-2024-hundred-day.yaml declares.
inline std::set<std::string> JiafengRoles() {
  return {"liaison", "head", "office", "supervisor", "task_force", "group_chat",
          "department_contact"};
}

}  // namespace duban::importer::testing
