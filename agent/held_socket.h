// HeldSocket: the socket a waiting call (accept, connect, send, recv, poll)
// works on, held for the call's length the way a call blocked in the kernel
// holds it. Another call may close the handle meanwhile (a background recv
// and a close in the foreground): where the stack has dup(), the waiting
// call works on a copy of the descriptor, so the close frees the handle's
// descriptor at once but the socket lives until the waiting call returns
// (Linux: a blocked call keeps its reference on the file). Where it has
// none (lwIP, gVisor's netstack) the call uses the handle's own socket, and
// CloseRefused() says why a close must wait.
//
// Thread safety: one HeldSocket belongs to one call; many may hold one
// record at once.
#ifndef CLOSEPROBE_AGENT_HELD_SOCKET_H_
#define CLOSEPROBE_AGENT_HELD_SOCKET_H_

#include <memory>

#include "absl/status/status.h"
#include "agent/handle_table.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {

class HeldSocket {
 public:
  // `backend`: the platform's calls, not the timed ones (holding is no call
  // under test).
  HeldSocket(SocketApi& backend, std::shared_ptr<SocketRecord> record);
  ~HeldSocket();
  HeldSocket(const HeldSocket&) = delete;
  HeldSocket& operator=(const HeldSocket&) = delete;

  NativeSocket native() const { return copy_ != kNoSocket ? copy_ : original_; }

  // Unimplemented (the row is n/s) when a call waits on `record` without a copy: closing
  // it now would free the socket under that call.
  static absl::Status CloseRefused(const SocketRecord& record);

 private:
  SocketApi& backend_;
  std::shared_ptr<SocketRecord> record_;
  const NativeSocket original_;
  NativeSocket copy_ = kNoSocket;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_HELD_SOCKET_H_
