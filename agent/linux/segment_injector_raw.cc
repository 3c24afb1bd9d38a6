// Injection on Linux: a raw IPv4 socket with the header included
// (IPPROTO_RAW, raw(7)); the kernel routes the packet out of the interface
// toward the destination and fills in only the IP id and checksum, so the
// TCP segment leaves exactly as built. Needs CAP_NET_RAW.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "agent/linux/platform_linux.h"

namespace closeprobe::agent {
namespace {

class RawSocketInjector final : public SegmentInjector {
 public:
  explicit RawSocketInjector(int fd) : fd_(fd) {}
  ~RawSocketInjector() override { close(fd_); }

  absl::StatusOr<std::string> Send(const std::string& packet,
                                   const std::string& dst_address) override {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    if (inet_pton(AF_INET, dst_address.c_str(), &to.sin_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("'", dst_address, "' is not IPv4"));
    }
    const ssize_t n = sendto(fd_, packet.data(), packet.size(), 0,
                             reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    if (n != static_cast<ssize_t>(packet.size())) {
      return absl::InternalError(absl::StrCat("sendto on the raw socket: ", strerror(errno)));
    }
    return absl::StrCat("raw IPv4 socket, routed to ", dst_address);
  }

 private:
  const int fd_;
};

}  // namespace

std::unique_ptr<SegmentInjector> NewRawSocketInjector() {
  const int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0) return nullptr;
  const uint32_t mark = kInjectedPacketMark;
  if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) {
    close(fd);
    return nullptr;
  }
  return std::make_unique<RawSocketInjector>(fd);
}

}  // namespace closeprobe::agent
