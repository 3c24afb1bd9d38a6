// The hint for an unknown name (see did_you_mean.h).
#include "controller/cases/did_you_mean.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace closeprobe::controller {

std::string DidYouMean(const std::string& text, const std::vector<std::string>& names) {
  auto squash = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c != '_' && c != '-') out += absl::ascii_toupper(c);
    }
    return out;
  };
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = 3;  // more letters off than this is no suggestion
  for (const std::string& name : names) {
    const size_t d = distance(squash(text), squash(name));
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  if (!best.empty()) return absl::StrCat(" (did you mean ", best, "?)");
  return absl::StrCat(" (one of ", absl::StrJoin(names, ", "), ")");
}

}  // namespace closeprobe::controller
