#include "agent/proto_convert.h"

#include <algorithm>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace closeprobe::agent {
namespace {

bool IsIpv4Text(const std::string& a) {
  std::vector<std::string> parts = absl::StrSplit(a, '.');
  if (parts.size() != 4) return false;
  for (const std::string& p : parts) {
    int v;
    if (p.empty() || p.size() > 3 || !absl::SimpleAtoi(p, &v) || v < 0 || v > 255) {
      return false;
    }
  }
  return true;
}

bool IsIpv6Text(const std::string& a) {
  if (a.find(':') == std::string::npos) return false;
  for (char c : a) {
    if (!(absl::ascii_isxdigit(c) || c == ':' || c == '.')) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Endpoint> EndpointFromProto(const v1::Endpoint& e) {
  if (e.port() > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", e.port(), " is above 65535"));
  }
  if (!e.address().empty() && !IsIpv4Text(e.address()) && !IsIpv6Text(e.address())) {
    return absl::InvalidArgumentError(
        absl::StrCat("address '", e.address(), "' is not a numeric IPv4 or IPv6 address"));
  }
  return Endpoint{e.address(), static_cast<uint16_t>(e.port())};
}

void EndpointToProto(const Endpoint& e, v1::Endpoint* out) {
  out->set_address(e.address);
  out->set_port(e.port);
}

absl::StatusOr<SocketOption> OptionFromProto(v1::SocketOption option) {
  switch (option) {
    case v1::SOCKET_OPTION_SO_LINGER: return SocketOption::kLinger;
    case v1::SOCKET_OPTION_SO_REUSEADDR: return SocketOption::kReuseAddr;
    case v1::SOCKET_OPTION_SO_REUSEPORT: return SocketOption::kReusePort;
    case v1::SOCKET_OPTION_SO_EXCLUSIVEADDRUSE: return SocketOption::kExclusiveAddrUse;
    case v1::SOCKET_OPTION_SO_KEEPALIVE: return SocketOption::kKeepAlive;
    case v1::SOCKET_OPTION_TCP_KEEPIDLE: return SocketOption::kKeepIdle;
    case v1::SOCKET_OPTION_TCP_KEEPINTVL: return SocketOption::kKeepIntvl;
    case v1::SOCKET_OPTION_TCP_KEEPCNT: return SocketOption::kKeepCnt;
    case v1::SOCKET_OPTION_TCP_USER_TIMEOUT: return SocketOption::kUserTimeout;
    case v1::SOCKET_OPTION_SO_SNDBUF: return SocketOption::kSndBuf;
    case v1::SOCKET_OPTION_SO_RCVBUF: return SocketOption::kRcvBuf;
    case v1::SOCKET_OPTION_TCP_NODELAY: return SocketOption::kNoDelay;
    case v1::SOCKET_OPTION_SO_ERROR: return SocketOption::kError;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown socket option ", static_cast<int>(option)));
  }
}

absl::StatusOr<OptionValue> OptionValueFromProto(SocketOption option,
                                                 const v1::OptionValue& v) {
  OptionValue out;
  out.enabled = v.enabled();
  out.value = v.value();
  out.linger_on = v.linger().enabled();
  out.linger_seconds = v.linger().seconds();
  if (option == SocketOption::kLinger &&
      (out.linger_seconds < 0 || out.linger_seconds > kMaxLingerSeconds)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linger.seconds must be 0..", kMaxLingerSeconds, ", got ", out.linger_seconds));
  }
  if (option == SocketOption::kError) {
    return absl::InvalidArgumentError("SO_ERROR is read-only");
  }
  if (out.value < 0 || out.value > INT32_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("option value must be 0..", INT32_MAX, ", got ", out.value));
  }
  return out;
}

void OptionValueToProto(SocketOption option, const OptionValue& v, v1::OptionValue* out) {
  if (option == SocketOption::kLinger) {
    out->mutable_linger()->set_enabled(v.linger_on);
    out->mutable_linger()->set_seconds(v.linger_seconds);
    return;
  }
  out->set_enabled(v.enabled);
  out->set_value(v.value);
}

absl::StatusOr<ShutdownHow> ShutdownFromProto(v1::ShutdownHow how) {
  switch (how) {
    case v1::SHUTDOWN_HOW_READ: return ShutdownHow::kRead;
    case v1::SHUTDOWN_HOW_WRITE: return ShutdownHow::kWrite;
    case v1::SHUTDOWN_HOW_BOTH: return ShutdownHow::kBoth;
    default:
      return absl::InvalidArgumentError("shutdown needs how = READ, WRITE or BOTH");
  }
}

absl::StatusOr<PollEvents> PollEventsFromProto(
    const google::protobuf::RepeatedField<int>& events) {
  PollEvents wanted;
  for (int e : events) {
    switch (e) {
      case v1::POLL_EVENT_IN: wanted.in = true; break;
      case v1::POLL_EVENT_OUT: wanted.out = true; break;
      case v1::POLL_EVENT_RDHUP: wanted.read_hangup = true; break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "a poll waits for POLL_EVENT_IN, POLL_EVENT_OUT or POLL_EVENT_RDHUP, not ",
            v1::PollEvent_IsValid(e) ? v1::PollEvent_Name(static_cast<v1::PollEvent>(e))
                                     : absl::StrCat(e),
            " (HUP, ERR and NVAL are always reported)"));
    }
  }
  if (!wanted.in && !wanted.out && !wanted.read_hangup) {
    return absl::InvalidArgumentError("a poll needs at least one event to wait for");
  }
  return wanted;
}

void PollEventsToProto(const PollEvents& fired, google::protobuf::RepeatedField<int>* out) {
  const std::pair<bool, v1::PollEvent> events[] = {
      {fired.in, v1::POLL_EVENT_IN},         {fired.out, v1::POLL_EVENT_OUT},
      {fired.read_hangup, v1::POLL_EVENT_RDHUP}, {fired.hangup, v1::POLL_EVENT_HUP},
      {fired.error, v1::POLL_EVENT_ERR},     {fired.invalid, v1::POLL_EVENT_NVAL}};
  for (const auto& [on, event] : events) {
    if (on) out->Add(event);
  }
}

absl::StatusOr<absl::Duration> DeadlineFromProto(int32_t ms,
                                                 absl::Duration fallback,
                                                 absl::Duration limit) {
  if (ms < 0) {
    return absl::InvalidArgumentError(absl::StrCat("deadline_ms is negative: ", ms));
  }
  // No deadline asked for: the default, within the limit.
  const absl::Duration d = ms == 0 ? std::min(fallback, limit) : absl::Milliseconds(ms);
  if (d > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("deadline_ms ", ms, " exceeds the agent's limit of ",
                     absl::ToInt64Milliseconds(limit), " (--max_deadline_ms)"));
  }
  return d;
}

void CallResultToProto(const CallResult& r, ErrorNameTable names,
                       v1::CallResult* out) {
  out->set_return_value(r.ret);
  if (r.timed_out) {
    out->set_error(v1::ERROR_NAME_TIMEOUT);
    out->set_native_name("agent deadline passed");
  } else {
    const ErrorInfo e = names(r.native_error);
    out->set_error(e.name);
    out->set_native_name(e.native_name);
    out->set_native_code(e.native_code);
  }
  out->set_duration_ns(r.end_mono_ns - r.start_mono_ns);
  out->set_start_mono_ns(r.start_mono_ns);
  out->set_end_mono_ns(r.end_mono_ns);
  out->set_start_unix_ns(r.start_unix_ns);
  out->set_requested_start_mono_ns(r.requested_start_mono_ns);
  out->set_unsupported(r.unsupported);
  out->set_sigpipe_raised(r.sigpipe_raised);
}

void ConnectionToProto(const ConnectionInfo& c, v1::Connection* out) {
  EndpointToProto(c.local, out->mutable_local());
  EndpointToProto(c.remote, out->mutable_remote());
  out->set_state(c.state);
  out->set_timer_remaining_ms(c.timer_remaining_ms);
  out->set_retransmits(c.retransmits);
  out->set_orphaned(c.orphaned);
}

void DescriptionToProto(const PlatformDescription& d, v1::InfoReply* out) {
  out->set_platform(d.platform);
  out->set_os(d.os);
  out->set_stack_version(d.stack_version);
  out->set_hostname(d.hostname);
  for (const auto& [k, v] : d.settings) (*out->mutable_settings())[k] = v;
  for (const auto& f : d.features) out->add_features(f);
}

}  // namespace closeprobe::agent

namespace closeprobe::agent {

void SegmentToProto(const CapturedSegment& s, v1::Segment* out) {
  out->set_unix_ns(s.unix_ns);
  EndpointToProto(s.src, out->mutable_src());
  EndpointToProto(s.dst, out->mutable_dst());
  out->set_flags(s.flags);
  out->set_seq(s.seq);
  out->set_ack(s.ack);
  out->set_length(s.length);
  out->set_window(s.window);
}

absl::Status CheckPortRange(uint32_t first, uint32_t last) {
  if (first == 0 || last < first || last > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port range ", first, "-", last, " must satisfy 1 <= first <= last <= 65535"));
  }
  return absl::OkStatus();
}

absl::StatusOr<FaultRule> FaultRuleFromProto(const v1::AddFaultRequest& req) {
  absl::Status ports = CheckPortRange(req.first_port(), req.last_port());
  if (!ports.ok()) return ports;
  if (req.peer_address().empty()) return absl::InvalidArgumentError("a fault needs peer_address");
  v1::Endpoint e;
  e.set_address(req.peer_address());
  absl::StatusOr<Endpoint> peer = EndpointFromProto(e);
  if (!peer.ok()) return peer.status();
  FaultRule rule;
  rule.peer_address = req.peer_address();
  rule.first_port = static_cast<uint16_t>(req.first_port());
  rule.last_port = static_cast<uint16_t>(req.last_port());
  switch (req.direction()) {
    case v1::FAULT_DIRECTION_OUTGOING: rule.direction = FaultDirection::kOutgoing; break;
    case v1::FAULT_DIRECTION_INCOMING: rule.direction = FaultDirection::kIncoming; break;
    default: rule.direction = FaultDirection::kBoth; break;
  }
  rule.exact_flags = req.exact_flags();
  return rule;
}

}  // namespace closeprobe::agent
