// yamlread: strict, positioned reading of YAML documents, shared by config/
// and workflow/ so both report mistakes the same way: every unknown key, wrong
// type and missing required key becomes a Diagnostic with file:line:column and
// the key path, and reading goes on so all mistakes are reported at once.
//
// Values and readers are plain data; any thread, one document per thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace duban::yamlread {

// Where diagnostics go, and which file they name.
class Context {
 public:
  Context(std::string file, Diagnostics* diags)
      : file_(std::move(file)), diags_(diags) {}

  const std::string& file() const { return file_; }
  // Positions the diagnostic at `node` (its 1-based line and column).
  void Error(const YAML::Node& node, std::string_view path, std::string message,
             std::string hint = {});
  void Warning(const YAML::Node& node, std::string_view path,
               std::string message, std::string hint = {});
  void ErrorAt(int line, int column, std::string_view path,
               std::string message, std::string hint = {});
  Diagnostics* diags() const { return diags_; }

 private:
  std::string file_;
  Diagnostics* diags_;
};

struct ParseOptions {
  size_t max_bytes = 1 << 20;  // campaign and config files are small
  bool allow_empty = false;
};

// Parses `text` as one YAML document. On a syntax error, a tab used for
// indentation, an empty document or an oversized file, adds an error to the
// context and returns nullopt.
std::optional<YAML::Node> Parse(std::string_view text, Context& ctx,
                                const ParseOptions& options = {});

// Reads a whole file. On failure adds "cannot read file" to the context.
std::optional<std::string> ReadFile(const std::string& path, Context& ctx);

// "a.b" + "c" → "a.b.c"; "" + "c" → "c".
std::string JoinPath(std::string_view parent, std::string_view key);
// "list" + 2 → "list[2]".
std::string IndexPath(std::string_view parent, size_t index);

// Reads the keys of one mapping. Each getter records its key as known whether
// or not it is present; Finish() then reports every key nobody asked for (with
// a did-you-mean hint) and every duplicated key.
class MapReader {
 public:
  // Reports an error if `node` is not a mapping (the reader then yields
  // nothing). `path` names the mapping ("" for the document root).
  MapReader(const YAML::Node& node, std::string path, Context* ctx);

  bool valid() const { return valid_; }
  bool Has(std::string_view key);
  const std::string& path() const { return path_; }
  Context& ctx() { return *ctx_; }

  // Typed getters: nullopt when the key is absent (an error if `required`)
  // or has the wrong type (always an error).
  std::optional<std::string> String(std::string_view key, bool required = false);
  std::optional<int64_t> Int(std::string_view key, bool required = false,
                             int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  std::optional<double> Double(std::string_view key, bool required = false);
  std::optional<bool> Bool(std::string_view key, bool required = false);
  // One of `allowed`; anything else is an error with a did-you-mean hint.
  std::optional<std::string> Enum(std::string_view key,
                                  const std::vector<std::string>& allowed,
                                  bool required = false);
  std::optional<std::vector<std::string>> StringList(std::string_view key,
                                                     bool required = false);
  // The raw node of a mapping value, checked to be a mapping / sequence.
  std::optional<YAML::Node> Map(std::string_view key, bool required = false);
  std::optional<YAML::Node> Sequence(std::string_view key, bool required = false);
  // Any node, unchecked.
  std::optional<YAML::Node> Any(std::string_view key, bool required = false);

  // Marks a key as known without reading it (e.g. read elsewhere).
  void Allow(std::string_view key);
  // Reports unknown and duplicate keys. Call once, after all getters.
  void Finish();

  // Positions an error at the value of `key` (or at the mapping if absent).
  void Error(std::string_view key, std::string message, std::string hint = {});

 private:
  std::optional<YAML::Node> Get(std::string_view key, bool required,
                                const char* expected);

  YAML::Node node_;
  std::string path_;
  Context* ctx_;
  bool valid_ = false;
  std::vector<std::string> known_;
};

// Scalar conversions with the same wording the getters use; nullopt after
// reporting an error at `node`.
std::optional<int64_t> ToInt(const YAML::Node& node, std::string_view path,
                             Context& ctx);
std::optional<std::string> ToString(const YAML::Node& node,
                                    std::string_view path, Context& ctx);

// The 1-based position of `node`.
int LineOf(const YAML::Node& node);
int ColumnOf(const YAML::Node& node);

}  // namespace duban::yamlread
