// TimedSocketApi: time-stamps every socket call under test (the leveldb
// EnvWrapper idea, made generic): the service makes each call through
// Call(&SocketApi::Method, args...), so no backend contains timing code and
// a new SocketApi method needs no forwarding line here.
//
// Thread safety: as safe as the wrapped SocketApi; it holds no state of its
// own. It does not own the wrapped SocketApi, which must outlive it.
#ifndef CLOSEPROBE_AGENT_TIMED_SOCKET_API_H_
#define CLOSEPROBE_AGENT_TIMED_SOCKET_API_H_

#include <utility>

#include "absl/functional/function_ref.h"
#include "agent/monotonic_clock.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {

class TimedSocketApi final {
 public:
  explicit TimedSocketApi(SocketApi* target) : target_(target) {}

  // Makes `call` on the wrapped SocketApi and stamps its result with
  // monotonic and wall-clock times. A call scheduled for an instant
  // (scheduled_start.h) is held until then.
  template <typename... Params, typename... Args>
  CallResult Call(CallResult (SocketApi::*call)(Params...), Args&&... args) {
    return Timed([&] { return (target_->*call)(std::forward<Args>(args)...); });
  }

 private:
  static CallResult Timed(absl::FunctionRef<CallResult()> call);

  SocketApi* const target_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_TIMED_SOCKET_API_H_
