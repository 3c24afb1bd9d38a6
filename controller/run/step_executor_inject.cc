#include "controller/run/step_executor_inject.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace closeprobe::controller {
namespace {

std::string Offset(const char* field, v1::SequenceBase base, int64_t offset) {
  const std::string name =
      base == v1::SEQUENCE_BASE_UNSPECIFIED
          ? ""
          : absl::AsciiStrToLower(absl::StripPrefix(v1::SequenceBase_Name(base), "SEQUENCE_BASE_"));
  if (offset == 0 && name.empty()) return "";
  return absl::StrCat(", ", field, name.empty() ? "" : absl::StrCat(" ", name),
                      offset >= 0 ? "+" : "", offset);
}

v1::InjectRequest Request(const v1::InjectStep& s) {
  v1::InjectRequest req;
  req.set_flags(s.flags());
  req.mutable_seq()->set_base(s.seq_base());
  req.mutable_seq()->set_offset(s.seq_offset());
  req.mutable_ack()->set_base(s.ack_base());
  req.mutable_ack()->set_offset(s.ack_offset());
  if (s.has_window()) req.set_window(s.window());
  req.set_payload(s.payload());
  if (s.has_timestamp()) *req.mutable_timestamp() = s.timestamp();
  req.set_omit_timestamp(s.omit_timestamp());
  req.set_mss(s.mss());
  req.set_sack_permitted(s.sack_permitted());
  if (s.has_window_scale()) req.set_window_scale(s.window_scale());
  return req;
}

}  // namespace

absl::Status ExecuteInject(const v1::Step& step, CaseContext& ctx, v1::StepRecord* record) {
  const v1::InjectStep& s = step.inject();
  record->set_call(absl::StrCat(
      "inject(", s.on(), ", ", s.flags(), Offset("seq", s.seq_base(), s.seq_offset()),
      Offset("ack", s.ack_base(), s.ack_offset()),
      s.payload().empty() ? "" : absl::StrCat(", \"", absl::CEscape(s.payload()), "\""),
      ") as from ", step.role()));
  HandleBinding h;
  if (!ctx.FindHandle(s.on(), &h)) {
    record->set_skipped(true);
    record->set_skip_reason(absl::StrCat("handle '", s.on(), "' was not created"));
    return absl::OkStatus();
  }
  auto capture = ctx.inject_captures.find(step.role());
  if (capture == ctx.inject_captures.end()) {
    return absl::UnimplementedError(absl::StrCat(
        "the agent of '", step.role(), "' cannot inject segments (no \"inject\" feature: it "
        "needs root and --allow_faults on Linux, beside the subject on its link)"));
  }
  v1::InjectRequest req = Request(s);
  req.set_capture(capture->second);
  // The connection: the handle's own end is known by port, the other by address.
  req.mutable_from()->set_address(ctx.roles.at(step.role()).address);
  req.mutable_to()->set_address(ctx.roles.at(ctx.subject).address);
  (h.role == step.role() ? req.mutable_from() : req.mutable_to())->set_port(h.port);
  if (!s.from_port().empty()) req.mutable_from()->set_port(ctx.ports.at(s.from_port()));
  auto r = ctx.roles.at(step.role()).session->Call(&v1::Agent::Stub::Inject, req,
                                                    absl::Seconds(10));
  if (!r.ok()) return r.status();
  *record->mutable_injected() = *r;
  return absl::OkStatus();
}

absl::Status StartInjectCaptures(const v1::Case& spec, CaseContext& ctx) {
  for (const v1::Step& step : spec.step()) {
    if (step.action_case() != v1::Step::kInject || ctx.inject_captures.count(step.role()) > 0) {
      continue;
    }
    AgentSession* session = ctx.roles.at(step.role()).session;
    const auto& features = session->client().info().features();
    if (std::find(features.begin(), features.end(), "inject") == features.end()) continue;
    v1::StartCaptureRequest req;
    req.set_first_port(ctx.first_port);
    req.set_last_port(ctx.last_port);
    auto r = session->Call(&v1::Agent::Stub::StartCapture, req, absl::Seconds(10));
    if (!r.ok()) {
      return absl::Status(r.status().code(),
                          absl::StrCat("starting the capture of ", step.role(),
                                       "'s inject steps: ", r.status().message()));
    }
    ctx.inject_captures[step.role()] = r->capture();
  }
  return absl::OkStatus();
}

void StopInjectCaptures(CaseContext& ctx) {
  for (const auto& [role, capture] : ctx.inject_captures) {
    v1::StopCaptureRequest req;
    req.set_capture(capture);
    ctx.roles.at(role).session->Call(&v1::Agent::Stub::StopCapture, req, absl::Seconds(10))
        .IgnoreError();  // the session's end stops it in any event
  }
  ctx.inject_captures.clear();
}

void MarkInjected(const google::protobuf::RepeatedPtrField<v1::StepRecord>& steps,
                  google::protobuf::RepeatedPtrField<v1::WireSegment>* segments) {
  for (const v1::StepRecord& step : steps) {
    if (!step.has_injected()) continue;
    // A crafted retransmission looks exactly like the original: of the
    // identical segments, the one captured nearest the sending instant.
    const v1::Segment& sent = step.injected().segment();
    v1::WireSegment* nearest = nullptr;
    for (v1::WireSegment& w : *segments) {
      const v1::Segment& seen = w.raw();
      if (!w.injected() && seen.src().address() == sent.src().address() &&
          seen.src().port() == sent.src().port() && seen.dst().port() == sent.dst().port() &&
          seen.seq() == sent.seq() && seen.ack() == sent.ack() && seen.flags() == sent.flags() &&
          seen.length() == sent.length() &&
          (nearest == nullptr || std::llabs(seen.unix_ns() - sent.unix_ns()) <
                                     std::llabs(nearest->raw().unix_ns() - sent.unix_ns()))) {
        nearest = &w;
      }
    }
    if (nearest != nullptr) nearest->set_injected(true);
    // The crafted end is the step's role, also where its address alone
    // cannot tell (roles sharing one host) and a raw peer has no socket.
    for (v1::WireSegment& w : *segments) {
      const auto is_sent_from = [&](const v1::Endpoint& e) {
        return e.address() == sent.src().address() && e.port() == sent.src().port();
      };
      if (w.from_role().empty() && is_sent_from(w.raw().src())) w.set_from_role(step.role());
      if (w.to_role().empty() && is_sent_from(w.raw().dst())) w.set_to_role(step.role());
    }
  }
}

}  // namespace closeprobe::controller
