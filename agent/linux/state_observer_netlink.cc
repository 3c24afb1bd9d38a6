// TCP states from the Linux kernel through NETLINK_SOCK_DIAG (what `ss`
// uses). A dump includes orphaned sockets (FIN_WAIT_2, LAST_ACK) and
// TIME_WAIT mini-sockets, which no file descriptor can show.
#include "agent/linux/state_observer_netlink.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "agent/linux/tcp_states_linux.h"

namespace closeprobe::agent {
namespace {

Endpoint ToEndpoint(int family, const __be32 addr[4], __be16 port) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, addr, text, sizeof(text));
  return Endpoint{text, ntohs(port)};
}

// Normalises "any" and IPv4-mapped forms so tuples compare equal.
std::string Canonical(const std::string& address) {
  if (address.empty() || address == "::") return "0.0.0.0";
  if (address.rfind("::ffff:", 0) == 0) return address.substr(7);
  return address;
}

struct DiagEntry {
  ConnectionInfo info;
  uint64_t inode = 0;
};

class NetlinkStateObserver final : public StateObserver {
 public:
  absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(
      uint16_t port) override {
    absl::StatusOr<std::vector<DiagEntry>> all = DumpAll();
    if (!all.ok()) return all.status();
    std::vector<ConnectionInfo> out;
    for (const DiagEntry& e : *all) {
      if (e.info.local.port == port || e.info.remote.port == port) {
        out.push_back(e.info);
      }
    }
    return out;
  }

  absl::StatusOr<ConnectionInfo> Find(const SocketIdentity& id) override {
    // A connection is looked up by its 4-tuple, which the kernel answers from
    // its hash at once; a dump walks every bucket of the host's table (a
    // millisecond and more of kernel time), too slow to sample every 1 ms.
    if (id.remote.port != 0 && id.local.port != 0) {
      absl::StatusOr<ConnectionInfo> found = FindConnection(id);
      // The hash lookup can miss a connection in the instant the kernel
      // swaps its socket for a timewait one (close() of a FIN_WAIT_2
      // orphan): a CLOSED is reported only when a dump agrees.
      if (!found.ok() || found->state != v1::TCP_STATE_CLOSED) return found;
    }
    absl::StatusOr<std::vector<DiagEntry>> all = DumpAll();
    if (!all.ok()) return all.status();
    if (id.native != kNoSocket) {
      // An open socket is matched exactly by its inode.
      struct stat st {};
      if (fstat(static_cast<int>(id.native), &st) == 0) {
        for (const DiagEntry& e : *all) {
          if (e.inode == st.st_ino) return e.info;
        }
      }
    }
    // A listener or a closed handle: matched by its tuple, an orphan first
    // (never a listener for a socket that is not one).
    const DiagEntry* best = nullptr;
    for (const DiagEntry& e : *all) {
      if (!SameTuple(e.info, id)) continue;
      if (best == nullptr || (e.inode == 0 && best->inode != 0)) best = &e;
    }
    return best ? best->info : ClosedConnection(id);
  }

 private:
  static bool SameTuple(const ConnectionInfo& c, const SocketIdentity& id) {
    if (c.local.port != id.local.port || c.remote.port != id.remote.port) {
      return false;
    }
    if (id.remote.port == 0) return id.OwnsUnconnected(c);  // an open listener: the port decides
    return Canonical(c.remote.address) == Canonical(id.remote.address) &&
           (Canonical(id.local.address) == "0.0.0.0" ||
            Canonical(c.local.address) == Canonical(id.local.address));
  }

  absl::StatusOr<std::vector<DiagEntry>> DumpAll() {
    std::vector<DiagEntry> out;
    for (int family : {AF_INET, AF_INET6}) {
      absl::Status s = Dump(family, &out);
      if (!s.ok()) return s;
    }
    return out;
  }

  // A sock_diag request for TCP sockets of `family` in every state: all of
  // them (a dump), or with `id` the one socket of that 4-tuple.
  static absl::Status Request(int family, const inet_diag_sockid* id,
                              std::vector<DiagEntry>* out) {
    struct {
      nlmsghdr nlh;
      inet_diag_req_v2 req;
    } msg{};
    msg.nlh.nlmsg_len = sizeof(msg);
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = id == nullptr ? NLM_F_REQUEST | NLM_F_DUMP : NLM_F_REQUEST;
    msg.req.sdiag_family = static_cast<uint8_t>(family);
    msg.req.sdiag_protocol = IPPROTO_TCP;
    msg.req.idiag_states = ~0U;  // every state, TIME_WAIT included
    if (id != nullptr) msg.req.id = *id;
    const int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat("NETLINK_SOCK_DIAG socket: ", std::strerror(errno)));
    }
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    absl::Status status =
        sendto(fd, &msg, sizeof(msg), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0
            ? absl::UnavailableError(absl::StrCat("sock_diag request: ", std::strerror(errno)))
            : ReadReplies(fd, family, out, /*one=*/id != nullptr);
    close(fd);
    return status;
  }

  static absl::Status Dump(int family, std::vector<DiagEntry>* out) {
    return Request(family, nullptr, out);
  }

  // The connection with this 4-tuple, open or orphaned (inode 0), or CLOSED
  // when the kernel holds none: whether the descriptor was just closed on
  // another thread does not matter, so no CLOSED is invented in between.
  static absl::StatusOr<ConnectionInfo> FindConnection(const SocketIdentity& id) {
    const int family = id.local.address.find(':') == std::string::npos &&
                               id.remote.address.find(':') == std::string::npos
                           ? AF_INET
                           : AF_INET6;
    inet_diag_sockid tuple{};
    tuple.idiag_sport = htons(id.local.port);
    tuple.idiag_dport = htons(id.remote.port);
    tuple.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    tuple.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (inet_pton(family, Canonical(id.local.address).c_str(), tuple.idiag_src) != 1 ||
        inet_pton(family, Canonical(id.remote.address).c_str(), tuple.idiag_dst) != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot look up ", id.local.address, " -> ", id.remote.address));
    }
    std::vector<DiagEntry> found;
    absl::Status status = Request(family, &tuple, &found);
    if (!status.ok()) return status;
    // The kernel's lookup falls back to a listener on the local port (as for
    // an arriving segment): that is not this connection.
    if (found.empty() || found.front().info.remote.port != id.remote.port) return ClosedConnection(id);
    return found.front().info;
  }

  static absl::Status ReadReplies(int fd, int family, std::vector<DiagEntry>* out,
                                  bool one = false) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      const ssize_t n = recv(fd, buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return absl::UnavailableError(
            absl::StrCat("sock_diag reply: ", std::strerror(errno)));
      }
      int left = static_cast<int>(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, left);
           h = NLMSG_NEXT(h, left)) {
        if (h->nlmsg_type == NLMSG_DONE) return absl::OkStatus();
        if (h->nlmsg_type == NLMSG_ERROR) {
          const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
          if (one && err->error == -ENOENT) return absl::OkStatus();  // no such socket
          return absl::UnavailableError(
              absl::StrCat("sock_diag answered with an error: ", std::strerror(-err->error)));
        }
        const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
        DiagEntry e;
        e.info.local = ToEndpoint(family, m->id.idiag_src, m->id.idiag_sport);
        e.info.remote = ToEndpoint(family, m->id.idiag_dst, m->id.idiag_dport);
        e.info.state = FromKernelTcpState(m->idiag_state);
        e.info.timer_remaining_ms =
            m->idiag_timer != 0 ? static_cast<int64_t>(m->idiag_expires) : -1;
        e.info.retransmits = m->idiag_retrans;
        e.info.orphaned = m->idiag_inode == 0;
        e.inode = m->idiag_inode;
        out->push_back(e);
        if (one) return absl::OkStatus();
      }
    }
  }
};

}  // namespace

// Kernel TCP state numbers (include/net/tcp_states.h).
v1::TcpState FromKernelTcpState(int s) {
  switch (s) {
    case 1: return v1::TCP_STATE_ESTABLISHED;
    case 2: return v1::TCP_STATE_SYN_SENT;
    case 3: return v1::TCP_STATE_SYN_RECEIVED;
    case 4: return v1::TCP_STATE_FIN_WAIT_1;
    case 5: return v1::TCP_STATE_FIN_WAIT_2;
    case 6: return v1::TCP_STATE_TIME_WAIT;
    case 7: return v1::TCP_STATE_CLOSED;
    case 8: return v1::TCP_STATE_CLOSE_WAIT;
    case 9: return v1::TCP_STATE_LAST_ACK;
    case 10: return v1::TCP_STATE_LISTEN;
    case 11: return v1::TCP_STATE_CLOSING;
    case 12: return v1::TCP_STATE_SYN_RECEIVED;  // TCP_NEW_SYN_RECV
    default: return v1::TCP_STATE_UNSPECIFIED;
  }
}

bool HasSockDiag() {
  const int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return errno != EPROTONOSUPPORT;
  close(fd);
  return true;
}

std::unique_ptr<StateObserver> NewNetlinkStateObserver() {
  return std::make_unique<NetlinkStateObserver>();
}

}  // namespace closeprobe::agent
