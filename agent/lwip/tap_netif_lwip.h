// TapNetif: lwIP's Ethernet netif on an existing TAP device: frames read
// from the device go to the netif's input, frames lwIP sends are written to
// it. It takes the place of the unix port's tapif (Debian's liblwip,
// port/netif/tapif.c), whose receive path overflows the heap: its
// low_level_input() takes a PBUF_POOL pbuf, and in that build pbuf.c fills
// pool pbufs up to PBUF_POOL_BUFSIZE = 1536 bytes (TCP_MSS 1460 from
// port/include/lwipopts.h) while memp.c allocates them 616 bytes long:
// memp.c includes lwip/sockets.h, whose port/include/posix/inet.h includes
// glibc's <netinet/tcp.h>, and its `#define TCP_MSS 512` replaces lwipopts.h's
// 1460 there. Any frame over 592 bytes was written past its block. This
// netif copies each frame into one PBUF_RAM pbuf, which pbuf.c sizes and
// allocates itself.
//
// Threading model: one reader thread per device, which blocks in read() and
// hands each frame to netif->input (tcpip_input, or a hook in front of it);
// output runs on the thread lwIP sends from (its tcpip thread or a thread
// holding its core lock).
#ifndef CLOSEPROBE_AGENT_LWIP_TAP_NETIF_LWIP_H_
#define CLOSEPROBE_AGENT_LWIP_TAP_NETIF_LWIP_H_

#include <string>

#include "absl/status/statusor.h"

extern "C" {
#include "lwip/netif.h"
}

namespace closeprobe::agent {

// The device, opened: what netif_add's `state` argument points to.
struct TapDevice {
  std::string name;
  int fd = -1;
};

// Opens the existing TAP device `name` (IFF_TAP, no packet-information
// header). InvalidArgument for a name no device can have; Unavailable,
// with the reason, if it cannot be opened.
absl::StatusOr<TapDevice> OpenTapDevice(const std::string& name);

// netif_add's init function. REQUIRES: the netif's state is a TapDevice that
// outlives the netif.
err_t TapNetifInit(netif* n);

// Starts the thread that reads the device's frames into n->input. Call once,
// after netif_add, when n->input is what should see the frames.
void StartTapReader(netif* n);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LWIP_TAP_NETIF_LWIP_H_
