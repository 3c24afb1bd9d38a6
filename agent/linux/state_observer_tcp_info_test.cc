// The observer for stacks without sock_diag (gVisor's sentry), on the host's
// kernel, which has TCP_INFO and /proc/net/tcp too: an open socket's state
// is its own, and a closed handle is not observable, never a CLOSED.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/linux/state_observer_netlink.h"

namespace closeprobe::agent {
namespace {

using ::testing::HasSubstr;

// A listener on 127.0.0.1 and a client connected to it; all closed at the end.
struct LoopbackPair {
  LoopbackPair() {
    listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    EXPECT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(listen(listener, 4), 0);
    getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    client = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), len), 0);
  }
  ~LoopbackPair() {
    if (client >= 0) close(client);
    close(listener);
  }
  int listener = -1, client = -1;
  uint16_t port = 0;
};

TEST(TcpInfoStateObserver, AnOpenSocketsStateIsItsOwn) {
  LoopbackPair pair;
  std::unique_ptr<StateObserver> observer = NewTcpInfoStateObserver();
  absl::StatusOr<ConnectionInfo> listener = observer->Find(
      SocketIdentity{pair.listener, {"127.0.0.1", pair.port}, {}});
  ASSERT_TRUE(listener.ok()) << listener.status();
  EXPECT_EQ(listener->state, v1::TCP_STATE_LISTEN);
  absl::StatusOr<ConnectionInfo> client =
      observer->Find(SocketIdentity{pair.client, {}, {"127.0.0.1", pair.port}});
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(client->state, v1::TCP_STATE_ESTABLISHED);
  EXPECT_EQ(client->remote.port, pair.port);
}

TEST(TcpInfoStateObserver, AClosedHandleIsNotObservable) {
  LoopbackPair pair;
  sockaddr_in local{};
  socklen_t len = sizeof(local);
  getsockname(pair.client, reinterpret_cast<sockaddr*>(&local), &len);
  close(pair.client);
  pair.client = -1;
  // The kernel still holds the connection (FIN_WAIT_2): CLOSED would be a
  // guess.
  absl::StatusOr<ConnectionInfo> closed = NewTcpInfoStateObserver()->Find(
      SocketIdentity{kNoSocket,
                     {"127.0.0.1", ntohs(local.sin_port)},
                     {"127.0.0.1", pair.port}});
  EXPECT_TRUE(IsNotObservable(closed.status())) << closed.status();
  EXPECT_THAT(closed.status().message(), HasSubstr("not observable"));
}

TEST(TcpInfoStateObserver, ASocketThatNeverHadAPortHadNoConnection) {
  absl::StatusOr<ConnectionInfo> never =
      NewTcpInfoStateObserver()->Find(SocketIdentity{});
  ASSERT_TRUE(never.ok()) << never.status();
  EXPECT_EQ(never->state, v1::TCP_STATE_CLOSED);
}

TEST(TcpInfoStateObserver, ProcNetTcpListsTheConnectionsOnAPort) {
  LoopbackPair pair;
  absl::StatusOr<std::vector<ConnectionInfo>> on_port =
      NewTcpInfoStateObserver()->ConnectionsOnPort(pair.port);
  ASSERT_TRUE(on_port.ok()) << on_port.status();
  int listening = 0, established = 0;
  for (const ConnectionInfo& c : *on_port) {
    listening += c.state == v1::TCP_STATE_LISTEN && c.local.port == pair.port;
    established += c.state == v1::TCP_STATE_ESTABLISHED;
  }
  EXPECT_EQ(listening, 1);
  EXPECT_EQ(established,
            2);  // the client's end and the one waiting to be accepted
}

}  // namespace
}  // namespace closeprobe::agent
