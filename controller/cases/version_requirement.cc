#include "controller/cases/version_requirement.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace closeprobe::controller {

absl::StatusOr<VersionRequirement> ParseVersionRequirement(const std::string& text) {
  VersionRequirement r;
  std::string rest(absl::StripAsciiWhitespace(text));
  for (const char* op : {">=", "<=", "==", "!=", ">", "<"}) {
    if (absl::StartsWith(rest, op)) {
      r.op = op;
      rest = std::string(absl::StripAsciiWhitespace(rest.substr(strlen(op))));
      break;
    }
  }
  if (r.op.empty() || rest.empty() || !absl::ascii_isdigit(rest[0])) {
    return absl::InvalidArgumentError(absl::StrCat(
        "platform_version '", text, "' is not OP VERSION (OP: >= > <= < == !=), e.g. '>= 6.1'"));
  }
  r.version = rest;
  return r;
}

bool VersionSatisfies(const std::string& version, const VersionRequirement& r) {
  // Numbers part by part: "6.1.0-31-amd64" is 6, 1, 0, 31.
  auto numbers = [](const std::string& v) {
    std::vector<long> out;
    for (absl::string_view part : absl::StrSplit(v, absl::ByAnyChar(".-+~_"))) {
      long n = 0;
      if (!absl::SimpleAtoi(part, &n)) break;
      out.push_back(n);
    }
    return out;
  };
  std::vector<long> have = numbers(version);
  std::vector<long> want = numbers(r.version);
  if (have.empty()) return false;
  have.resize(std::max(have.size(), want.size()));
  want.resize(have.size());
  const int cmp = have < want ? -1 : have > want ? 1 : 0;
  if (r.op == ">=") return cmp >= 0;
  if (r.op == ">") return cmp > 0;
  if (r.op == "<=") return cmp <= 0;
  if (r.op == "<") return cmp < 0;
  if (r.op == "==") return cmp == 0;
  return cmp != 0;
}

}  // namespace closeprobe::controller
