// FrameHooks: wire capture and fault injection for a stack that runs in the
// agent's own process (lwIP, gVisor's netstack), where the agent sees every
// frame the stack sends or receives and may drop it. Two slots, like a
// host's capture and firewall: the filter (fault injection) and the tap
// (wire capture). Outgoing frames pass the filter first, so a dropped one
// never reaches the wire or the tap; incoming ones reach the tap first, as
// libpcap sees packets before netfilter drops them.
//
// Thread safety: Pass may run on any of the stack's threads, concurrently
// with SetTap/SetFilter.
#ifndef CLOSEPROBE_AGENT_FRAME_HOOKS_H_
#define CLOSEPROBE_AGENT_FRAME_HOOKS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "agent/fault_injector.h"
#include "agent/segment_decoder.h"
#include "agent/wire_capture.h"

namespace closeprobe::agent {

class FrameObserver {
 public:
  virtual ~FrameObserver() = default;
  virtual bool OnFrame(const uint8_t* frame, size_t length, bool outgoing) = 0;
};

class FrameHooks {
 public:
  void SetTap(FrameObserver* tap) { tap_.store(tap); }  // its return value is ignored
  void SetFilter(FrameObserver* filter) { filter_.store(filter); }
  bool active() const { return tap_.load() != nullptr || filter_.load() != nullptr; }
  // Shows a frame to the tap and the filter in a host's order; false: drop it.
  bool Pass(const uint8_t* frame, size_t length, bool outgoing);

 private:
  std::atomic<FrameObserver*> tap_{nullptr};
  std::atomic<FrameObserver*> filter_{nullptr};
};

// A capture of the frames `hooks` sees; `interface` names where they pass.
std::unique_ptr<WireCapture> NewFrameWireCapture(FrameHooks* hooks, FrameKind kind,
                                                 std::string interface);
// Drop rules applied to the frames `hooks` sees.
std::unique_ptr<FaultInjector> NewFrameFaultInjector(FrameHooks* hooks, FrameKind kind);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_FRAME_HOOKS_H_
