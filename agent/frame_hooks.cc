#include "agent/frame_hooks.h"

namespace closeprobe::agent {

bool FrameHooks::Pass(const uint8_t* frame, size_t length, bool outgoing) {
  FrameObserver* tap = tap_.load();
  FrameObserver* filter = filter_.load();
  if (!outgoing && tap != nullptr) tap->OnFrame(frame, length, false);
  if (filter != nullptr && !filter->OnFrame(frame, length, outgoing)) return false;
  if (outgoing && tap != nullptr) tap->OnFrame(frame, length, true);
  return true;
}

}  // namespace closeprobe::agent
