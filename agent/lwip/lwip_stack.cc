#include "agent/lwip/lwip_stack.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "agent/lwip/tap_netif_lwip.h"

extern "C" {
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
}

namespace closeprobe::agent {
namespace {

netif g_netif;
TapDevice g_tap;
LwipConfig g_config;
bool g_started = false;
FrameHooks g_hooks;
netif_input_fn g_input = nullptr;
netif_linkoutput_fn g_linkoutput = nullptr;

// Shows a frame to the hooks; false: drop it.
bool Observe(pbuf* p, bool outgoing) {
  if (!g_hooks.active()) return true;
  std::string copy(p->tot_len, '\0');
  pbuf_copy_partial(p, copy.data(), p->tot_len, 0);
  return g_hooks.Pass(reinterpret_cast<const uint8_t*>(copy.data()), copy.size(), outgoing);
}

err_t HookedInput(pbuf* p, netif* n) {
  if (!Observe(p, /*outgoing=*/false)) {
    pbuf_free(p);
    return ERR_OK;  // dropped on the wire, as far as lwIP can tell
  }
  return g_input(p, n);
}

err_t HookedLinkOutput(netif* n, pbuf* p) {
  if (!Observe(p, /*outgoing=*/true)) return ERR_OK;
  return g_linkoutput(n, p);
}

}  // namespace

absl::Status StartLwipStack(const LwipConfig& config) {
  if (g_started) return absl::FailedPreconditionError("the lwIP stack is already running");
  ip4_addr_t ip, mask, gw;
  if (!ip4addr_aton(config.address.c_str(), &ip) || !ip4addr_aton(config.netmask.c_str(), &mask) ||
      !ip4addr_aton(config.gateway.c_str(), &gw)) {
    return absl::InvalidArgumentError(absl::StrCat("bad lwIP address/netmask/gateway: ",
                                                   config.address, " ", config.netmask, " ",
                                                   config.gateway));
  }
  absl::StatusOr<TapDevice> tap = OpenTapDevice(config.tap);
  if (!tap.ok()) return tap.status();
  g_tap = *std::move(tap);
  std::promise<void> ready;
  tcpip_init([](void* arg) { static_cast<std::promise<void>*>(arg)->set_value(); }, &ready);
  ready.get_future().wait();
  LOCK_TCPIP_CORE();
  netif* added = netif_add(&g_netif, &ip, &mask, &gw, &g_tap, TapNetifInit, tcpip_input);
  if (added != nullptr) {
    g_input = g_netif.input;
    g_linkoutput = g_netif.linkoutput;
    g_netif.input = HookedInput;
    g_netif.linkoutput = HookedLinkOutput;
    netif_set_default(&g_netif);
    netif_set_up(&g_netif);
    netif_set_link_up(&g_netif);
  }
  UNLOCK_TCPIP_CORE();
  if (added == nullptr) return absl::UnavailableError("netif_add on the TAP device failed");
  StartTapReader(&g_netif);  // after the hooks: every frame passes them
  g_config = config;
  g_started = true;
  return absl::OkStatus();
}

const LwipConfig& LwipStackConfig() { return g_config; }

FrameHooks* LwipFrameHooks() { return &g_hooks; }

CoreLock::CoreLock() { LOCK_TCPIP_CORE(); }
CoreLock::~CoreLock() { UNLOCK_TCPIP_CORE(); }

}  // namespace closeprobe::agent
