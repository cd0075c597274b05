// LoadCampaignFile / LoadCampaignText: limits that keep a hostile or
// mistaken file from crashing or stalling the loader, parsing, then the
// section readers in dependency order (see load_sections.h).
#include <fmt/format.h>

#include <filesystem>
#include <system_error>
#include <vector>

#include "workflow/load_sections.h"
#include "workflow/workflow.h"

namespace duban::workflow {
namespace {

// Nesting a campaign file never needs; yaml-cpp's own guard (2000 levels)
// reports a bare "bad file".
constexpr int kMaxNesting = 32;
// Values in one document, counting each use of an alias: bounds the work of
// "billion laughs" alias expansion and of self-referencing aliases.
constexpr size_t kMaxValues = 200000;

void ReportNesting(int line, int column, yamlread::Context& ctx) {
  ctx.ErrorAt(
      line, column, "",
      fmt::format("the document is nested more than {} levels deep",
                  kMaxNesting),
      "a campaign file needs only a few levels; is this the right file?");
}

bool StartsQuote(std::string_view line, size_t i) {
  if (i == 0) return true;
  const char p = line[i - 1];
  return p == ' ' || p == '[' || p == '{' || p == ',' || p == ':';
}

// True when the line opens a block scalar: its value ends in | or >, maybe
// followed by chomping or indentation indicators.
bool OpensBlockScalar(std::string_view content) {
  while (!content.empty() && content.back() == ' ') content.remove_suffix(1);
  while (!content.empty() &&
         (content.back() == '-' || content.back() == '+' ||
          (content.back() >= '0' && content.back() <= '9'))) {
    content.remove_suffix(1);
  }
  return !content.empty() && (content.back() == '|' || content.back() == '>') &&
         (content.size() == 1 || content[content.size() - 2] == ' ');
}

// Scans the text before parsing; false after reporting nesting deeper than
// kMaxNesting (block indentation plus [ { flow brackets).
bool CheckTextNesting(std::string_view text, yamlread::Context& ctx) {
  std::vector<size_t> indents;  // open block levels, by column
  int flow = 0;
  bool in_block_scalar = false;
  size_t block_indent = 0;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(
        pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    const bool blank =
        indent == line.size() || line[indent] == '#' || line[indent] == '\r';
    if (in_block_scalar && (blank || indent > block_indent)) continue;
    in_block_scalar = false;
    if (blank) continue;
    if (flow == 0) {
      while (!indents.empty() && indents.back() > indent) indents.pop_back();
      if (indents.empty() || indents.back() < indent) indents.push_back(indent);
      // "- - - x" opens one level per dash on a single line.
      size_t col = indent;
      while (col + 1 < line.size() && line[col] == '-' &&
             line[col + 1] == ' ') {
        col += 2;
        while (col < line.size() && line[col] == ' ') ++col;
        if (indents.back() < col) indents.push_back(col);
      }
      if (indents.size() > static_cast<size_t>(kMaxNesting)) {
        ReportNesting(line_no, static_cast<int>(indent) + 1, ctx);
        return false;
      }
    }
    char quote = 0;
    size_t end = line.size();
    for (size_t i = indent; i < line.size(); ++i) {
      const char c = line[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
        continue;
      }
      if ((c == '\'' || c == '"') && StartsQuote(line, i)) {
        quote = c;
      } else if (c == '#' && (i == 0 || line[i - 1] == ' ')) {
        end = i;
        break;
      } else if (c == '[' || c == '{') {
        if (++flow + static_cast<int>(indents.size()) > kMaxNesting) {
          ReportNesting(line_no, static_cast<int>(i) + 1, ctx);
          return false;
        }
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
    }
    if (flow == 0 && OpensBlockScalar(line.substr(indent, end - indent))) {
      in_block_scalar = true;
      block_indent = indent;
    }
  }
  return true;
}

// Walks the parsed document; false after reporting more than kMaxValues
// values or nesting deeper than kMaxNesting (which is how an alias that
// contains itself shows up).
bool CheckNodeBudget(const YAML::Node& root, yamlread::Context& ctx) {
  struct Item {
    YAML::Node node;
    int depth;
  };
  std::vector<Item> stack = {{root, 1}};
  size_t count = 0;
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    // Children wait on the stack, so they count too: this bounds the stack
    // as well as the walk.
    ++count;
    if (count + stack.size() + (item.node.IsScalar() ? 0 : item.node.size()) >
        kMaxValues) {
      ctx.ErrorAt(
          0, 0, "",
          fmt::format(
              "the document holds more than {} values (counting every use of "
              "each YAML alias)",
              kMaxValues),
          "a campaign file needs far fewer; is this the right file?");
      return false;
    }
    if (item.depth > kMaxNesting) {
      ctx.Error(item.node, "",
                fmt::format("the document is nested more than {} levels deep",
                            kMaxNesting),
                "is there a YAML alias (*name) inside the value it refers to?");
      return false;
    }
    if (item.node.IsMap()) {
      for (auto it = item.node.begin(); it != item.node.end(); ++it) {
        stack.push_back({it->first, item.depth + 1});
        stack.push_back({it->second, item.depth + 1});
      }
    } else if (item.node.IsSequence()) {
      for (auto it = item.node.begin(); it != item.node.end(); ++it) {
        stack.push_back({*it, item.depth + 1});
      }
    }
  }
  return true;
}

void WarnUnused(LoadState& s) {
  for (size_t i = 0; i < s.spec.ladders.size(); ++i) {
    if (!s.ladder_used[i]) {
      s.ctx.Warning(
          s.ladder_nodes[i],
          yamlread::JoinPath("ladders", s.spec.ladders[i].id),
          fmt::format("ladder '{}' is never used", s.spec.ladders[i].id));
    }
  }
  for (size_t i = 0; i < s.spec.templates.size(); ++i) {
    if (!s.template_used[i]) {
      s.ctx.Warning(
          s.template_nodes[i],
          yamlread::JoinPath("templates", s.spec.templates[i].id),
          fmt::format("template '{}' is never used", s.spec.templates[i].id));
    }
  }
}

}  // namespace

std::shared_ptr<const WorkflowSpec> LoadCampaignText(
    std::string_view text, const std::string& file_name,
    const LoadOptions& options, Diagnostics* diags) {
  yamlread::Context ctx(file_name, diags);
  const int errors_before = diags->error_count();
  yamlread::ParseOptions parse_options;
  parse_options.max_bytes = options.max_bytes;
  if (text.size() <= options.max_bytes && !CheckTextNesting(text, ctx))
    return nullptr;
  auto root = yamlread::Parse(text, ctx, parse_options);
  if (!root || !CheckNodeBudget(*root, ctx)) return nullptr;

  auto spec = std::make_shared<WorkflowSpec>();
  spec->source_file = file_name;
  LoadState s(ctx, options, *spec);
  try {
    yamlread::MapReader top(*root, "", &ctx);
    if (!top.valid()) return nullptr;
    // Dependency order, not file order: every reference resolves when read.
    ReadHeader(top, s);
    ReadRoles(top, s);
    ReadScope(top, s);
    ReadPhases(top, s);
    ReadTemplates(top, s);
    ReadLadders(top, s);
    ReadMilestones(top, s);
    ReadObligations(top, s);
    ReadSummaries(top, s);
    ReadItemKinds(top, s);
    ReadSampling(top, s);
    top.Finish();
    if (diags->error_count() == errors_before) WarnUnused(s);
  } catch (const YAML::Exception& e) {
    // Readers check node types before use; this is a last line of defence
    // so a yaml-cpp surprise becomes an error, never a crash.
    ctx.ErrorAt(e.mark.line + 1, e.mark.column + 1, "",
                fmt::format("cannot read the document: {}", e.what()));
  }
  if (diags->error_count() > errors_before) return nullptr;
  return spec;
}

std::shared_ptr<const WorkflowSpec> LoadCampaignFile(const std::string& path,
                                                     const LoadOptions& options,
                                                     Diagnostics* diags) {
  yamlread::Context ctx(path, diags);
  // Look before reading: a device or a huge file must not be read at all.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status)) {
    if (!std::filesystem::is_regular_file(status)) {
      ctx.ErrorAt(0, 0, "", "not a regular file",
                  "give the path of a .yaml file");
      return nullptr;
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > options.max_bytes) {
      ctx.ErrorAt(0, 0, "",
                  fmt::format("file is {} bytes; the limit is {} bytes", size,
                              options.max_bytes),
                  "is this the right file?");
      return nullptr;
    }
  }
  auto text = yamlread::ReadFile(path, ctx);
  if (!text) return nullptr;
  return LoadCampaignText(*text, path, options, diags);
}

}  // namespace duban::workflow
