// TimedSocketApi: a SocketApi decorator that time-stamps every call (the
// leveldb EnvWrapper pattern), so no backend contains timing code.
//
// Thread safety: as safe as the wrapped SocketApi; it holds no state of its
// own. It does not own the wrapped SocketApi, which must outlive it.
#ifndef CLOSEPROBE_AGENT_TIMED_SOCKET_API_H_
#define CLOSEPROBE_AGENT_TIMED_SOCKET_API_H_

#include <cstdint>
#include <string>

#include "agent/monotonic_clock.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {

class TimedSocketApi final : public SocketApi {
 public:
  explicit TimedSocketApi(SocketApi* target) : target_(target) {}

  CallResult Socket(Family family, NativeSocket* out) override;
  CallResult Bind(NativeSocket s, const Endpoint& local) override;
  CallResult Listen(NativeSocket s, int backlog) override;
  CallResult Accept(NativeSocket s, absl::Duration wait, NativeSocket* out,
                    Endpoint* peer) override;
  CallResult Connect(NativeSocket s, const Endpoint& remote,
                     absl::Duration wait) override;
  CallResult Send(NativeSocket s, absl::string_view data, IoFlags flags,
                  absl::Duration wait) override;
  CallResult Recv(NativeSocket s, size_t max_bytes, IoFlags flags,
                  absl::Duration wait, std::string* out) override;
  CallResult Shutdown(NativeSocket s, ShutdownHow how) override;
  CallResult Close(NativeSocket s) override;
  CallResult Dup(NativeSocket s, NativeSocket* out) override;
  CallResult SetOption(NativeSocket s, SocketOption option,
                       const OptionValue& value) override;
  CallResult GetOption(NativeSocket s, SocketOption option,
                       OptionValue* value) override;
  CallResult SetBlocking(NativeSocket s, bool blocking) override;
  CallResult Poll(NativeSocket s, const PollEvents& wanted, absl::Duration wait,
                  PollEvents* fired) override;
  CallResult Name(NativeSocket s, NameOf which, Endpoint* out) override;
  void Discard(NativeSocket s) override { target_->Discard(s); }

 private:
  SocketApi* const target_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_TIMED_SOCKET_API_H_
