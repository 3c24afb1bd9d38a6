#include "agent/target_allow_list.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace closeprobe::agent {

absl::StatusOr<TargetAllowList> TargetAllowList::Parse(
    const std::string& list) {
  TargetAllowList out;
  out.any_ = false;
  for (absl::string_view entry :
       absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry == "any") {
      out.any_ = true;
      continue;
    }
    Network n;
    n.text = std::string(entry);
    const size_t slash = entry.find('/');
    const std::string address(entry.substr(0, slash));
    if (!ParseIpAddress(address, &n.base)) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", entry, "' is not an address or network"));
    }
    const int bits = n.base.v6 ? 128 : 32;
    n.prefix = bits;
    if (slash != absl::string_view::npos &&
        (!absl::SimpleAtoi(entry.substr(slash + 1), &n.prefix) ||
         n.prefix < 0 || n.prefix > bits)) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", entry, "': bad prefix length"));
    }
    out.networks_.push_back(n);
  }
  if (!out.any_ && out.networks_.empty()) {
    return absl::InvalidArgumentError("the allow-list names no network");
  }
  return out;
}

bool TargetAllowList::Allows(const std::string& address) const {
  if (any_) return true;
  IpAddress a;
  if (!ParseIpAddress(address, &a)) return false;
  for (const Network& n : networks_) {
    if (n.base.v6 != a.v6) continue;
    bool in = true;
    for (int bit = 0; bit < n.prefix && in; ++bit) {
      const uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
      in = (a.bytes[bit / 8] & mask) == (n.base.bytes[bit / 8] & mask);
    }
    if (in) return true;
  }
  return false;
}

std::string TargetAllowList::ToString() const {
  if (any_) return "any";
  std::vector<std::string> texts;
  for (const Network& n : networks_) texts.push_back(n.text);
  return absl::StrJoin(texts, ",");
}

}  // namespace closeprobe::agent
