// CaseRunner: runs one case on one platform column: binds roles to agents,
// opens a session per role, assigns the case's ports, applies its stack
// settings, captures the wire on the subject's host while it performs the
// steps in order, and records every observation. It judges nothing: the
// record goes to judge/ (expectation_matcher.h, verdicts.h).
// Everything it set up on the agents is undone by closing the sessions.
//
// Thread safety: RunCase may be called concurrently for different cases;
// each call owns its sessions and context.
#ifndef CLOSEPROBE_CONTROLLER_CASE_RUNNER_H_
#define CLOSEPROBE_CONTROLLER_CASE_RUNNER_H_

#include <cstdint>

#include "absl/time/time.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/cases/case_loader.h"
#include "controller/run/role_binder.h"

namespace closeprobe::controller {

struct CaseRunOptions {
  absl::Duration lease = absl::Seconds(10);  // session lease on the agents
  uint32_t first_port = 0;                   // the case's port block
  std::string pcap_dir;                      // where to save the capture ("" = nowhere)
  int iteration = 0;                         // which run of a repeated case
};

// Never fails: a run that cannot go on records why (CaseResult.stop, error).
v1::CaseResult RunCase(const LoadedCase& c, const PlatformAgents& agents,
                       const CaseRunOptions& options);

// The record of a case that cannot run on these agents at all (`why` is
// Unimplemented: NOT_SUPPORTED, with its message as the reason).
v1::CaseResult NotRun(const LoadedCase& c, const PlatformAgents& agents, const absl::Status& why);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASE_RUNNER_H_
