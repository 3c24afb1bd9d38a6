// StepExecutor: performs one case step on the agent of the step's role and
// records everything observed in a StepRecord. One Execute<Kind> function per
// step kind, dispatched on the Step oneof in one place (packetdrill's
// system_call_table pattern).
//
// Errors: a socket call that fails is recorded, not returned. The returned
// absl::Status is an infrastructure failure (agent unreachable, the agent
// rejected the request), which ends the case as ERROR, or Unimplemented
// when the agent lacks a feature the step needs (NOT_SUPPORTED) or its
// stack cannot show what the step asks (NotObservableError).
//
// Thread safety: a CaseContext belongs to one running case.
#ifndef CLOSEPROBE_CONTROLLER_STEP_EXECUTOR_H_
#define CLOSEPROBE_CONTROLLER_STEP_EXECUTOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "controller/cases/case_loader.h"
#include "controller/run/agent_client.h"
#include "closeprobe/v1/case.pb.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

struct RoleContext {
  AgentSession* session = nullptr;  // not owned
  std::string address;              // where peers reach this role's sockets
  // Where this role's drops are installed when not on its own agent: the
  // wire outside a sandbox (not owned; null: `session`).
  AgentSession* faults = nullptr;
};

struct HandleBinding {
  std::string role;
  std::string agent_handle;  // the agent's opaque handle
  uint32_t port = 0;         // its local port once bound
};

// What a running case knows. Background steps run concurrently with the
// foreground ones, so the handle map is guarded; everything else is fixed
// before the first step.
struct CaseContext {
  std::map<std::string, RoleContext> roles;
  std::map<std::string, uint32_t> ports;          // symbolic port -> real port
  uint32_t first_port = 0;                        // the case's port block
  uint32_t last_port = 0;
  std::string subject;                            // the subject's role
  // Inject steps: the capture each sending role's agent runs for the case.
  std::map<std::string, std::string> inject_captures;

  // Copies, so a caller never holds a pointer into the map.
  bool FindHandle(const std::string& name, HandleBinding* out) const;
  void SetHandle(const std::string& name, const HandleBinding& h);
  void SetHandlePort(const std::string& name, uint32_t port);
  std::map<std::string, HandleBinding> Handles() const;

  // The instant (controller clock) at which the steps of a `together` group
  // start: fixed by the group's first step, far enough ahead for every
  // step's request to reach its agent and for the clocks' uncertainty.
  int64_t GroupStart(const std::string& group);

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, HandleBinding> handles_ ABSL_GUARDED_BY(mu_);  // sockets and faults
  std::map<std::string, int64_t> group_starts_ ABSL_GUARDED_BY(mu_);
};

// The stack cannot show what the step asks (the agent answered
// not_observable, with `why`): the case stops there as not observable, not
// as not supported. The mark survives re-wording (IsNotObservable).
absl::Status NotObservableError(absl::string_view why);
bool IsNotObservable(const absl::Status& s);

// `names`: the step's names as the case set resolved them.
absl::Status ExecuteStep(const v1::Step& step, const ResolvedStep& names, CaseContext& ctx,
                         v1::StepRecord* record);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_STEP_EXECUTOR_H_
