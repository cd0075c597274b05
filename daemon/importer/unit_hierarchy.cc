// The checks of units.csv that need more than one row: parents, levels,
// division-code nesting and cycles. The file may list a parent after its
// children, and may re-parent units already in the database, so the checks
// run over the database's units overlaid with the file's. Rejecting a unit
// can orphan its children, so the checks repeat until nothing changes.
#include <set>

#include <fmt/format.h>

#include "importer/cells.h"
#include "importer/units.h"

namespace duban::importer {
namespace {

using Graph = std::map<std::string, const model::Unit*>;

struct Problem {
  size_t index;  // into the rows
  size_t column;
  std::string reason;
};

// The cycle of parents through `id` ("a", "b", "a"), or empty when following
// parents from `id` ends at a root, an unknown id or a cycle elsewhere.
std::vector<std::string> CycleThrough(const std::string& id, const Graph& graph) {
  std::vector<std::string> path{id};
  std::set<std::string> seen{id};
  std::string cur = graph.at(id)->parent_id;
  while (!cur.empty()) {
    path.push_back(cur);
    if (cur == id) return path;
    const auto it = graph.find(cur);
    if (it == graph.end() || !seen.insert(cur).second) return {};
    cur = it->second->parent_id;
  }
  return {};
}

std::string Join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += " → ";
    out += id;
  }
  return out;
}

int Rank(model::Level level) { return static_cast<int>(level); }

// Problems with the parent of `u`, given the current graph.
void CheckParent(const UnitRow& r, size_t index, const Graph& graph,
                 const std::map<std::string, int>& rejected, std::vector<Problem>& out) {
  const model::Unit& u = r.unit;
  const std::string& pid = u.parent_id;
  if (pid.empty()) {
    if (!IsAdministrative(u.level)) {
      out.push_back({index, kUnitParent,
                     Bilingual(fmt::format("{}必须填写上级单位", LevelZh(u.level)),
                               fmt::format("a {} needs a parent unit", model::LevelName(u.level)))});
    }
    return;
  }
  const auto it = graph.find(pid);
  if (it == graph.end()) {
    const auto rej = rejected.find(pid);
    out.push_back({index, kUnitParent,
                   rej != rejected.end()
                       ? Bilingual(fmt::format("上级单位 '{}' 在第{}行被拒绝", pid, rej->second),
                                   fmt::format("parent '{}' was rejected at row {}", pid, rej->second))
                       : Bilingual(fmt::format("上级单位 '{}' 不存在（文件和数据库中都没有）", pid),
                                   fmt::format("parent '{}' is neither in this file nor in the "
                                               "database",
                                               pid))});
    return;
  }
  const model::Unit& p = *it->second;
  const std::string pzh = LevelZh(p.level);
  const char* pen = model::LevelName(p.level);
  if (!IsAdministrative(p.level)) {
    out.push_back({index, kUnitParent,
                   Bilingual(fmt::format("上级单位 '{}' 是{}，下面不能有单位", pid, pzh),
                             fmt::format("parent '{}' is a {} and cannot have units under it",
                                         pid, pen))});
    return;
  }
  if (IsAdministrative(u.level) && Rank(p.level) >= Rank(u.level)) {
    out.push_back({index, kUnitParent,
                   Bilingual(fmt::format("上级单位 '{}' 是{}，不高于本单位的{}", pid, pzh,
                                         LevelZh(u.level)),
                             fmt::format("parent '{}' is a {}, not above a {}", pid, pen,
                                         model::LevelName(u.level)))});
    return;
  }
  if (!IsAdministrative(u.level) && u.attached_level && p.level != *u.attached_level) {
    out.push_back(
        {index, kUnitParent,
         Bilingual(fmt::format("{}挂靠{}，但上级单位 '{}' 是{}", LevelZh(u.level),
                               LevelZh(*u.attached_level), pid, pzh),
                   fmt::format("the {} is attached to the {} level but parent '{}' is a {}",
                               model::LevelName(u.level),
                               model::LevelName(*u.attached_level), pid, pen))});
    return;
  }
  // Codes nest: 140521104 is under 140521. Compare the parent's significant
  // digits, since either code may be padded to 12.
  const size_t n = DivisionDigits(p.level);
  if (!u.division_code.empty() && !p.division_code.empty() && n > 0 &&
      u.division_code.compare(0, n, p.division_code, 0, n) != 0) {
    const std::string prefix = p.division_code.substr(0, n);
    const std::string& given = r.row->cells[kUnitCode].value;
    out.push_back({index, kUnitCode,
                   Bilingual(fmt::format("区划代码 '{}' 不在上级 '{}' 的代码 {} 之下", given, pid,
                                         prefix),
                             fmt::format("division code '{}' is not under parent '{}', whose code is {}",
                                         given, pid, prefix))});
  }
}

}  // namespace

std::vector<model::Unit> CheckHierarchy(std::vector<UnitRow> rows,
                                        const std::vector<model::Unit>& existing,
                                        std::map<std::string, int> rejected,
                                        std::vector<Rejection>& out) {
  Graph base;
  for (const model::Unit& u : existing) base[u.id] = &u;
  std::vector<bool> live(rows.size(), true);
  while (true) {
    Graph graph = base;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (live[i]) graph[rows[i].unit.id] = &rows[i].unit;
    }
    // Cycles first: every unit on one fails the level checks as well, and
    // the cycle is the message that explains it.
    std::vector<Problem> problems;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!live[i]) continue;
      const std::vector<std::string> cycle = CycleThrough(rows[i].unit.id, graph);
      if (cycle.empty()) continue;
      problems.push_back({i, kUnitParent,
                          Bilingual(fmt::format("上级关系成环: {}", Join(cycle)),
                                    fmt::format("parent cycle: {}", Join(cycle)))});
    }
    if (problems.empty()) {
      for (size_t i = 0; i < rows.size(); ++i) {
        if (live[i]) CheckParent(rows[i], i, graph, rejected, problems);
      }
    }
    if (problems.empty()) break;
    for (Problem& p : problems) {
      live[p.index] = false;
      rejected.emplace(rows[p.index].unit.id, rows[p.index].row->row);
      RowErrors(*rows[p.index].row, out).Add(p.column, std::move(p.reason));
    }
  }
  std::vector<model::Unit> accepted;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (live[i]) accepted.push_back(std::move(rows[i].unit));
  }
  return accepted;
}

}  // namespace duban::importer
