#include "agent/lwip/tap_netif_lwip.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

extern "C" {
#include "lwip/ethip6.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
}

namespace closeprobe::agent {
namespace {

constexpr u16_t kMtu = 1500;
constexpr size_t kEthernetHeader = 14;
// The longest frame either way: header, one VLAN tag and the MTU (the
// limit of tapif's own buffers).
constexpr size_t kMaxFrame = kEthernetHeader + 4 + kMtu;

TapDevice& DeviceOf(netif* n) { return *static_cast<TapDevice*>(n->state); }

err_t WriteFrame(netif* n, pbuf* p) {
  std::array<uint8_t, kMaxFrame> frame;
  if (p->tot_len > frame.size()) return ERR_IF;
  pbuf_copy_partial(p, frame.data(), p->tot_len, 0);
  const ssize_t written = write(DeviceOf(n).fd, frame.data(), p->tot_len);
  return written == p->tot_len ? ERR_OK : ERR_IF;
}

// One frame into one PBUF_RAM pbuf, sized by pbuf.c itself; nullptr: drop
// it (not an Ethernet frame this netif could have received, or no memory).
pbuf* CopyFrame(const uint8_t* frame, size_t length) {
  if (length < kEthernetHeader || length > kMaxFrame) return nullptr;
  pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(length), PBUF_RAM);
  if (p != nullptr) pbuf_take(p, frame, static_cast<u16_t>(length));
  return p;
}

void ReadFrames(netif* n) {
  const TapDevice& device = DeviceOf(n);
  // Room for any frame the device may hand over, so a long one is seen
  // whole and dropped, not cut to a shorter frame.
  std::vector<uint8_t> frame(65536);
  for (;;) {
    const ssize_t length = read(device.fd, frame.data(), frame.size());
    if (length < 0 && errno == EINTR) continue;
    if (length < 0) {
      // Without its link the stack would only time out: end the agent, as
      // tapif does, so the controller reports an agent fault.
      std::cerr << "closeprobe-agent-lwip: reading TAP " << device.name << ": "
                << std::strerror(errno) << "\n";
      std::_Exit(1);
    }
    pbuf* p = CopyFrame(frame.data(), static_cast<size_t>(length));
    if (p != nullptr && n->input(p, n) != ERR_OK) pbuf_free(p);
  }
}

}  // namespace

absl::StatusOr<TapDevice> OpenTapDevice(const std::string& name) {
  // A longer name would be cut to another device's.
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(absl::StrCat("TAP device name '", name, "': 1 to ",
                                                   IFNAMSIZ - 1, " characters"));
  }
  if (if_nametoindex(name.c_str()) == 0) {  // TUNSETIFF would make one nobody set up
    return absl::UnavailableError(
        absl::StrCat("no TAP device ", name, ": create it first (ip tuntap add ", name,
                     " mode tap)"));
  }
  TapDevice device{name, open("/dev/net/tun", O_RDWR | O_CLOEXEC)};
  if (device.fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot open /dev/net/tun for TAP ", name, ": ",
                                               std::strerror(errno)));
  }
  ifreq request{};
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl(device.fd, TUNSETIFF, &request) < 0) {
    const int error = errno;
    close(device.fd);
    return absl::UnavailableError(
        absl::StrCat("cannot attach to TAP ", name, ": ", std::strerror(error)));
  }
  return device;
}

err_t TapNetifInit(netif* n) {
  n->name[0] = 't';
  n->name[1] = 'p';
  n->output = etharp_output;
  n->output_ip6 = ethip6_output;
  n->linkoutput = WriteFrame;
  n->mtu = kMtu;
  // The locally administered address tapif gave lwIP.
  constexpr std::array<u8_t, 6> kMac = {0x02, 0x12, 0x34, 0x56, 0x78, 0xab};
  std::memcpy(n->hwaddr, kMac.data(), kMac.size());
  n->hwaddr_len = kMac.size();
  n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_IGMP;
  return ERR_OK;
}

void StartTapReader(netif* n) { std::thread(ReadFrames, n).detach(); }

}  // namespace closeprobe::agent
