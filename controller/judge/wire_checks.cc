#include "controller/judge/wire_checks.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace closeprobe::controller {
namespace {

bool HasAll(const std::string& flags, const std::string& wanted) {
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](char c) { return flags.find(c) != std::string::npos; });
}
bool HasNone(const std::string& flags, const std::string& unwanted) {
  return std::none_of(unwanted.begin(), unwanted.end(),
                      [&](char c) { return flags.find(c) != std::string::npos; });
}

// The segments the check is about, in order; with `after`, only those that
// follow the first segment matching it (none if there is no such segment).
std::vector<const v1::WireSegment*> Matching(
    const v1::WireCheck& check, const google::protobuf::RepeatedPtrField<v1::WireSegment>& all) {
  int from = 0;
  if (check.has_after()) {
    const std::vector<const v1::WireSegment*> anchor = Matching(check.after(), all);
    if (anchor.empty()) return {};
    while (&all.Get(from) != anchor.front()) ++from;
    ++from;
  }
  std::vector<const v1::WireSegment*> out;
  for (int i = from; i < all.size(); ++i) {
    const v1::WireSegment& s = all.Get(i);
    if (s.from_role() == check.from() && HasAll(s.flags(), check.flags()) &&
        HasNone(s.flags(), check.not_flags()) &&
        (!check.has_injected() || check.injected() == s.injected())) {
      out.push_back(&s);
    }
  }
  return out;
}

std::string Brief(const v1::WireSegment& s) {
  return absl::StrFormat("%s seq=%u ack=%u len=%u @%.1fms", s.flags(), s.rel_seq(), s.rel_ack(),
                         s.length(), s.t_ms());
}

// The FIN the other side sent on the same connection before `s`, if any.
const v1::WireSegment* PeerFinBefore(
    const v1::WireSegment& s, const google::protobuf::RepeatedPtrField<v1::WireSegment>& all) {
  const v1::WireSegment* fin = nullptr;
  for (const auto& o : all) {
    if (&o == &s) break;
    if (o.raw().src().port() == s.raw().dst().port() &&
        o.raw().dst().port() == s.raw().src().port() &&
        o.raw().src().address() == s.raw().dst().address() &&
        o.flags().find('F') != std::string::npos) {
      fin = &o;
    }
  }
  return fin;
}

// Whether `n` such segments satisfy the check's count (x1, x>=2, x<=0; none
// given: at least one).
bool CountHolds(const v1::WireCheck& check, int n) {
  if (check.has_count() && n != check.count()) return false;
  if (check.has_min_count() && n < check.min_count()) return false;
  if (check.has_max_count() && n > check.max_count()) return false;
  return check.has_count() || check.has_min_count() || check.has_max_count() || n > 0;
}

}  // namespace

int CountSent(const v1::WireCheck& check,
              const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments) {
  return static_cast<int>(Matching(check, segments).size());
}

int CountUnattributed(const v1::WireCheck& check,
                      const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments) {
  v1::WireCheck unknown = check;
  unknown.set_from("");
  return CountSent(unknown, segments);
}

bool CountUndecided(const v1::WireCheck& check, int counted, int unattributed) {
  // The counts that hold make one range, so checking each is enough.
  for (int n = counted + 1; n <= counted + unattributed; ++n) {
    if (CountHolds(check, n) != CountHolds(check, counted)) return true;
  }
  return false;
}

int SegmentsLeavingItUnknown(const v1::WireCheck& check,
                             const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments) {
  const int unattributed = CountUnattributed(check, segments);
  if (CountUndecided(check, CountSent(check, segments), unattributed)) return unattributed;
  // The first such segment decides these, and one no role was assigned to
  // may have come first.
  if ((check.acks_peer_fin() || check.before_peer_fin()) && unattributed > 0) return unattributed;
  return check.has_after() ? CountUnattributed(check.after(), segments) : 0;
}

std::string DescribeWireCheck(const v1::WireCheck& c) {
  std::string text = absl::StrCat(c.from(), " sends ", c.flags().empty() ? "any" : c.flags());
  if (!c.not_flags().empty()) absl::StrAppend(&text, " without ", c.not_flags());
  if (c.has_injected()) absl::StrAppend(&text, c.injected() ? " (injected)" : " (not injected)");
  if (c.has_count()) absl::StrAppend(&text, " x", c.count());
  if (c.has_min_count()) absl::StrAppend(&text, " x>=", c.min_count());
  if (c.has_max_count()) absl::StrAppend(&text, " x<=", c.max_count());
  if (!c.has_count() && !c.has_min_count() && !c.has_max_count()) absl::StrAppend(&text, " x>=1");
  if (c.acks_peer_fin()) absl::StrAppend(&text, " acking the peer's FIN+1");
  if (c.before_peer_fin()) absl::StrAppend(&text, " before the peer's FIN arrived");
  if (c.has_after()) absl::StrAppend(&text, " after (", DescribeWireCheck(c.after()), ")");
  return text;
}

bool WireHolds(const v1::WireCheck& check,
               const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments,
               std::string* observed) {
  const std::vector<const v1::WireSegment*> found = Matching(check, segments);
  std::vector<std::string> shown;
  for (size_t i = 0; i < found.size() && i < 4; ++i) shown.push_back(Brief(*found[i]));
  *observed = absl::StrCat(check.from(), " sent ", found.size(), " such segment(s)",
                           shown.empty() ? "" : ": ", absl::StrJoin(shown, "; "),
                           found.size() > 4 ? "; ..." : "", " (", segments.size(),
                           " captured)");
  if (!CountHolds(check, static_cast<int>(found.size()))) return false;
  if (check.acks_peer_fin()) {
    if (found.empty()) return false;
    const v1::WireSegment* fin = PeerFinBefore(*found.front(), segments);
    if (fin == nullptr) {
      absl::StrAppend(observed, "; no FIN from the peer before it");
      return false;
    }
    const uint32_t want = fin->raw().seq() + fin->length() + 1;
    absl::StrAppend(observed, absl::StrFormat("; peer FIN seq=%u len=%u, ack=%u (FIN+1 = %u)",
                                              fin->rel_seq(), fin->length(),
                                              found.front()->rel_ack(), fin->rel_seq() + fin->length() + 1));
    if (found.front()->raw().ack() != want) return false;
  }
  if (check.before_peer_fin()) {
    if (found.empty()) return false;
    const v1::WireSegment* fin = PeerFinBefore(*found.front(), segments);
    if (fin == nullptr) {
      absl::StrAppend(observed, "; no FIN from the peer before it");
    } else {
      // Sequence arithmetic (RFC 793): it acknowledges the FIN when its ack
      // is at or past FIN + payload + 1.
      const uint32_t fin_end = fin->raw().seq() + fin->length() + 1;
      const bool acked = static_cast<int32_t>(found.front()->raw().ack() - fin_end) >= 0;
      absl::StrAppend(observed, absl::StrFormat("; peer FIN seq=%u before it, ack=%u (%s it)",
                                                fin->rel_seq(), found.front()->rel_ack(),
                                                acked ? "acknowledges" : "does not acknowledge"));
      if (acked) return false;
    }
  }
  if (check.has_after() && Matching(check.after(), segments).empty()) {
    absl::StrAppend(observed, "; never saw ", DescribeWireCheck(check.after()));
    return false;
  }
  return true;
}

}  // namespace closeprobe::controller
