#include "controller/case_runner.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "controller/expectation_matcher.h"
#include "controller/port_allocator.h"
#include "controller/step_executor.h"

namespace closeprobe::controller {
namespace {

constexpr absl::Duration kDefaultCaseTimeout = absl::Seconds(60);

void Fail(v1::CaseResult* result, const std::string& why) {
  result->set_verdict(v1::ERROR);
  result->set_error(why);
}

}  // namespace

v1::CaseResult RunCase(const LoadedCase& c, const PlatformAgents& agents,
                       const CaseRunOptions& options) {
  const v1::Case& spec = c.spec;
  const absl::Time start = absl::Now();
  v1::CaseResult result;
  result.set_case_name(spec.name());
  result.set_claim(spec.claim());
  result.set_summary(spec.summary());
  result.set_platform(agents.name);
  result.set_file(c.file);

  CaseContext ctx;
  std::map<std::string, std::unique_ptr<AgentSession>> sessions;
  absl::StatusOr<std::map<std::string, uint32_t>> ports = AssignPorts(spec, options.first_port);
  if (!ports.ok()) {
    Fail(&result, std::string(ports.status().message()));
  } else {
    ctx.ports = *ports;
    for (const auto& [name, port] : ctx.ports) (*result.mutable_ports())[name] = port;
    for (const auto& [role, agent] : BindRoles(spec, agents)) {
      (*result.mutable_role_platforms())[role] = agent->info().platform();
      absl::StatusOr<std::unique_ptr<AgentSession>> s = AgentSession::Open(
          agent, absl::StrCat("closeprobe ", spec.name(), " ", role), options.lease);
      if (!s.ok()) {
        Fail(&result, absl::StrCat("role ", role, ": ", s.status().message()));
        break;
      }
      ctx.roles[role] = RoleContext{s->get(), agent->info().test_address()};
      sessions[role] = std::move(*s);
    }
  }

  const absl::Duration timeout =
      spec.timeout_ms() > 0 ? absl::Milliseconds(spec.timeout_ms()) : kDefaultCaseTimeout;
  for (int i = 0; i < spec.step_size() && result.verdict() != v1::ERROR; ++i) {
    if (absl::Now() - start > timeout) {
      Fail(&result, absl::StrCat("the case ran longer than its timeout of ",
                                 absl::FormatDuration(timeout), " (at step ", i, ")"));
      break;
    }
    v1::StepRecord* record = result.add_steps();
    record->set_index(i);
    absl::Status s = ExecuteStep(spec.step(i), ctx, record);
    if (!s.ok()) Fail(&result, absl::StrCat("step ", i, " (", record->call(), "): ", s.message()));
  }
  sessions.clear();  // closes the sessions: the agents close every socket left
  MatchExpectations(spec, agents.name, &result);
  result.set_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  return result;
}

}  // namespace closeprobe::controller
