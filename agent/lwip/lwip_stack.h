// LwipStack: the one lwIP stack of this process (lwIP 2.1.3, Debian's
// liblwip, unix port), running in user space on a TAP device: its tcpip
// thread, its netif, and the hooks on the netif's input and output paths
// that wire capture and fault injection use.
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

// Sees every Ethernet frame the stack sends or receives; returns false to
// drop it. Two slots, like a host's capture and firewall: the filter (fault
// injection) and the tap (wire capture). Outgoing frames pass the filter
// first, so a dropped one never reaches the wire or the tap; incoming ones
// reach the tap first, as libpcap sees packets before netfilter drops them.
class FrameObserver {
 public:
  virtual ~FrameObserver() = default;
  virtual bool OnFrame(const uint8_t* frame, size_t length, bool outgoing) = 0;
};
void SetFrameTap(FrameObserver* tap);        // its return value is ignored
void SetFrameFilter(FrameObserver* filter);

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
