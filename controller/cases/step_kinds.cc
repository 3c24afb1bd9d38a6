#include "controller/cases/step_kinds.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace closeprobe::controller {
namespace {

using S = v1::Step;
constexpr MakesHandle kNo = MakesHandle::kNever;
constexpr MakesHandle kYes = MakesHandle::kAlways;
constexpr MakesHandle kWithoutOn = MakesHandle::kWithoutOn;
constexpr uint32_t kCall = kCallResult;

// In the oneof's order. {kind, name, one call, makes a handle, observes,
// has a role, watches a closed handle, port field}
constexpr StepKindRow kRows[] = {
    {S::kSocket, "socket", false, kYes, kCall, true, false},
    {S::kListen, "listen", true, kWithoutOn, kCall, true, false, "port"},
    {S::kBind, "bind", true, kNo, kCall, true, false, "port"},
    {S::kConnect, "connect", true, kWithoutOn, kCall, true, false, "port"},
    {S::kAccept, "accept", true, kYes, kCall, true, false},
    {S::kSend, "send", true, kNo, kCall | kSigpipe, true, false},
    {S::kRecv, "recv", true, kNo, kCall | kBytesRead, true, false},
    {S::kShutdown, "shutdown", true, kNo, kCall, true, false},
    {S::kClose, "close", true, kNo, kCall, true, false},
    {S::kSetsockopt, "setsockopt", true, kNo, kCall, true, false},
    {S::kGetsockopt, "getsockopt", true, kNo, kCall | kOptionValue, true, false},
    {S::kSetBlocking, "set_blocking", true, kNo, kCall, true, false},
    {S::kWaitReadable, "wait_readable", true, kNo, kCall | kReadable, true, false},
    {S::kState, "state", false, kNo, kTcpState | kTimer, true, true},
    {S::kWaitState, "wait_state", false, kNo, kTcpState | kStatePath, true, true},
    {S::kSleep, "sleep", false, kNo, kObservesNothing, false, false},
    {S::kDrop, "drop", false, kYes, kObservesNothing, true, false},
    {S::kLift, "lift", false, kNo, kObservesNothing, true, false},
    {S::kJoin, "join", false, kNo, kObservesNothing, false, false},
    {S::kPoll, "poll", true, kNo, kCall | kPollEvents, true, false},
    {S::kGetsockname, "getsockname", true, kNo, kCall | kLocalEndpoint, true, false},
    {S::kGetpeername, "getpeername", true, kNo, kCall | kPeerEndpoint, true, false},
    {S::kDup, "dup", true, kYes, kCall, true, false},
    {S::kInject, "inject", false, kNo, kObservesNothing, true, false, "from_port"},
};
constexpr StepKindRow kNoKind = {S::ACTION_NOT_SET, "", false, kNo, kObservesNothing, false, false};

}  // namespace

const StepKindRow& KindOf(v1::Step::ActionCase action) {
  for (const StepKindRow& row : kRows) {
    if (row.action == action) return row;
  }
  return kNoKind;
}

const StepKindRow& KindOf(const v1::Step& step) { return KindOf(step.action_case()); }

const StepKindRow* KindNamed(absl::string_view name) {
  for (const StepKindRow& row : kRows) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

std::string StepKind(const v1::Step& step) { return std::string(KindOf(step).name); }

namespace {

// A string field of the step's action, read by name ("" when it has none).
std::string ActionText(const v1::Step& step, absl::string_view field) {
  const auto* oneof = step.GetDescriptor()->FindOneofByName("action");
  const auto* action = step.GetReflection()->GetOneofFieldDescriptor(step, oneof);
  if (action == nullptr || field.empty()) return "";
  const google::protobuf::Message& m = step.GetReflection()->GetMessage(step, action);
  const auto* f = m.GetDescriptor()->FindFieldByName(std::string(field));
  if (f == nullptr || f->type() != google::protobuf::FieldDescriptor::TYPE_STRING) return "";
  return m.GetReflection()->GetString(m, f);
}

}  // namespace

bool CreatesHandle(const v1::Step& step) {
  switch (KindOf(step).makes) {
    case MakesHandle::kNever: return false;
    case MakesHandle::kAlways: return true;
    case MakesHandle::kWithoutOn: break;
  }
  return ActionText(step, "on").empty();
}

std::string PortNameOf(const v1::Step& step) { return ActionText(step, KindOf(step).port_field); }

bool IsOneCall(const v1::Step& step) {
  const StepKindRow& kind = KindOf(step);
  return kind.one_call && !(kind.makes == MakesHandle::kWithoutOn && CreatesHandle(step));
}

std::string KindsObserving(uint32_t bits) {
  std::vector<absl::string_view> names;
  for (const StepKindRow& row : kRows) {
    if ((row.observes & bits) != 0) names.push_back(row.name);
  }
  if (names.empty() || names.size() > 3) {
    return (bits & kCallResult) != 0 ? "a socket call's result" : "a step that observes it";
  }
  const absl::string_view last = names.back();
  names.pop_back();
  return names.empty() ? absl::StrCat("a ", last, " step")
                       : absl::StrCat("a ", absl::StrJoin(names, ", "), " or ", last, " step");
}

}  // namespace closeprobe::controller
