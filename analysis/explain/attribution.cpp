#include "analysis/explain/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "analysis/present/format.hpp"
#include "analysis/present/sweep_points.hpp"

namespace zkc::analysis {
namespace {

constexpr std::string_view kPrimary = "s_per_proof";
// A change smaller than this per proof is not named as a cause.
constexpr double kCauseFloorMs = 1.0;
// Counter evidence is named when it moved by at least this fraction, in a stage that weighs at least
// kEvidenceWeight of the arm's heaviest stage (tiny stages' counters swing by chance).
constexpr double kEvidenceChange = 0.2;
constexpr double kEvidenceWeight = 0.05;

RunGroup& group_for(std::vector<RunGroup>& groups, const std::string& point, const std::string& arm) {
  for (auto& g : groups)
    if (g.point == point && g.arm == arm) return g;
  groups.push_back({point, arm, {}});
  return groups.back();
}

// The point's settings other than c and j ("pw=6 P=6"), as label items.
std::vector<std::string_view> other_keys(const std::string& point) {
  std::vector<std::string_view> out = point_items(point);
  std::erase_if(out, [](std::string_view item) { return item.starts_with("c=") || item.starts_with("j="); });
  std::sort(out.begin(), out.end());
  return out;
}

// An arm's reference for `point`: its isolation group whose other settings are the point's, else
// its only one (a sweep varying pw against one pw=1 isolation point, or an A/B's isolation runs);
// nullptr when there is none or several that differ from the point (which one would be a guess).
const RunGroup* reference_for(const std::vector<RunGroup>& refs, const std::string& arm, const std::string& point) {
  std::vector<const RunGroup*> mine;
  for (const auto& g : refs)
    if (g.arm == arm) mine.push_back(&g);
  for (const RunGroup* g : mine)
    if (other_keys(g->point) == other_keys(point)) return g;
  return mine.size() == 1 ? mine.front() : nullptr;
}

const EvidenceSpec* evidence_spec(std::string_view column) {
  for (const auto& e : kEvidence)
    if (e.column == column) return &e;
  return nullptr;
}

}  // namespace

ExplainGroups explain_groups(const ReportInput& input) {
  ExplainGroups out;
  std::vector<RunGroup> all;
  std::set<std::string> grouped;
  for (const Measurement& m : input.measurements) {
    if (m.metric != kPrimary || m.run.empty()) continue;
    const std::string id = m.run.substr(m.run.find_last_of('/') + 1);
    if (!grouped.insert(id).second) continue;
    for (const RunData& r : input.runs)
      if (r.id == id) group_for(all, m.point, m.arm).runs.push_back(&r);
  }
  if (input.measurements.empty())  // a run folder: each run is its own group
    for (const RunData& r : input.runs) group_for(all, "", r.id).runs.push_back(&r);

  // Points in the order they were measured; within one, the baseline first, then the arms as declared.
  std::vector<std::string> points;
  for (const auto& g : all)
    if (std::find(points.begin(), points.end(), g.point) == points.end()) points.push_back(g.point);
  const auto arm_rank = [&](const std::string& arm) {
    if (arm == input.baseline_arm) return std::size_t{0};
    for (std::size_t i = 0; i < input.arms.size(); ++i)
      if (input.arms[i].name == arm) return i + 1;
    return input.arms.size() + 1;
  };
  std::stable_sort(all.begin(), all.end(), [&](const RunGroup& a, const RunGroup& b) {
    const auto pa = std::find(points.begin(), points.end(), a.point), pb = std::find(points.begin(), points.end(), b.point);
    return pa != pb ? pa < pb : arm_rank(a.arm) < arm_rank(b.arm);
  });
  for (auto& g : all) (is_isolation_point(g.point) ? out.reference : out.loaded).push_back(std::move(g));
  for (const IsolationRun& iso : input.isolation) group_for(out.reference, "c=1 j=1 (isolation runs)", iso.arm).runs.push_back(&iso.run);

  for (const auto& g : out.loaded) {
    if (reference_for(out.reference, g.arm, g.point) != nullptr) continue;
    const bool several = std::count_if(out.reference.begin(), out.reference.end(),
                                       [&](const RunGroup& r) { return r.arm == g.arm; }) > 1;
    out.missing.push_back(several ? fmt::format("arm {} at {}: several c=1 j=1 points, none with its other settings",
                                                g.arm, point_title(g.point))
                                  : fmt::format("arm {}: no isolation reference (no c=1 j=1 point or isolation run of it)",
                                                g.arm));
  }
  std::sort(out.missing.begin(), out.missing.end());
  out.missing.erase(std::unique(out.missing.begin(), out.missing.end()), out.missing.end());
  return out;
}

std::vector<Attribution> attribute(const ExplainGroups& groups) {
  std::vector<Attribution> out;
  for (const RunGroup& g : groups.loaded) {
    const RunGroup* ref = reference_for(groups.reference, g.arm, g.point);
    if (ref == nullptr) continue;
    const auto iso = stage_parts(ref->runs);
    for (const StageParts& loaded : stage_parts(g.runs)) {
      const auto it = std::find_if(iso.begin(), iso.end(), [&](const StageParts& p) { return p.stage == loaded.stage; });
      if (it == iso.end()) continue;
      out.push_back({g.point, g.arm, loaded.stage, ref->point, *it, loaded});
    }
  }
  return out;
}

std::vector<ArmCause> causes_by_arm(const std::vector<Attribution>& rows, const std::string& baseline) {
  std::vector<ArmCause> out;
  std::vector<std::pair<std::string, std::string>> seen;  // (point, arm) in input order
  for (const auto& r : rows)
    if (r.arm != baseline && std::find(seen.begin(), seen.end(), std::pair{r.point, r.arm}) == seen.end())
      seen.emplace_back(r.point, r.arm);
  for (const auto& [point, arm] : seen) {
    ArmCause cause{point, arm, "", "", ""};
    double most_reduced = -kCauseFloorMs, most_grown = kCauseFloorMs, most_moved = kEvidenceChange;
    double heaviest = 0;
    for (const auto& r : rows)
      if (r.point == point && r.arm == arm) heaviest = std::max(heaviest, r.loaded.dur_ms * r.loaded.rows_per_proof());
    bool any_base = false;
    for (const auto& r : rows) {
      if (r.point != point || r.arm != arm) continue;
      const auto base = std::find_if(rows.begin(), rows.end(), [&](const Attribution& b) {
        return b.point == point && b.arm == baseline && b.stage == r.stage;
      });
      if (base == rows.end()) continue;
      any_base = true;
      for (const PartSpec& part : kParts) {
        const double mine = (r.*part.delta)() * r.loaded.rows_per_proof();
        const double theirs = ((*base).*part.delta)() * base->loaded.rows_per_proof();
        const double change = mine - theirs;
        const std::string text = fmt::format("{} of {}: {} per proof ({} -> {})", part.label, r.stage,
                                             signed_duration_text(change), signed_duration_text(theirs), signed_duration_text(mine));
        if (change < most_reduced) most_reduced = change, cause.reduced = text;
        if (change > most_grown) most_grown = change, cause.grew = text;
      }
      if (r.loaded.dur_ms * r.loaded.rows_per_proof() < kEvidenceWeight * heaviest) continue;
      for (const auto& [column, mine] : r.loaded.evidence) {
        const auto theirs = base->loaded.evidence.find(column);
        if (theirs == base->loaded.evidence.end() || theirs->second <= 0) continue;
        const EvidenceSpec* spec = evidence_spec(column);
        if (spec == nullptr || spec->scheduler || std::max(mine, theirs->second) < kEvidenceFloor) continue;
        const double rel = (mine - theirs->second) / theirs->second;
        if (std::fabs(rel) >= most_moved) {
          most_moved = std::fabs(rel);
          cause.evidence = fmt::format("{} in {}: {} -> {} ({:+.0f}%)", spec->label, r.stage,
                                       count_text(theirs->second), count_text(mine), 100 * rel);
        }
      }
    }
    if (any_base) out.push_back(std::move(cause));
  }
  return out;
}

}  // namespace zkc::analysis
