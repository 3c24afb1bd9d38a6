#include "controller/run/wire_attribution.h"

#include "absl/strings/str_cat.h"

namespace closeprobe::controller {
namespace {

std::string RoleOf(const v1::Endpoint& e, const WireRoles& roles) {
  auto it = roles.by_endpoint.find({e.address(), e.port()});
  if (it != roles.by_endpoint.end()) return it->second;
  auto a = roles.by_address.find(e.address());
  return a != roles.by_address.end() ? a->second : "";
}

std::string Direction(const v1::Endpoint& from, const v1::Endpoint& to) {
  return absl::StrCat(from.address(), ":", from.port(), ">", to.address(), ":", to.port());
}

}  // namespace

void AttributeSegments(const std::vector<v1::Segment>& captured, const WireRoles& roles,
                       google::protobuf::RepeatedPtrField<v1::WireSegment>* out) {
  // Direction -> the initial sequence number of its current connection: a
  // SYN starts a new one (a reconnect on the same ports), so numbers stay
  // relative to their own connection and never wrap.
  std::map<std::string, uint32_t> base;
  const int64_t t0 = captured.empty() ? 0 : captured.front().unix_ns();
  for (const v1::Segment& s : captured) {
    const std::string dir = Direction(s.src(), s.dst());
    if (s.flags().find('S') != std::string::npos || base.count(dir) == 0) base[dir] = s.seq();
    v1::WireSegment* w = out->Add();
    w->set_t_ms((s.unix_ns() - t0) / 1e6);
    w->set_from_role(RoleOf(s.src(), roles));
    w->set_to_role(RoleOf(s.dst(), roles));
    w->set_flags(s.flags());
    w->set_rel_seq(s.seq() - base[Direction(s.src(), s.dst())]);
    auto reverse = base.find(Direction(s.dst(), s.src()));
    const bool acks = s.flags().find('A') != std::string::npos;
    w->set_rel_ack(acks && reverse != base.end() ? s.ack() - reverse->second : 0);
    w->set_length(s.length());
    w->set_window(s.window());
    *w->mutable_raw() = s;
  }
}

}  // namespace closeprobe::controller
