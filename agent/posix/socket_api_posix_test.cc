// The kernel's Calls row through the shared BSD body, on loopback: the
// proto's enums taken as they are, a blocking send kept within its
// deadline, and a call a row declares Absent answered not supported with
// its reason while the rest of the row still serves.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "agent/bsd/bsd_socket_api.h"
#include "agent/bsd/unix_calls.h"
#include "agent/posix/posix_calls.h"

namespace closeprobe::agent {
namespace {

// The kernel's row, but for a stack that has no shutdown().
struct NoShutdownCalls : PosixCalls {
  static constexpr bsd::Absent Shutdown{"this stack has no shutdown()"};
};

// A row that declares no dup() of its own has OptionalCalls' Absent one.
struct BareUnixRow : bsd::UnixCalls<BareUnixRow> {};
static_assert(bsd::kIsAbsent<decltype(BareUnixRow::Dup)>,
              "a call a row leaves out is Absent, not a compile error");

// The kernel's row with its dup() taken away again: OptionalCalls' answer.
struct NoDupCalls : PosixCalls {
  using bsd::OptionalCalls::Dup;
};

struct Pair {
  NativeSocket listener = kNoSocket, client = kNoSocket, server = kNoSocket;
};

// A connected loopback pair through `api`.
Pair Connect(SocketApi& api) {
  Pair p;
  EXPECT_EQ(api.Socket(v1::ADDRESS_FAMILY_INET, &p.listener).ret >= 0, true);
  EXPECT_EQ(api.Bind(p.listener, {"127.0.0.1", 0}).ret, 0);
  EXPECT_EQ(api.Listen(p.listener, 4).ret, 0);
  Endpoint at;
  EXPECT_TRUE(api.LocalEndpoint(p.listener, &at));
  EXPECT_GE(api.Socket(v1::ADDRESS_FAMILY_INET, &p.client).ret, 0);
  EXPECT_EQ(api.Connect(p.client, at, absl::Seconds(5)).ret, 0);
  Endpoint peer;
  EXPECT_GE(api.Accept(p.listener, absl::Seconds(5), &p.server, &peer).ret, 0);
  return p;
}

void CloseAll(SocketApi& api, const Pair& p) {
  for (NativeSocket s : {p.listener, p.client, p.server}) {
    if (s != kNoSocket) api.Discard(s);
  }
}

TEST(BsdSocketApi, TakesTheProtoOptionEnumAsItIs) {
  BsdSocketApi<PosixCalls> api;
  NativeSocket s = kNoSocket;
  ASSERT_GE(api.Socket(v1::ADDRESS_FAMILY_INET, &s).ret, 0);
  OptionValue linger;
  linger.linger_on = true;
  linger.linger_seconds = 3;
  EXPECT_EQ(api.SetOption(s, v1::SOCKET_OPTION_SO_LINGER, linger).ret, 0);
  OptionValue back;
  EXPECT_EQ(api.GetOption(s, v1::SOCKET_OPTION_SO_LINGER, &back).ret, 0);
  EXPECT_TRUE(back.linger_on);
  EXPECT_EQ(back.linger_seconds, 3);
  OptionValue on;
  on.enabled = true;
  EXPECT_EQ(api.SetOption(s, v1::SOCKET_OPTION_TCP_NODELAY, on).ret, 0);
  EXPECT_EQ(api.GetOption(s, v1::SOCKET_OPTION_TCP_NODELAY, &back).ret, 0);
  EXPECT_TRUE(back.enabled);
  // Linux has no SO_EXCLUSIVEADDRUSE: not looked up, so not supported.
  EXPECT_TRUE(api.SetOption(s, v1::SOCKET_OPTION_SO_EXCLUSIVEADDRUSE, on).unsupported);
  api.Discard(s);
}

TEST(BsdSocketApi, ABlockingSendThatCannotFinishStopsAtItsDeadlineWithWhatWasQueued) {
  BsdSocketApi<PosixCalls> api;
  const Pair p = Connect(api);
  OptionValue small;
  small.value = 4096;
  api.SetOption(p.client, v1::SOCKET_OPTION_SO_SNDBUF, small);
  api.SetOption(p.server, v1::SOCKET_OPTION_SO_RCVBUF, small);
  const std::string big(8 << 20, 'x');  // far more than both buffers hold
  const CallResult r = api.Send(p.client, big, IoFlags(), absl::Milliseconds(200));
  EXPECT_TRUE(r.timed_out);
  EXPECT_GT(r.ret, 0);
  EXPECT_LT(r.ret, static_cast<int64_t>(big.size()));
  // The socket is blocking again afterwards: a recv on the peer waits.
  std::string got;
  EXPECT_GT(api.Recv(p.server, 100, IoFlags(), absl::Seconds(1), &got).ret, 0);
  CloseAll(api, p);
}

TEST(BsdSocketApi, AnAbsentCallIsNotSupportedWithItsReasonAndTheRestServes) {
  BsdSocketApi<NoShutdownCalls> api;
  const Pair p = Connect(api);
  const CallResult r = api.Shutdown(p.client, v1::SHUTDOWN_HOW_WRITE);
  EXPECT_TRUE(r.unsupported);
  EXPECT_EQ(r.ret, -1);
  EXPECT_EQ(r.native_error, ENOPROTOOPT);
  EXPECT_EQ(r.unsupported_reason, "this stack has no shutdown()");
  // Nothing was shut down: data still flows both ways.
  EXPECT_EQ(api.Send(p.client, "hello", IoFlags(), absl::Seconds(1)).ret, 5);
  std::string got;
  EXPECT_EQ(api.Recv(p.server, 100, IoFlags(), absl::Seconds(1), &got).ret, 5);
  EXPECT_EQ(got, "hello");
  CloseAll(api, p);
}

TEST(BsdSocketApi, ACallARowLeavesOutIsNotSupportedWithTheDefaultReason) {
  BsdSocketApi<NoDupCalls> api;
  const Pair p = Connect(api);
  NativeSocket copy = 7;
  const CallResult r = api.Dup(p.client, &copy);
  EXPECT_TRUE(r.unsupported);
  EXPECT_EQ(copy, kNoSocket);
  EXPECT_EQ(r.unsupported_reason, bsd::OptionalCalls::Dup.reason);
  CloseAll(api, p);
}

TEST(BsdSocketApi, TheKernelRowHasShutdown) {
  BsdSocketApi<PosixCalls> api;
  const Pair p = Connect(api);
  EXPECT_EQ(api.Shutdown(p.client, v1::SHUTDOWN_HOW_WRITE).ret, 0);
  std::string got;
  const CallResult eof = api.Recv(p.server, 100, IoFlags(), absl::Seconds(1), &got);
  EXPECT_EQ(eof.ret, 0);  // the FIN: end of stream
  EXPECT_FALSE(eof.unsupported);
  CloseAll(api, p);
}

}  // namespace
}  // namespace closeprobe::agent
