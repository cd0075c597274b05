#include "render/compiled_template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "render/render.h"
#include "testing/paths.h"
#include "testing/status_matchers.h"

namespace duban::render {
namespace {

using Json = nlohmann::json;
using Data = kainjow::mustache::data;

// The renderer before templates were parsed once: the template parsed and the
// JSON converted to kainjow data on every call. Kept as the reference that
// CompiledTemplate must match byte for byte.
Data ToData(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      Data d(Data::type::object);
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), ToData(it.value()));
      return d;
    }
    case Json::value_t::array: {
      Data d(Data::type::list);
      for (const auto& v : j) d.push_back(ToData(v));
      return d;
    }
    case Json::value_t::string:
      return Data(j.get<std::string>());
    case Json::value_t::boolean:
      return Data(j.get<bool>());
    case Json::value_t::null:
      return Data(false);
    default:
      return Data(j.dump());
  }
}

// "ok:<output>" or "error:<message>", as TemplateSet::Render reported them.
std::string ReferenceRender(const std::string& name, const std::string& text,
                            const Json& context) {
  kainjow::mustache::mustache m(text);
  if (!m.is_valid()) return "parse error:" + m.error_message();
  m.set_custom_escape([](const std::string& s) { return s; });
  std::string out = m.render(ToData(context));
  if (!m.is_valid()) return "error:template failed: " + name + ": " + m.error_message();
  return "ok:" + out;
}

std::string Outcome(const Result<std::string>& r) {
  return r.ok() ? "ok:" + *r : "error:" + r.status().message();
}

// Values of every JSON kind kainjow data distinguishes, picked by `i`.
Json Value(int i, int depth) {
  switch (i % 12) {
    case 0: return "v" + std::to_string(i);
    case 1: return "";
    case 2: return i;
    case 3: return -1.25 * i;
    case 4: return i % 24 < 12;
    case 5: return nullptr;
    case 6: {
      Json list = Json::array();
      for (int k = 0; k < i % 4; ++k) {
        Json item = {{"name", "名" + std::to_string(k)}, {"last", k + 1 == i % 4}};
        if (depth < 2) item["s"] = Value(i + k + 1, depth + 1);
        list.push_back(std::move(item));
      }
      return list;
    }
    case 7: return depth < 2 ? Json{{"b", {{"c", Value(i + 5, depth + 1)}}}} : Json::object();
    case 8: return " \t";
    case 9: return static_cast<uint64_t>(i) * 1000003u;
    case 10: return Json::array({"x", 1, false, nullptr});
    default: return "<&\"'>{{a}}\n";
  }
}

// A context with every name the templates below use; the partials "p" and
// "q" are template texts, some of which do not parse.
Json Context(int i) {
  Json ctx = Json::object();
  const char* names[] = {"a", "b", "s", "f", "flag", "list", "items", "name", "office", "count"};
  int k = 0;
  for (const char* n : names) ctx[n] = Value(i * 7 + k++, 0);
  const Json p[] = {"x{{a}}y", "{{#a}}", "{{>q}}", 12, "a\n  {{#f}}\n  {{/f}}\n", nullptr};
  const Json q[] = {"[{{b}}]", "{{/z}}", "{{unclosed", "{{#items}}{{>q2}}{{/items}}"};
  if (!p[i % 6].is_null()) ctx["p"] = p[i % 6];
  ctx["q"] = q[i % 4];
  ctx["q2"] = i % 3 == 0 ? "{{=<% %>=}}" : "({{name}})";
  return ctx;
}

std::map<std::string, std::string> Templates() {
  return {
      {"vars", "{{a}}|{{{a}}}|{{&a}}|{{ a }}|{{.}}|{{missing}}|{{count}}"},
      {"standalone", "head\n{{#list}}\n  - {{name}}{{^last}},{{/last}}\n{{/list}}\ntail\n"},
      {"inverted", "{{^items}}\nnone\n{{/items}}\n{{#items}}{{name}} {{/items}}\n"},
      {"whitespace", "  {{#flag}}  \n x\n\t{{/flag}}\t\r\n y\r z \r\n{{#f}}\n{{/f}}"},
      {"dotted", "{{a.b.c}} {{s.b.c}} {{a..b}} {{a.}} {{.a}} {{#a.b}}<{{c}}>{{/a.b}}"},
      {"shadow", "{{#items}}{{name}}/{{office}}/{{count}}/{{s}};{{/items}}"},
      {"scalar", "{{#s}}[{{.}}|{{a}}]{{/s}}{{^s}}(no {{.}}){{/s}}{{#f}}{{#.}}<{{.}}>{{/.}}{{/f}}"},
      {"nested", "{{#items}}{{#s}}{{#name}}{{.}}{{/name}}{{/s}}{{#last}}!{{/last}}{{/items}}"},
      {"delims", "{{! note }}\n{{=<% %>=}}<%a%> {{a}} <%={{ }}=%>{{b}}\n"},
      {"partials", "<{{>p}}>\n{{#items}}{{>q}}{{/items}} {{>p}} {{>q}}|{{>none}}"},
      {"cjk", "{{office}}：截至{{count}}，{{#list}}{{name}}{{^last}}、{{/last}}{{/list}}。"},
  };
}

TEST(CompiledTemplateTest, RendersManyContextsLikeParsingEveryTime) {
  Diagnostics diags;
  auto set = TemplateSet::FromMap(Templates(), &diags);
  ASSERT_FALSE(diags.has_errors()) << diags.ToString();
  int errors = 0;
  for (int i = 0; i < 240; ++i) {
    const Json ctx = Context(i);
    for (const auto& [name, text] : Templates()) {
      const std::string got = Outcome(set->Render(name, ctx));
      ASSERT_EQ(got, ReferenceRender(name, text, ctx)) << name << " with " << ctx.dump();
      errors += got.rfind("error:", 0) == 0;
    }
  }
  // The partials that do not parse were reached, so errors were compared too.
  EXPECT_GT(errors, 100);
}

TEST(CompiledTemplateTest, RendersContextsThatAreNotObjects) {
  Diagnostics diags;
  auto set = TemplateSet::FromMap(Templates(), &diags);
  for (const Json& ctx : {Json(), Json(3), Json("s"), Json::array({1, 2}), Json(true)}) {
    for (const auto& [name, text] : Templates()) {
      EXPECT_EQ(Outcome(set->Render(name, ctx)), ReferenceRender(name, text, ctx)) << name;
    }
  }
}

TEST(CompiledTemplateTest, ShippedTemplatesRenderAsBefore) {
  Diagnostics diags;
  const std::string dir = testing::SourcePath("templates");
  auto set = TemplateSet::LoadDir(dir, &diags);
  ASSERT_FALSE(diags.has_errors()) << diags.ToString();
  ASSERT_FALSE(set->Names().empty());
  for (const std::string& name : set->Names()) {
    const std::string text =
        testing::ReadFileOrDie((std::filesystem::path(dir) / (name + ".mustache")).string());
    for (int i = 0; i < 40; ++i) {
      Json ctx = Context(i);
      ctx["items"] = Value(6 + 12 * (i % 4), 0);  // 0 to 3 items with names
      for (const std::string& var : set->Variables(name)) {
        if (!ctx.contains(var)) ctx[var] = Value(i + static_cast<int>(var.size()), 0);
      }
      EXPECT_EQ(Outcome(set->Render(name, ctx)), ReferenceRender(name, text, ctx)) << name;
    }
  }
}

TEST(CompiledTemplateTest, TemplatesThatDoNotParseFailAsBefore) {
  const std::vector<std::string> bad = {"{{#open}} never closed", "{{/close}}", "{{a", "{{{a}}",
                                        "{{=<% =}}", "{{#a}}{{/b}}", "x\n{{#a}}{{#b}}{{/a}}"};
  for (const std::string& text : bad) {
    kainjow::mustache::mustache reference(text);
    ASSERT_FALSE(reference.is_valid()) << text;
    Result<CompiledTemplate> parsed = CompiledTemplate::Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message(), reference.error_message());

    Diagnostics diags;
    auto set = TemplateSet::FromMap({{"bad", text}, {"good", "{{a}}"}}, &diags);
    ASSERT_EQ(diags.error_count(), 1);
    EXPECT_EQ(diags.items()[0].message, "template does not parse: " + reference.error_message());
    EXPECT_EQ(set->Names(), (std::set<std::string>{"good"}));
    for (int i = 0; i < 20; ++i) {
      const Result<std::string> r = set->Render("bad", Context(i));
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    }
  }
}

TEST(CompiledTemplateTest, OneSetRendersFromManyThreads) {
  Diagnostics diags;
  auto set = TemplateSet::FromMap(Templates(), &diags);
  std::vector<std::string> expected;
  for (int i = 0; i < 48; ++i) expected.push_back(Outcome(set->Render("shadow", Context(i))));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 48; ++i) {
          mismatches[t] += Outcome(set->Render("shadow", Context(i))) != expected[i];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace duban::render
