#include "controller/run/step_executor_descriptors.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace closeprobe::controller {
namespace {

using Stub = v1::Agent::Stub;

constexpr int kDefaultWithinMs = 5000;             // as the other blocking steps
constexpr int64_t kDefaultCapBytes = 16 << 20;     // the agent's --max_call_bytes default
constexpr int kDefaultReadBytes = 65536;
constexpr absl::Duration kRpcSlack = absl::Seconds(10);
constexpr size_t kKeptDataBytes = 256;

AgentSession& SessionOf(const v1::Step& step, CaseContext& ctx) {
  return *ctx.roles.at(step.role()).session;
}

}  // namespace

absl::Status ExecuteDup(const v1::Step& step, const HandleBinding& on, CaseContext& ctx,
                        v1::StepRecord* record) {
  v1::HandleRequest req;
  req.set_handle(on.agent_handle);
  auto r = SessionOf(step, ctx).Call(&Stub::Dup, req, kRpcSlack);
  if (!r.ok()) return r.status();
  *record->mutable_result() = r->result();
  record->set_handle(r->handle());
  // The copy is the same socket: the same port, the same role.
  if (!r->handle().empty()) ctx.SetHandle(step.as(), HandleBinding{step.role(), r->handle(), on.port});
  return absl::OkStatus();
}

absl::Status ExecuteRecvUntilEof(const v1::Step& step, const HandleBinding& on,
                                 CaseContext& ctx, v1::StepRecord* record) {
  const v1::RecvStep& s = step.recv();
  const int64_t cap = s.max_total_bytes() > 0 ? s.max_total_bytes() : kDefaultCapBytes;
  const absl::Time deadline =
      absl::Now() + absl::Milliseconds(s.within_ms() > 0 ? s.within_ms() : kDefaultWithinMs);
  AgentSession& session = SessionOf(step, ctx);
  int64_t total = 0;
  int reads = 0;
  std::string kept;
  v1::CallResult first;
  v1::CallResult last;
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      last.set_error(v1::ERROR_NAME_TIMEOUT);
      last.set_native_name("TIMEOUT");
      break;
    }
    v1::RecvRequest req;
    req.set_handle(on.agent_handle);
    req.set_max_bytes(static_cast<int32_t>(
        std::min<int64_t>(s.max_bytes() > 0 ? s.max_bytes() : kDefaultReadBytes, cap - total)));
    req.set_deadline_ms(static_cast<int32_t>(std::max<int64_t>(1, absl::ToInt64Milliseconds(left))));
    req.set_dont_wait(s.dontwait());
    auto r = session.Call(&Stub::Recv, req, left + kRpcSlack);
    if (!r.ok()) return r.status();
    if (reads++ == 0) first = r->result();
    last = r->result();
    if (last.error() != v1::ERROR_NAME_OK || last.return_value() == 0) break;
    total += last.return_value();
    kept += r->data().substr(0, kKeptDataBytes - std::min(kKeptDataBytes, kept.size()));
    if (total >= cap) break;
  }
  v1::CallResult* result = record->mutable_result();
  *result = last;
  result->set_return_value(total);
  if (reads > 0) {
    result->set_start_mono_ns(first.start_mono_ns());
    result->set_start_unix_ns(first.start_unix_ns());
    result->set_duration_ns(last.end_mono_ns() - first.start_mono_ns());
  }
  record->set_reads(reads);
  // A reading stopped by the cap ends OK too: only a 0 from recv() is the end.
  record->set_reached_eof(last.error() == v1::ERROR_NAME_OK && last.return_value() == 0);
  record->set_data(kept);
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
