#include "agent/injection_resolver.h"

#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace closeprobe::agent {
namespace {

// What the capture has seen one end send since its last SYN.
struct EndSeen {
  Endpoint endpoint;
  bool seen = false;
  uint32_t next = 0;          // highest seq + length + SYN + FIN
  bool acked = false;         // it sent an ACK
  uint32_t last_ack = 0;
  uint32_t last_window = 0;   // raw window field of its latest segment
  bool last_was_syn = false;  // a SYN's window is never scaled
  int syn_window_scale = -1;  // the shift its SYN offered
  bool timestamps = false;
  uint32_t last_ts_value = 0;

  void Add(const CapturedSegment& s) {
    const bool syn = s.flags.find('S') != std::string::npos;
    if (syn) *this = EndSeen{endpoint};
    const uint32_t end = s.seq + s.length + (syn ? 1 : 0) +
                         (s.flags.find('F') != std::string::npos ? 1 : 0);
    if (!seen || static_cast<int32_t>(end - next) > 0) next = end;
    seen = true;
    if (s.flags.find('A') != std::string::npos) {
      acked = true;
      last_ack = s.ack;
    }
    last_window = s.window;
    last_was_syn = syn;
    if (syn) syn_window_scale = s.window_scale;
    if (s.has_timestamp) {
      timestamps = true;
      last_ts_value = s.ts_value;
    }
  }
};

std::string Text(const Endpoint& e) { return absl::StrCat(e.address, ":", e.port); }

bool Matches(const Endpoint& seen, const v1::Endpoint& wanted) {
  return seen.address == wanted.address() && (wanted.port() == 0 || seen.port == wanted.port());
}

absl::Status Missing(const std::string& what) {
  return absl::FailedPreconditionError(absl::StrCat("cannot resolve ", what));
}

// The sequence number a field names, and how it was found.
absl::StatusOr<uint32_t> Resolve(const v1::SequenceField& f, bool is_ack, const EndSeen& from,
                                 const EndSeen& to, std::string* how) {
  v1::SequenceBase base = f.base();
  if (base == v1::SEQUENCE_BASE_UNSPECIFIED) {
    base = is_ack ? v1::SEQUENCE_BASE_RECEIVER_NEXT : v1::SEQUENCE_BASE_SENDER_NEXT;
  }
  const char* field = is_ack ? "ack" : "seq";
  uint32_t value = 0;
  switch (base) {
    case v1::SEQUENCE_BASE_SENDER_NEXT:
      if (!from.seen) {
        return Missing(absl::StrCat(field, ": the capture has seen nothing from ",
                                    Text(from.endpoint)));
      }
      value = from.next;
      *how = absl::StrCat(field, " = ", Text(from.endpoint), " next ", value);
      break;
    case v1::SEQUENCE_BASE_RECEIVER_NEXT:
      if (!to.seen) {
        return Missing(absl::StrCat(field, ": the capture has seen nothing from ",
                                    Text(to.endpoint)));
      }
      value = to.next;
      *how = absl::StrCat(field, " = ", Text(to.endpoint), " next ", value);
      break;
    case v1::SEQUENCE_BASE_ZERO:
      *how = absl::StrCat(field, " = 0");
      break;
    case v1::SEQUENCE_BASE_RECEIVER_WINDOW_EDGE: {
      if (!to.acked) {
        return Missing(absl::StrCat(field, ": the capture has seen no ACK from ",
                                    Text(to.endpoint), ", so no window edge"));
      }
      // RFC 7323 2.2: the shift applies once both SYNs offered it.
      const bool scaled = !to.last_was_syn && to.syn_window_scale >= 0 &&
                          from.syn_window_scale >= 0;
      const uint32_t window = to.last_window << (scaled ? to.syn_window_scale : 0);
      value = to.last_ack + window;
      *how = absl::StrCat(field, " = ", Text(to.endpoint), " window edge ", to.last_ack, " + ",
                          window, " = ", value);
      break;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(field, ": unknown base ", base));
  }
  absl::StrAppend(how, f.offset() >= 0 ? " + " : " - ",
                  f.offset() >= 0 ? f.offset() : -f.offset());
  return static_cast<uint32_t>(value + static_cast<uint32_t>(f.offset()));
}

// The timestamps option, if the segment gets one.
absl::Status ResolveTimestamp(const v1::InjectRequest& req, const EndSeen& from,
                              const EndSeen& to, ResolvedInjection* out) {
  if (req.omit_timestamp()) return absl::OkStatus();
  TcpTimestampOption ts;
  if (req.has_timestamp()) {
    const v1::InjectTimestamp& t = req.timestamp();
    if (t.has_value()) {
      ts.value = t.value();
    } else if (!from.timestamps) {
      return Missing(absl::StrCat("TSval: no segment from ", Text(from.endpoint),
                                  " carried timestamps; give an absolute value"));
    } else {
      ts.value = from.last_ts_value + static_cast<uint32_t>(t.value_offset());
    }
    ts.echo = t.has_echo() ? t.echo() : (to.timestamps ? to.last_ts_value : 0);
  } else if (from.timestamps) {
    ts.value = from.last_ts_value + 1;  // as the sender's own next one could be
    ts.echo = to.timestamps ? to.last_ts_value : 0;
  } else {
    return absl::OkStatus();
  }
  out->fields.timestamp = ts;
  absl::StrAppend(&out->how, "; TSval ", ts.value, " TSecr ", ts.echo);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ResolvedInjection> ResolveInjection(const std::vector<CapturedSegment>& seen,
                                                   const v1::InjectRequest& req) {
  // The one connection between the two ends, and what each end sent on it.
  std::set<std::pair<std::string, std::string>> tuples;
  EndSeen from, to;
  for (const CapturedSegment& s : seen) {
    const bool forward = Matches(s.src, req.from()) && Matches(s.dst, req.to());
    const bool backward = Matches(s.src, req.to()) && Matches(s.dst, req.from());
    if (!forward && !backward) continue;
    const Endpoint& f = forward ? s.src : s.dst;
    const Endpoint& t = forward ? s.dst : s.src;
    tuples.insert({Text(f), Text(t)});
    from.endpoint = f;
    to.endpoint = t;
    (forward ? from : to).Add(s);
  }
  const std::string between =
      absl::StrCat(req.from().address(), ":", req.from().port() == 0 ? "*" : absl::StrCat(req.from().port()),
                   " and ", req.to().address(), ":", req.to().port() == 0 ? "*" : absl::StrCat(req.to().port()));
  const bool both_ports = req.from().port() != 0 && req.to().port() != 0;
  if (tuples.empty() && !both_ports) {
    return absl::FailedPreconditionError(
        absl::StrCat("the capture has seen no segment between ", between));
  }
  if (tuples.empty()) {  // a new connection: only numbers given outright resolve
    from.endpoint = Endpoint{req.from().address(), static_cast<uint16_t>(req.from().port())};
    to.endpoint = Endpoint{req.to().address(), static_cast<uint16_t>(req.to().port())};
  }
  if (tuples.size() > 1) {
    std::vector<std::string> list;
    for (const auto& [a, b] : tuples) list.push_back(absl::StrCat(a, "-", b));
    return absl::FailedPreconditionError(absl::StrCat(
        "the capture has seen ", tuples.size(), " connections between ", between, " (",
        absl::StrJoin(list, ", "), "): name the port of one"));
  }
  ResolvedInjection out;
  TcpSegmentFields& f = out.fields;
  f.src_address = from.endpoint.address;
  f.src_port = from.endpoint.port;
  f.dst_address = to.endpoint.address;
  f.dst_port = to.endpoint.port;
  f.flags = req.flags();
  f.payload = req.payload();
  absl::StatusOr<uint32_t> seq = Resolve(req.seq(), false, from, to, &out.how);
  if (!seq.ok()) return seq.status();
  f.seq = *seq;
  if (req.flags().find('A') != std::string::npos) {
    std::string how;
    absl::StatusOr<uint32_t> ack = Resolve(req.ack(), true, from, to, &how);
    if (!ack.ok()) return ack.status();
    f.ack = *ack;
    absl::StrAppend(&out.how, "; ", how);
  }
  if (req.has_window()) {
    if (req.window() > 0xffff) return absl::InvalidArgumentError("window must be 0..65535");
    f.window = static_cast<uint16_t>(req.window());
  } else if (from.seen) {
    f.window = static_cast<uint16_t>(from.last_window);
    absl::StrAppend(&out.how, "; window ", f.window, " (the sender's last)");
  } else {
    return Missing(absl::StrCat("window: nothing seen from ", Text(from.endpoint),
                                "; give the window"));
  }
  if (req.mss() > 0xffff) return absl::InvalidArgumentError("mss must be 0..65535");
  if (req.mss() > 0) f.mss = static_cast<uint16_t>(req.mss());
  if (req.has_window_scale()) {
    if (req.window_scale() > 14) return absl::InvalidArgumentError("window_scale must be 0..14");
    f.window_scale = static_cast<uint8_t>(req.window_scale());
  }
  f.sack_permitted = req.sack_permitted();
  absl::Status ts = ResolveTimestamp(req, from, to, &out);
  if (!ts.ok()) return ts;
  return out;
}

}  // namespace closeprobe::agent
