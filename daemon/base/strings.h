// Small string helpers shared by the loaders. Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duban {

// Levenshtein distance over bytes.
int EditDistance(std::string_view a, std::string_view b);

// Returns "did you mean 'x'?" for the candidate closest to `word` when it is
// close enough to be a plausible typo, else "".
std::string DidYouMean(std::string_view word,
                       const std::vector<std::string>& candidates);

std::vector<std::string> Split(std::string_view s, char sep);
std::string_view Trim(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);

}  // namespace duban
