// Wire capture of an in-process stack: the frames its FrameHooks see, kept
// as segments and as a pcap file written here (Ethernet or raw IP link type).
#include <chrono>
#include <cstring>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/frame_hooks.h"
#include "agent/segment_decoder.h"

namespace closeprobe::agent {
namespace {

template <typename T>
void Append(std::string* out, T value) {  // pcap files are host-endian
  out->append(reinterpret_cast<const char*>(&value), sizeof(value));
}

struct Capture {
  uint16_t first = 0, last = 0;
  CaptureResult result;
};

class FrameWireCapture final : public WireCapture, public FrameObserver {
 public:
  FrameWireCapture(FrameHooks* hooks, FrameKind kind, std::string interface)
      : hooks_(hooks), kind_(kind), interface_(std::move(interface)) {
    hooks_->SetTap(this);
  }
  ~FrameWireCapture() override { hooks_->SetTap(nullptr); }

  absl::StatusOr<int> Start(const std::string&, uint16_t first_port, uint16_t last_port,
                            std::string* interface) override {
    if (first_port == 0 || last_port < first_port) {
      return absl::InvalidArgumentError("capture needs 0 < first_port <= last_port");
    }
    *interface = interface_;
    Capture c{first_port, last_port, {}};
    // pcap global header: magic, version 2.4, zone, sigfigs, snaplen, link type.
    Append<uint32_t>(&c.result.pcap, 0xa1b2c3d4);
    Append<uint16_t>(&c.result.pcap, 2);
    Append<uint16_t>(&c.result.pcap, 4);
    Append<int32_t>(&c.result.pcap, 0);
    Append<uint32_t>(&c.result.pcap, 0);
    Append<uint32_t>(&c.result.pcap, 65535);
    Append<uint32_t>(&c.result.pcap, kind_ == FrameKind::kEthernet ? 1 : 101);  // LINKTYPE_RAW
    absl::MutexLock lock(&mu_);
    const int id = next_id_++;
    captures_[id] = std::move(c);
    return id;
  }

  absl::StatusOr<CaptureResult> Stop(int id) override {
    absl::MutexLock lock(&mu_);
    auto it = captures_.find(id);
    if (it == captures_.end()) return absl::NotFoundError(absl::StrCat("capture ", id, " is not running"));
    CaptureResult r = std::move(it->second.result);
    captures_.erase(it);
    return r;
  }

  absl::StatusOr<std::vector<CapturedSegment>> SegmentsSoFar(int id) override {
    absl::MutexLock lock(&mu_);
    auto it = captures_.find(id);
    if (it == captures_.end()) return absl::NotFoundError(absl::StrCat("capture ", id, " is not running"));
    return it->second.result.segments;
  }

  bool OnFrame(const uint8_t* frame, size_t length, bool outgoing) override {
    CapturedSegment s;
    if (!DecodeFrame(kind_, frame, length, &s)) return true;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    s.unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
    absl::MutexLock lock(&mu_);
    for (auto& [id, c] : captures_) {
      const bool in_range = (s.src.port >= c.first && s.src.port <= c.last) ||
                            (s.dst.port >= c.first && s.dst.port <= c.last);
      if (!in_range) continue;
      c.result.segments.push_back(s);
      Append<uint32_t>(&c.result.pcap, static_cast<uint32_t>(s.unix_ns / 1'000'000'000));
      Append<uint32_t>(&c.result.pcap, static_cast<uint32_t>(s.unix_ns / 1000 % 1'000'000));
      Append<uint32_t>(&c.result.pcap, static_cast<uint32_t>(length));
      Append<uint32_t>(&c.result.pcap, static_cast<uint32_t>(length));
      c.result.pcap.append(reinterpret_cast<const char*>(frame), length);
    }
    return true;
  }

 private:
  FrameHooks* const hooks_;
  const FrameKind kind_;
  const std::string interface_;
  absl::Mutex mu_;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int, Capture> captures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<WireCapture> NewFrameWireCapture(FrameHooks* hooks, FrameKind kind,
                                                 std::string interface) {
  return std::make_unique<FrameWireCapture>(hooks, kind, std::move(interface));
}

}  // namespace closeprobe::agent
