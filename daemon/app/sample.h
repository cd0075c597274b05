// Publishing a spot-check draw (issue 8): the draw's record goes to the audit
// log, and every drawn house becomes an inspection item assigned to its
// group's agency. Shared by `duban sample` and the tests, which run it on a
// virtual clock. Single-threaded (the engine's thread).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "engine/engine.h"
#include "sampling/sampling.h"
#include "store/store.h"
#include "workflow/spec.h"

namespace duban::app {

// The register of the houses in the database, as sampling reads a CSV: one
// row per house with a hazard, its village's division code (or the nearest
// ancestor's) and its town's name, in house id order. Its SHA-256 is that of
// this text, so a draw from the database is reproducible from the same
// export.
std::string RegisterCsvFromStore(const std::vector<model::House>& houses,
                                 const engine::Directory& dir);

// The directory unit each plan unit stands for: the unit id for `unit:`
// entries, else the unit whose division code matches `code` (trailing zero
// levels ignored). kInvalidArgument naming every plan unit not in the
// directory.
Result<std::vector<std::string>> PlanOwners(const workflow::SamplingPlan& plan,
                                            const engine::Directory& dir);

// Division codes of plan units given by id, for DrawOptions::unit_codes.
std::map<std::string, std::string> UnitCodes(const workflow::SamplingPlan& plan,
                                             const engine::Directory& dir);

// The agency-linked kinds other than the sampled one (county evaluations):
// PublishDraw creates one of each per plan unit.
std::vector<const workflow::ItemKind*> PerUnitKinds(const workflow::WorkflowSpec& spec);

struct Published {
  int houses = 0;       // inspection items created
  int evaluations = 0;  // per-county evaluation items created
};

// Writes the draw: first the audit record "sample.draw" (campaign, register
// file and SHA-256, the draw), then one item of the campaign's sampled kind
// per house (key "<campaign>/<kind>/<house id>", owner the plan unit's
// directory unit, linked to the group's agency) and one item of each other
// agency-linked kind per plan unit. Publishing the same draw again creates
// only what is missing (a run cut short); another draw for a campaign that
// has one is kConflict. `progress` (may be empty) is told after each item.
Result<Published> PublishDraw(engine::Engine& engine, store::Store& store,
                              const workflow::WorkflowSpec& spec, const sampling::Draw& draw,
                              const std::vector<std::string>& owners,
                              const std::string& register_file, SystemTime now,
                              const std::function<void(int done, int total)>& progress);

// The recorded draw of `campaign` (the payload of its "sample.draw" audit
// record), or kNotFound.
Result<nlohmann::json> RecordedDraw(store::Store& store, const std::string& campaign);

}  // namespace duban::app
