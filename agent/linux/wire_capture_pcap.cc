// Wire capture with libpcap: one pcap handle and reader thread per capture,
// on the interface that holds the agent's test address (or the one the agent
// was given: a bridge port on the wire of a sandbox), filtered by BPF to
// the case's port range. Packets are kept as a pcap file (in memory) and
// decoded into segments.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/linux/platform_linux.h"
#include "agent/segment_decoder.h"

namespace closeprobe::agent {
namespace {

constexpr int kSnapLen = 256;  // headers and the start of the payload

// The interface whose address is `address`; "any" when none has it.
std::string InterfaceFor(const std::string& address) {
  if (address.rfind("127.", 0) == 0 || address == "::1") return "lo";
  ifaddrs* list = nullptr;
  std::string found = "any";
  if (getifaddrs(&list) != 0) return found;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (i->ifa_addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text,
                sizeof(text));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, text,
                sizeof(text));
    }
    if (address == text) {
      found = i->ifa_name;
      break;
    }
  }
  freeifaddrs(list);
  return found;
}

// Decodes one link-layer frame into a TCP segment; false if it is not one.
bool Decode(int linktype, const pcap_pkthdr& h, const u_char* p, CapturedSegment* out) {
  size_t off = 0;
  uint16_t proto = 0;
  switch (linktype) {
    case DLT_EN10MB: off = 14; proto = h.caplen >= 14 ? (p[12] << 8 | p[13]) : 0; break;
    case DLT_LINUX_SLL: off = 16; proto = h.caplen >= 16 ? (p[14] << 8 | p[15]) : 0; break;
    case DLT_LINUX_SLL2: off = 20; proto = h.caplen >= 20 ? (p[0] << 8 | p[1]) : 0; break;
    default: return false;
  }
  if (h.caplen <= off || !DecodeIpTcp(p + off, h.caplen - off, proto, out)) return false;
  out->unix_ns = static_cast<int64_t>(h.ts.tv_sec) * 1'000'000'000 + h.ts.tv_usec * 1000LL;
  return true;
}

// One running capture: its pcap handle, reader thread and what it has seen.
class Capture {
 public:
  static absl::StatusOr<std::unique_ptr<Capture>> Open(const std::string& iface,
                                                       uint16_t first, uint16_t last) {
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create(iface.c_str(), err);
    if (p == nullptr) return absl::UnavailableError(absl::StrCat("pcap_create: ", err));
    std::unique_ptr<Capture> c(new Capture(p));
    pcap_set_snaplen(p, kSnapLen);
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, 4 << 20);
    if (pcap_activate(p) < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot capture on ", iface, ": ", pcap_geterr(p)));
    }
    bpf_program program;
    const std::string filter = absl::StrCat("tcp portrange ", first, "-", last);
    if (pcap_compile(p, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
        pcap_setfilter(p, &program) != 0) {
      return absl::InternalError(absl::StrCat("pcap filter '", filter, "': ", pcap_geterr(p)));
    }
    pcap_freecode(&program);
    pcap_setnonblock(p, 1, err);
    c->file_ = open_memstream(&c->buffer_, &c->buffer_size_);
    c->dumper_ = pcap_dump_fopen(p, c->file_);
    if (c->dumper_ == nullptr) return absl::InternalError("pcap_dump_fopen failed");
    c->linktype_ = pcap_datalink(p);
    c->reader_ = std::thread([raw = c.get()] { raw->Read(); });
    return c;
  }

  ~Capture() {
    Finish();
    if (dumper_ != nullptr) pcap_dump_close(dumper_);  // closes the memstream
    free(buffer_);
    pcap_close(pcap_);
  }

  CaptureResult Finish() {
    if (reader_.joinable()) {
      // Let segments already on their way (a final ACK) be read first.
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      stop_ = true;
      reader_.join();
    }
    CaptureResult r;
    pcap_stat stats{};
    if (pcap_stats(pcap_, &stats) == 0) r.dropped = stats.ps_drop;
    pcap_dump_flush(dumper_);
    r.pcap.assign(buffer_, buffer_size_);
    absl::MutexLock lock(&segments_mu_);
    r.segments = segments_;
    return r;
  }

  std::vector<CapturedSegment> SegmentsSoFar() {
    // What is already on its way in the kernel's buffer counts as seen.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    absl::MutexLock lock(&segments_mu_);
    return segments_;
  }

 private:
  explicit Capture(pcap_t* p) : pcap_(p) {}

  void Read() {
    pollfd fd{pcap_get_selectable_fd(pcap_), POLLIN, 0};
    while (!stop_) {
      poll(&fd, 1, 10);
      pcap_dispatch(pcap_, -1, &Capture::OnPacket, reinterpret_cast<u_char*>(this));
    }
    pcap_dispatch(pcap_, -1, &Capture::OnPacket, reinterpret_cast<u_char*>(this));
  }

  static void OnPacket(u_char* self, const pcap_pkthdr* h, const u_char* bytes) {
    auto* c = reinterpret_cast<Capture*>(self);
    pcap_dump(reinterpret_cast<u_char*>(c->dumper_), h, bytes);
    CapturedSegment s;
    if (!Decode(c->linktype_, *h, bytes, &s)) return;
    absl::MutexLock lock(&c->segments_mu_);
    c->segments_.push_back(std::move(s));
  }

  pcap_t* const pcap_;
  int linktype_ = 0;
  FILE* file_ = nullptr;
  char* buffer_ = nullptr;
  size_t buffer_size_ = 0;
  pcap_dumper_t* dumper_ = nullptr;
  std::atomic<bool> stop_{false};
  absl::Mutex segments_mu_;
  std::vector<CapturedSegment> segments_ ABSL_GUARDED_BY(segments_mu_);  // appended by the reader thread
  std::thread reader_;
};

class PcapWireCapture final : public WireCapture {
 public:
  explicit PcapWireCapture(std::string interface) : interface_(std::move(interface)) {}

  absl::StatusOr<int> Start(const std::string& local_address, uint16_t first_port,
                            uint16_t last_port, std::string* interface) override {
    if (first_port == 0 || last_port < first_port) {
      return absl::InvalidArgumentError("capture needs 0 < first_port <= last_port");
    }
    *interface = interface_.empty() ? InterfaceFor(local_address) : interface_;
    absl::StatusOr<std::unique_ptr<Capture>> c = Capture::Open(*interface, first_port, last_port);
    if (!c.ok()) return c.status();
    absl::MutexLock lock(&mu_);
    const int id = next_id_++;
    captures_[id] = std::move(*c);
    return id;
  }

  absl::StatusOr<CaptureResult> Stop(int id) override {
    std::unique_ptr<Capture> c;
    {
      absl::MutexLock lock(&mu_);
      auto it = captures_.find(id);
      if (it == captures_.end()) {
        return absl::NotFoundError(absl::StrCat("capture ", id, " is not running"));
      }
      c = std::move(it->second);
      captures_.erase(it);
    }
    return c->Finish();
  }

  absl::StatusOr<std::vector<CapturedSegment>> SegmentsSoFar(int id) override {
    absl::MutexLock lock(&mu_);
    auto it = captures_.find(id);
    if (it == captures_.end()) {
      return absl::NotFoundError(absl::StrCat("capture ", id, " is not running"));
    }
    return it->second->SegmentsSoFar();
  }

 private:
  const std::string interface_;  // "" = the test address's
  absl::Mutex mu_;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int, std::unique_ptr<Capture>> captures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<WireCapture> NewPcapWireCapture(const std::string& interface) {
  return std::make_unique<PcapWireCapture>(interface);
}

}  // namespace closeprobe::agent
