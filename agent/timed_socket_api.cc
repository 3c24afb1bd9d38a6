#include "agent/timed_socket_api.h"

#include <optional>
#include <utility>

#include "absl/time/clock.h"
#include "agent/scheduled_start.h"

namespace closeprobe::agent {

namespace {

// Runs `call` and stamps its result with monotonic and wall-clock times.
// A call scheduled for an instant (scheduled_start.h) is held until then.
template <typename Call>
CallResult Timed(Call&& call) {
  const int64_t requested = TakeScheduledStart();
  // Held calls wait, wake, spin and call ahead of ordinary threads: a
  // real-time thread's sleep has no timer slack and its wake-up preempts the
  // agent's samplers and whatever else the host runs.
  std::optional<SpinPriority> ahead;
  if (requested > 0) {
    ahead.emplace();
    SleepUntilNear(requested);
    SpinUntil(requested);
  }
  const int64_t unix_start = absl::GetCurrentTimeNanos();
  const int64_t start = MonotonicNowNs();
  CallResult result = std::forward<Call>(call)();
  result.end_mono_ns = MonotonicNowNs();
  result.start_mono_ns = start;
  result.start_unix_ns = unix_start;
  result.requested_start_mono_ns = requested;
  return result;
}

}  // namespace

CallResult TimedSocketApi::Socket(Family family, NativeSocket* out) {
  return Timed([&] { return target_->Socket(family, out); });
}
CallResult TimedSocketApi::Bind(NativeSocket s, const Endpoint& local) {
  return Timed([&] { return target_->Bind(s, local); });
}
CallResult TimedSocketApi::Listen(NativeSocket s, int backlog) {
  return Timed([&] { return target_->Listen(s, backlog); });
}
CallResult TimedSocketApi::Accept(NativeSocket s, absl::Duration wait,
                                  NativeSocket* out, Endpoint* peer) {
  return Timed([&] { return target_->Accept(s, wait, out, peer); });
}
CallResult TimedSocketApi::Connect(NativeSocket s, const Endpoint& remote,
                                   absl::Duration wait) {
  return Timed([&] { return target_->Connect(s, remote, wait); });
}
CallResult TimedSocketApi::Send(NativeSocket s, absl::string_view data, IoFlags flags,
                                absl::Duration wait) {
  return Timed([&] { return target_->Send(s, data, flags, wait); });
}
CallResult TimedSocketApi::Recv(NativeSocket s, size_t max_bytes, IoFlags flags,
                                absl::Duration wait, std::string* out) {
  return Timed([&] { return target_->Recv(s, max_bytes, flags, wait, out); });
}
CallResult TimedSocketApi::Shutdown(NativeSocket s, ShutdownHow how) {
  return Timed([&] { return target_->Shutdown(s, how); });
}
CallResult TimedSocketApi::Close(NativeSocket s) {
  return Timed([&] { return target_->Close(s); });
}
CallResult TimedSocketApi::Dup(NativeSocket s, NativeSocket* out) {
  return Timed([&] { return target_->Dup(s, out); });
}
CallResult TimedSocketApi::SetOption(NativeSocket s, SocketOption option,
                                     const OptionValue& value) {
  return Timed([&] { return target_->SetOption(s, option, value); });
}
CallResult TimedSocketApi::GetOption(NativeSocket s, SocketOption option,
                                     OptionValue* value) {
  return Timed([&] { return target_->GetOption(s, option, value); });
}
CallResult TimedSocketApi::SetBlocking(NativeSocket s, bool blocking) {
  return Timed([&] { return target_->SetBlocking(s, blocking); });
}
CallResult TimedSocketApi::Poll(NativeSocket s, const PollEvents& wanted, absl::Duration wait,
                                PollEvents* fired) {
  return Timed([&] { return target_->Poll(s, wanted, wait, fired); });
}
CallResult TimedSocketApi::Name(NativeSocket s, NameOf which, Endpoint* out) {
  return Timed([&] { return target_->Name(s, which, out); });
}

}  // namespace closeprobe::agent
