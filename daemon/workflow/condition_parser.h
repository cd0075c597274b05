// Parses condition text ("mis_surveyed <= mis_checked", "level in [C, D]",
// "not control_active") against the fields it may read. Internal to the
// loader and its tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "workflow/fields.h"

namespace duban::workflow {

struct ConditionError {
  std::string message;  // "unknown field 'mis_surveyd'"
  std::string hint;     // "did you mean 'mis_surveyed'?"
};

// Returns the condition, or nullopt with `*error` set. Comparisons must be
// between values of one type; `<`-style operators need ints or dates; enum
// literals must be values of the enum.
std::optional<Condition> ParseCondition(std::string_view text,
                                        const FieldSet& fields,
                                        ConditionError* error);

// A literal written in a campaign (`sets:` values, condition operands) as the
// FieldValue a field of `spec`'s type holds; nullopt with `*error` if it does
// not fit.
std::optional<FieldValue> LiteralFor(const FieldSpec& spec,
                                     std::string_view text,
                                     ConditionError* error);

}  // namespace duban::workflow
