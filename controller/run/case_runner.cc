#include "controller/run/case_runner.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include <fstream>

#include "controller/run/background_returns.h"
#include "controller/run/port_allocator.h"
#include "controller/run/step_executor.h"
#include "controller/run/step_executor_inject.h"
#include "controller/run/wire_attribution.h"

namespace closeprobe::controller {
namespace {

constexpr absl::Duration kDefaultCaseTimeout = absl::Seconds(60);
// The least lease of a session on an emulated host (a QEMU guest, a runsc
// sandbox under ptrace): its agent answers the controller's renewals slowly
// when the machine is busy, one session after another, and a lapsed lease
// ends the case as an error (a sandbox's session lapsed once during a 75 s
// wait in a four-column matrix on 2 cores). Such hosts die with the run.
constexpr absl::Duration kEmulatedHostLease = absl::Seconds(60);

// A step's failure as the case's author reads it: where the step is in the
// case file, its call, and the case's own names for the agent's handle ids
// (the agent knows "h1", the case calls it "lsn").
absl::Status StepFailure(const ResolvedStep& names, const v1::StepRecord& record,
                         const CaseContext& ctx, const std::string& role,
                         const absl::Status& failure) {
  std::string text(failure.message());
  for (const auto& [name, h] : ctx.Handles()) {
    if (h.role != role || h.agent_handle.empty()) continue;
    text = absl::StrReplaceAll(
        text, {{absl::StrCat("'", h.agent_handle, "'"), absl::StrCat("'", name, "'")}});
  }
  absl::Status told(failure.code(),
                    absl::StrCat(names.where.empty() ? "" : names.where + ": ", "step ",
                                 record.index() + 1, " (", record.call(), "): ", text));
  // What the failure is marked as (not observable) goes with its new words.
  failure.ForEachPayload(
      [&told](absl::string_view url, const absl::Cord& payload) { told.SetPayload(url, payload); });
  return told;
}

// Steps running alongside the foreground ones, each on a thread of its own.
class BackgroundSteps {
 public:
  ~BackgroundSteps() { JoinAll().IgnoreError(); }

  void Start(const v1::Step& step, const ResolvedStep& names, CaseContext& ctx,
             v1::StepRecord* record) {
    threads_.emplace_back([this, &step, &names, &ctx, record] {
      absl::Status s = ExecuteStep(step, names, ctx, record);
      if (s.ok()) return;
      absl::MutexLock lock(&mu_);
      if (first_error_.ok()) {
        first_error_ = StepFailure(names, *record, ctx, step.role(), s);
      }
    });
  }

  // Waits for every step started so far; the first failure, if any.
  absl::Status JoinAll() {
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    absl::MutexLock lock(&mu_);
    absl::Status s = first_error_;
    first_error_ = absl::OkStatus();
    return s;
  }

 private:
  std::vector<std::thread> threads_;
  absl::Mutex mu_;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
};

// Records why the run stops here: a missing feature (Unimplemented; a state
// the agent says its stack cannot show: IsNotObservable), a request the agent
// refused as the case made it (a case error validation could not see), or
// an agent fault; the judge makes the first two NOT_SUPPORTED and the
// others ERROR.
void Fail(v1::CaseResult* result, const absl::Status& why, const std::string& context = "") {
  switch (why.code()) {
    case absl::StatusCode::kUnimplemented:
      result->set_stop(IsNotObservable(why) ? v1::STOP_NOT_OBSERVABLE : v1::STOP_NOT_SUPPORTED);
      break;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: result->set_stop(v1::STOP_CASE_ERROR); break;
    default: result->set_stop(v1::STOP_AGENT_FAULT);
  }
  result->set_error(absl::StrCat(context, why.message()));
}

bool Stopped(const v1::CaseResult& r) { return r.stop() != v1::STOP_NONE; }

// Why a setting cannot be changed, from what the agent says of its stack.
// An agent that changes settings explains its own refusals. One that
// changes none would say how it could be started to; but when its stack
// does not even report the setting (lwIP's options are its own, not Linux's
// sysctls), no flag would help, and that is the reason.
absl::Status SettingRefused(const v1::InfoReply& info, const std::string& name,
                            const absl::Status& refusal) {
  const bool changes_settings = std::find(info.features().begin(), info.features().end(),
                                          "settings") != info.features().end();
  if (refusal.code() != absl::StatusCode::kUnimplemented || changes_settings ||
      info.settings().count(name) > 0) {
    return refusal;
  }
  std::vector<std::string> names;
  for (const auto& [setting, value] : info.settings()) names.push_back(setting);
  std::sort(names.begin(), names.end());
  return absl::UnimplementedError(absl::StrCat(info.platform(), " has no setting '", name,
                                               "' (its agent reports ", absl::StrJoin(names, ", "),
                                               ", and changes none)"));
}

absl::Status ApplySettings(const v1::Case& spec, CaseContext& ctx, v1::CaseResult* result) {
  for (const v1::RoleSetting& s : spec.settings()) {
    v1::SetSettingRequest req;
    req.set_name(s.name());
    req.set_value(s.value());
    AgentSession* session = ctx.roles.at(s.role()).session;
    auto r = session->Call(&v1::Agent::Stub::SetSetting, req, absl::Seconds(10));
    if (!r.ok()) return SettingRefused(session->client().info(), s.name(), r.status());
    result->add_settings(
        absl::StrCat(s.role(), ": ", s.name(), "=", s.value(), " (was ", r->previous(), ")"));
  }
  return absl::OkStatus();
}

// Which role sent a segment: each socket's (address, port), and addresses
// that only one role has.
WireRoles WireRolesOf(const CaseContext& ctx) {
  WireRoles w;
  std::map<std::string, int> holders;
  for (const auto& [role, r] : ctx.roles) ++holders[r.address];
  for (const auto& [role, r] : ctx.roles) {
    if (holders[r.address] == 1) w.by_address[r.address] = role;
  }
  for (const auto& [name, h] : ctx.Handles()) {
    if (h.port != 0) w.by_endpoint[{ctx.roles.at(h.role).address, h.port}] = h.role;
  }
  return w;
}

// How close together each `together` group's calls really started.
void RecordStartGroups(const CaseContext& ctx, v1::CaseResult* result) {
  std::vector<v1::StartGroup> groups;
  std::map<std::string, std::pair<int64_t, int64_t>> span;  // group -> earliest, latest
  for (const v1::StepRecord& s : result->steps()) {
    if (s.together().empty() || s.actual_start_ns() == 0) continue;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const v1::StartGroup& x) { return x.name() == s.together(); });
    if (g == groups.end()) {
      groups.emplace_back();
      g = groups.end() - 1;
      g->set_name(s.together());
      span[s.together()] = {s.actual_start_ns(), s.actual_start_ns()};
    }
    g->add_steps(s.index());
    auto& [earliest, latest] = span[s.together()];
    earliest = std::min(earliest, s.actual_start_ns());
    latest = std::max(latest, s.actual_start_ns());
    g->set_skew_ns(latest - earliest);
    g->set_latest_late_ns(
        std::max(g->latest_late_ns(), s.actual_start_ns() - s.requested_start_ns()));
    g->set_clock_uncertainty_ns(std::max(
        g->clock_uncertainty_ns(),
        ctx.roles.at(s.role()).session->client().clock().uncertainty_ns()));
  }
  for (v1::StartGroup& g : groups) *result->add_start_groups() = std::move(g);
}

// Stops the subject's capture and files its segments (and pcap) in the result.
void FinishCapture(AgentSession& session, const std::string& capture, const CaseContext& ctx,
                   const CaseRunOptions& options, v1::CaseResult* result) {
  v1::StopCaptureRequest req;
  req.set_capture(capture);
  req.set_want_pcap(!options.pcap_dir.empty());
  auto r = session.Call(&v1::Agent::Stub::StopCapture, req, absl::Seconds(10));
  if (!r.ok()) {
    // The capture ran and is lost (the agent died or went away): the case
    // cannot be judged, which is an error, not a platform without capture.
    if (!Stopped(*result)) Fail(result, r.status(), "stopping the capture: ");
    return;
  }
  result->set_captured(true);
  result->set_capture_dropped(r->dropped());
  AttributeSegments({r->segments().begin(), r->segments().end()}, WireRolesOf(ctx),
                    result->mutable_segments());
  MarkInjected(result->steps(), result->mutable_segments());
  if (options.pcap_dir.empty()) return;
  const std::string run = options.iteration > 0 ? absl::StrCat(".", options.iteration + 1) : "";
  // "case[a=x,b=y]" -> "case.a-x.b-y": no brackets or commas in file names.
  const std::string stem = absl::StrReplaceAll(
      result->case_name(), {{"[", "."}, {"]", ""}, {",", "."}, {"=", "-"}});
  const std::string name = absl::StrCat(stem, ".", result->platform(), run, ".pcap");
  std::ofstream out(absl::StrCat(options.pcap_dir, "/", name), std::ios::binary);
  out << r->pcap();
  if (out) result->set_pcap_file(absl::StrCat("pcap/", name));
}

}  // namespace

namespace {

// What a record says of the case and the column before anything runs.
v1::CaseResult NewResult(const LoadedCase& c, const PlatformAgents& agents) {
  const v1::Case& spec = c.spec;
  v1::CaseResult result;
  result.set_case_name(spec.name());
  result.set_claim(spec.claim());
  result.set_summary(spec.summary());
  result.set_platform(agents.name);
  result.set_file(c.file);
  result.set_base_case(c.base_name.empty() ? spec.name() : c.base_name);
  for (const auto& [param, value] : c.parameters) (*result.mutable_parameters())[param] = value;
  result.set_platform_version(agents.subject->info().stack_version());
  if (agents.name != agents.subject->info().platform()) {
    result.set_subject_platform(agents.subject->info().platform());
  }
  return result;
}

}  // namespace

v1::CaseResult NotRun(const LoadedCase& c, const PlatformAgents& agents, const absl::Status& why) {
  v1::CaseResult result = NewResult(c, agents);
  Fail(&result, why);
  return result;
}

v1::CaseResult RunCase(const LoadedCase& c, const PlatformAgents& agents,
                       const CaseRunOptions& options) {
  const v1::Case& spec = c.spec;
  const absl::Time start = absl::Now();
  v1::CaseResult result = NewResult(c, agents);

  CaseContext ctx;
  std::map<std::string, std::unique_ptr<AgentSession>> sessions;
  absl::StatusOr<std::map<std::string, uint32_t>> ports = AssignPorts(spec, options.first_port);
  ctx.first_port = options.first_port;
  ctx.last_port = options.first_port + kPortsPerCase - 1;
  ctx.subject = spec.subject();
  if (!ports.ok()) {
    Fail(&result, ports.status());
  } else {
    ctx.ports = *ports;
    for (const auto& [name, port] : ctx.ports) (*result.mutable_ports())[name] = port;
    absl::StatusOr<std::map<std::string, AgentClient*>> bound = BindRoles(spec, agents);
    if (!bound.ok()) Fail(&result, bound.status());
    for (const auto& [role, agent] : bound.ok() ? *bound : std::map<std::string, AgentClient*>{}) {
      (*result.mutable_role_platforms())[role] = agent->info().platform();
      absl::StatusOr<std::unique_ptr<AgentSession>> s = AgentSession::Open(
          agent, absl::StrCat("closeprobe ", spec.name(), " ", role),
          agents.emulation.empty() ? options.lease : std::max(options.lease, kEmulatedHostLease));
      if (!s.ok()) {
        Fail(&result, s.status(), absl::StrCat("role ", role, ": "));
        break;
      }
      ctx.roles[role] = RoleContext{s->get(), agent->info().test_address()};
      sessions[role] = std::move(*s);
    }
  }
  // A subject that cannot capture or drop itself (a sandbox) has the agent
  // on its wire do both; the subject's roles' drops go there.
  std::unique_ptr<AgentSession> wire;
  if (!Stopped(result) && agents.wire != nullptr) {
    absl::StatusOr<std::unique_ptr<AgentSession>> s = AgentSession::Open(
        agents.wire, absl::StrCat("closeprobe ", spec.name(), " wire"), options.lease);
    if (!s.ok()) Fail(&result, s.status(), "the wire: ");
    if (s.ok()) wire = std::move(*s);
    for (auto& [role, r] : ctx.roles) {
      if (wire != nullptr && &r.session->client() == agents.subject) r.faults = wire.get();
    }
  }

  if (!Stopped(result)) {
    absl::Status s = ApplySettings(spec, ctx, &result);
    if (!s.ok()) Fail(&result, s, "stack settings: ");
  }
  // The capture runs on the subject's host, where it sees both directions,
  // or on its wire.
  std::string capture;
  AgentSession* subject = Stopped(result) ? nullptr : ctx.roles.at(spec.subject()).session;
  if (subject != nullptr && wire != nullptr) subject = wire.get();
  if (subject != nullptr) {
    const auto& features = subject->client().info().features();
    if (std::find(features.begin(), features.end(), "capture") != features.end()) {
      v1::StartCaptureRequest req;
      req.set_first_port(ctx.first_port);
      req.set_last_port(ctx.last_port);
      auto r = subject->Call(&v1::Agent::Stub::StartCapture, req, absl::Seconds(10));
      // An agent that says it captures and then cannot is at fault: its
      // platform is not one without capture, and nothing of the wire is known.
      if (r.ok()) {
        capture = r->capture();
      } else {
        Fail(&result, r.status(), "starting the capture: ");
      }
    }
  }

  if (!Stopped(result)) {
    absl::Status s = StartInjectCaptures(spec, ctx);
    if (!s.ok()) Fail(&result, s);
  }
  const absl::Duration timeout =
      spec.timeout_ms() > 0 ? absl::Milliseconds(spec.timeout_ms()) : kDefaultCaseTimeout;
  BackgroundSteps background;
  for (int i = 0; i < static_cast<int>(c.steps.size()) && !Stopped(result); ++i) {
    if (absl::Now() - start > timeout) {
      Fail(&result, absl::DeadlineExceededError(absl::StrCat(
                        "the case ran longer than its timeout of ",
                        absl::FormatDuration(timeout), " (at step ", i + 1, ", ",
                        c.steps[i].names.where, ")")));
      break;
    }
    // Records are allocated here, in step order; a background step fills its
    // own record from its thread (RepeatedPtrField keeps elements in place).
    v1::StepRecord* record = result.add_steps();
    record->set_index(i);
    const v1::Step& step = c.steps[i].step;
    const ResolvedStep& names = c.steps[i].names;
    if (step.background()) {
      background.Start(step, names, ctx, record);
      continue;
    }
    absl::Status s = ExecuteStep(step, names, ctx, record);
    if (!s.ok()) {
      Fail(&result, StepFailure(names, *record, ctx, step.role(), s));
    } else if (step.action_case() == v1::Step::kJoin) {
      // A background step's failure already says which step it was.
      s = background.JoinAll();
      if (!s.ok()) Fail(&result, s);
    }
  }
  absl::Status pending = background.JoinAll();
  if (!pending.ok() && !Stopped(result)) Fail(&result, pending, "background step: ");
  std::vector<std::string> clock_of;
  for (const v1::StepRecord& step : result.steps()) {
    const auto role = ctx.roles.find(spec.step(step.index()).role());
    clock_of.push_back(role == ctx.roles.end() || role->second.session == nullptr
                           ? ""
                           : role->second.session->client().info().clock_domain());
  }
  MarkBackgroundReturns(spec, clock_of, result.mutable_steps());
  // A call the stack does not have makes the case not supported there.
  for (const v1::StepRecord& step : result.steps()) {
    if (!Stopped(result) && step.result().unsupported()) {
      Fail(&result,
           absl::UnimplementedError(absl::StrCat(
               step.role(), ": ", step.call(), " is not supported by this stack (",
               step.result().native_name(), ")")));
    }
  }
  RecordStartGroups(ctx, &result);
  StopInjectCaptures(ctx);
  if (!capture.empty()) FinishCapture(*subject, capture, ctx, options, &result);
  sessions.clear();  // closes the sessions: the agents close every socket left
  result.set_race(spec.race());
  result.set_min_matching_runs(spec.min_matching_runs());
  result.set_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  return result;
}

}  // namespace closeprobe::controller
