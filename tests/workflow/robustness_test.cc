// The loader never crashes or hangs: huge, deep, self-referencing, truncated
// and randomly damaged files all end in errors (or a valid spec), never in
// a crash, and a returned spec always means zero errors.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "testing/paths.h"
#include "testing/temp_dir.h"
#include "workflow/workflow.h"

namespace duban::workflow {
namespace {

const char* const kShipped[] = {"workflows/jiafeng-2024-hundred-day.yaml",
                                "workflows/gansu-2024-spot-check.yaml",
                                "workflows/template-campaign.yaml",
                                "tests/data/good/minimal.yaml"};

// Loads `text` and checks the one invariant every input must keep.
void LoadAndCheck(const std::string& text, const std::string& what) {
  Diagnostics diags;
  auto spec = LoadCampaignText(text, "fuzz.yaml", LoadOptions{}, &diags);
  if (spec != nullptr) {
    EXPECT_EQ(diags.error_count(), 0) << what;
  } else {
    EXPECT_GT(diags.error_count(), 0) << what;
  }
}

TEST(RobustnessTest, FiveMegabyteFileIsRefusedBeforeReading) {
  testing::TempDir dir;
  std::string big;
  while (big.size() < 5 * 1024 * 1024)
    big += "# padding padding padding padding\n";
  const std::string path = dir.Write("big.yaml", big);
  Diagnostics diags;
  EXPECT_EQ(LoadCampaignFile(path, LoadOptions{}, &diags), nullptr);
  ASSERT_EQ(diags.error_count(), 1);
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.message, "file is " + std::to_string(big.size()) +
                           " bytes; the limit is 1048576 bytes");
  EXPECT_EQ(d.line, 0);
  EXPECT_EQ(d.hint, "is this the right file?");

  Diagnostics text_diags;
  EXPECT_EQ(LoadCampaignText(big, "big.yaml", LoadOptions{}, &text_diags),
            nullptr);
  ASSERT_EQ(text_diags.error_count(), 1);
  EXPECT_EQ(text_diags.items()[0].message, d.message);
}

TEST(RobustnessTest, DevicesDirectoriesAndMissingFilesAreErrors) {
  testing::TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"/dev/zero", "not a regular file"},
      {dir.path().string(), "not a regular file"},
      {dir.File("missing.yaml"), "cannot read file: No such file or directory"},
  };
  for (const auto& [path, message] : cases) {
    Diagnostics diags;
    EXPECT_EQ(LoadCampaignFile(path, LoadOptions{}, &diags), nullptr) << path;
    ASSERT_EQ(diags.error_count(), 1) << path;
    EXPECT_EQ(diags.items()[0].message, message);
  }
}

TEST(RobustnessTest, DeepFlowNestingIsAnErrorNotACrash) {
  for (const std::string& text :
       {std::string(100000, '['), "id: x\nscope: " + std::string(5000, '{'),
        std::string("a:\n") + [] {
          std::string s;
          for (int i = 1; i < 200; ++i)
            s += std::string(static_cast<size_t>(i), ' ') + "- b:\n";
          return s;
        }()}) {
    Diagnostics diags;
    EXPECT_EQ(LoadCampaignText(text, "deep.yaml", LoadOptions{}, &diags),
              nullptr);
    ASSERT_EQ(diags.error_count(), 1) << diags.ToString();
    EXPECT_EQ(diags.items()[0].message,
              "the document is nested more than 32 levels deep");
  }
}

TEST(RobustnessTest, SelfReferencingAliasesAreErrors) {
  for (const char* text :
       {"id: x\ntitle: &a\n  k: *a\n", "roles: &r [*r, *r]\n",
        "scope: &s {levels: *s}\n"}) {
    LoadAndCheck(text, text);
  }
}

TEST(RobustnessTest, TruncatedFilesNeverCrash) {
  for (const char* name : kShipped) {
    const std::string text = testing::ReadFileOrDie(testing::SourcePath(name));
    // About 40 cuts per file, so every section gets cut somewhere.
    const size_t step = text.size() / 40 + 1;
    for (size_t n = 0; n < text.size(); n += step)
      LoadAndCheck(text.substr(0, n), name);
  }
}

TEST(RobustnessTest, RandomlyDamagedFilesNeverCrash) {
  std::mt19937 rng(20240325);  // fixed seed: failures reproduce
  const std::string alphabet = ":-[]{}&*!|>'\"#,\t\n ?%@`0123456789abcxyz字";
  for (const char* name : kShipped) {
    const std::string text = testing::ReadFileOrDie(testing::SourcePath(name));
    for (int round = 0; round < 40; ++round) {
      std::string t = text;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !t.empty(); ++e) {
        const size_t at = rng() % t.size();
        switch (rng() % 4) {
          case 0:
            t.erase(at, 1 + rng() % 40);
            break;
          case 1:
            t.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 2:
            t[at] = alphabet[rng() % alphabet.size()];
            break;
          default: {
            // Duplicate a line somewhere else.
            const size_t from = t.rfind('\n', at);
            const size_t to = t.find('\n', at);
            const std::string line =
                t.substr(from == std::string::npos ? 0 : from,
                         to == std::string::npos ? 0 : to - from);
            t.insert(rng() % t.size(), line);
          }
        }
      }
      LoadAndCheck(t, std::string(name) + " round " + std::to_string(round));
    }
  }
}

TEST(RobustnessTest, HugeListsAreCappedNotSlow) {
  std::string text = "id: x\ntitle: t\nscope: {levels: [village]}\nroles:\n";
  for (int i = 0; i < 20000; ++i)
    text += "  r" + std::to_string(i) + ": 角色\n";
  Diagnostics diags;
  EXPECT_EQ(LoadCampaignText(text, "huge.yaml", LoadOptions{}, &diags),
            nullptr);
  ASSERT_EQ(diags.error_count(), 1) << diags.ToString();
  EXPECT_EQ(diags.items()[0].message, "too many roles (20000; at most 500)");
}

}  // namespace
}  // namespace duban::workflow
