// LwipStack: the one lwIP stack of this process (lwIP 2.1.3, Debian's
// liblwip, unix port), running in user space on a TAP device: its tcpip
// thread, its netif, and the FrameHooks on the netif's input and output
// paths that wire capture and fault injection use.
//
// Threading model: lwIP's tcpip thread owns the stack; other threads enter
// its core only under LOCK_TCPIP_CORE (CoreLock below). Frame hooks run on
// the TAP reader thread (input) and on the tcpip thread (output).
#ifndef CLOSEPROBE_AGENT_LWIP_LWIP_STACK_H_
#define CLOSEPROBE_AGENT_LWIP_LWIP_STACK_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "agent/frame_hooks.h"

namespace closeprobe::agent {

struct LwipConfig {
  std::string tap;      // an existing TAP device (ip tuntap add ... mode tap)
  std::string address;  // lwIP's own IPv4 address
  std::string netmask;
  std::string gateway;  // usually the TAP's kernel-side address
};

// Starts the stack once per process. FailedPrecondition if already started.
absl::Status StartLwipStack(const LwipConfig& config);
const LwipConfig& LwipStackConfig();

// The hooks on the netif's input and output paths (wire capture, faults).
FrameHooks* LwipFrameHooks();

// RAII: holds lwIP's core lock (for walking the PCB lists).
class CoreLock {
 public:
  CoreLock();
  ~CoreLock();
  CoreLock(const CoreLock&) = delete;
  CoreLock& operator=(const CoreLock&) = delete;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LWIP_LWIP_STACK_H_
