// StepKinds: what each kind of case step is, said once. One row per member
// of the Step `action` oneof (keyed by Step::ActionCase): its name in case
// files, whether it is one socket call, whether it creates a handle, and
// what it observes. The validator, the matcher and the describers read the
// row; the executor keeps its one switch (run/step_executor.cc). A new step
// kind is one row here plus its Execute<Kind> function.
#ifndef CLOSEPROBE_CONTROLLER_STEP_KINDS_H_
#define CLOSEPROBE_CONTROLLER_STEP_KINDS_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "closeprobe/v1/case.pb.h"

namespace closeprobe::controller {

// What a step's record holds that expectations can check (a bit set).
enum Observation : uint32_t {
  kObservesNothing = 0,
// (In the order the validator tells misfits.)
  kTcpState = 1 << 0,       // the connection's TCP state
  kStatePath = 1 << 1,      // wait_state: whether the state was reached, and the states passed
  kTimer = 1 << 2,          // the time left on the connection's timer
  kOptionValue = 1 << 3,    // an option's value read back
  kPollEvents = 1 << 4,     // the poll events reported
  kReadable = 1 << 5,       // wait_readable: readable, hangup, error
  kLocalEndpoint = 1 << 6,  // the socket's own address, as the case names it
  kPeerEndpoint = 1 << 7,   // the peer's address, as the case names it
  kCallResult = 1 << 8,     // a socket call's error, return value and duration
  kBytesRead = 1 << 9,      // recv: data, or the end of the stream (0)
};

// When a step creates the handle its `as` names.
enum class MakesHandle { kNever, kAlways, kWithoutOn };

struct StepKindRow {
  v1::Step::ActionCase action;
  absl::string_view name;  // as in case files: the oneof member's name
  // One socket call on a handle it is given (with `on` where MakesHandle is
  // kWithoutOn): a `together` group can start it at an instant.
  bool one_call;
  MakesHandle makes;
  uint32_t observes;  // Observation bits
  bool has_role;      // performed by a role's agent (sleep and join are not)
  // May name a handle that was closed: state and wait_state watch its orphan.
  bool watches_closed;
};

// The row of a kind; ACTION_NOT_SET (and an unknown case) has a row named "".
const StepKindRow& KindOf(v1::Step::ActionCase action);
const StepKindRow& KindOf(const v1::Step& step);
// The row of a kind named as in case files (StepRecord.kind); nullptr if none.
const StepKindRow* KindNamed(absl::string_view name);

// The step kind's name as written in case files ("close", "wait_state").
std::string StepKind(const v1::Step& step);

// True when this step creates the handle named by `as`.
bool CreatesHandle(const v1::Step& step);

// True when this step is one socket call on an existing handle.
bool IsOneCall(const v1::Step& step);

// The kinds observing any of `bits`, for messages: "a state or wait_state
// step"; more than three: what they observe ("a socket call's result").
std::string KindsObserving(uint32_t bits);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_STEP_KINDS_H_
