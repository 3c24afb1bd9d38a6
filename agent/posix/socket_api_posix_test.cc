// The kernel's Calls row through the shared BSD body, on loopback: the
// proto's enums taken as they are, a blocking send kept within its
// deadline, a call a row declares Absent answered not supported with its
// reason while the rest of the row still serves, and the agent's own poll or
// SO_ERROR read failing answered as the agent's fault, never as an outcome.
#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <future>
#include <string>

#include "agent/bsd/bsd_socket_api.h"
#include "agent/bsd/unix_calls.h"
#include "agent/posix/posix_calls.h"
#include "tests/testutil/broken_poll_posix.h"

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

// The kernel's row whose read of SO_ERROR fails.
struct SoErrorFailsCalls : PosixCalls {
  static int GetOpt(int s, int lv, int n, void* v, socklen_t* l) {
    if (lv == SOL_SOCKET && n == SO_ERROR) {
      errno = ENOBUFS;
      return -1;
    }
    return PosixCalls::GetOpt(s, lv, n, v, l);
  }
};

using testing::BrokenPollCalls;
using PollMode = BrokenPollCalls::Mode;

struct Pair {
  NativeSocket listener = kNoSocket, client = kNoSocket, server = kNoSocket;
};

// A loopback listener through `api`, listening at *at.
NativeSocket Listener(SocketApi& api, Endpoint* at) {
  NativeSocket listener = kNoSocket;
  EXPECT_GE(api.Socket(v1::ADDRESS_FAMILY_INET, &listener).ret, 0);
  EXPECT_EQ(api.Bind(listener, {"127.0.0.1", 0}).ret, 0);
  EXPECT_EQ(api.Listen(listener, 4).ret, 0);
  EXPECT_TRUE(api.LocalEndpoint(listener, at));
  return listener;
}

// A connected loopback pair through `api`.
Pair Connect(SocketApi& api) {
  Pair p;
  Endpoint at;
  p.listener = Listener(api, &at);
  EXPECT_GE(api.Socket(v1::ADDRESS_FAMILY_INET, &p.client).ret, 0);
  EXPECT_EQ(api.Connect(p.client, at, absl::Seconds(5)).ret, 0);
  Endpoint peer;
  EXPECT_GE(api.Accept(p.listener, absl::Seconds(5), &p.server, &peer).ret, 0);
  return p;
}

// Data far more than the pair's buffers, made small, hold from client to server.
std::string MoreThanTheBuffersHold(SocketApi& api, const Pair& p) {
  OptionValue small;
  small.value = 4096;
  api.SetOption(p.client, v1::SOCKET_OPTION_SO_SNDBUF, small);
  api.SetOption(p.server, v1::SOCKET_OPTION_SO_RCVBUF, small);
  return std::string(8 << 20, 'x');
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
  const std::string big = MoreThanTheBuffersHold(api, p);
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

// Makes `call` with the row's poll in `mode`. A call still running after
// `limit` (one that spins past its deadline) gets the kernel's poll back so
// that it ends, and the test fails.
CallResult WithPoll(PollMode mode, absl::Duration limit, std::function<CallResult()> call) {
  BrokenPollCalls::mode = mode;
  std::future<CallResult> done = std::async(std::launch::async, std::move(call));
  const bool in_time =
      done.wait_for(absl::ToChronoMilliseconds(limit)) == std::future_status::ready;
  BrokenPollCalls::mode = PollMode::kWorks;
  EXPECT_TRUE(in_time) << "the call did not end by its deadline";
  return done.get();
}

void ExpectPollFault(const CallResult& r) {
  EXPECT_EQ(r.agent_fault, "the agent's poll()");
  EXPECT_EQ(r.native_error, ENOMEM);
  EXPECT_EQ(r.ret, -1);
  EXPECT_FALSE(r.timed_out);
}

TEST(BsdSocketApi, APollThatFailsIsTheAgentsFaultNotAnErrorEvent) {
  BsdSocketApi<BrokenPollCalls> api;
  const Pair p = Connect(api);
  PollEvents in, fired;
  in.in = true;
  const CallResult r = WithPoll(PollMode::kFails, absl::Seconds(5),
                                [&] { return api.Poll(p.server, in, absl::Seconds(1), &fired); });
  ExpectPollFault(r);
  EXPECT_FALSE(fired.error);
  CloseAll(api, p);
}

// A blocking accept of 300 ms on a listener no one connects to, with the
// row's poll in `mode`; nothing may be accepted.
CallResult AcceptNoOne(PollMode mode) {
  BsdSocketApi<BrokenPollCalls> api;
  Endpoint at, peer;
  const NativeSocket listener = Listener(api, &at);
  NativeSocket accepted = kNoSocket;
  const CallResult r = WithPoll(mode, absl::Seconds(5), [&] {
    return api.Accept(listener, absl::Milliseconds(300), &accepted, &peer);
  });
  EXPECT_EQ(accepted, kNoSocket);
  api.Discard(listener);
  return r;
}

TEST(BsdSocketApi, ABlockingAcceptWhosePollFailsEndsAsTheAgentsFaultByItsDeadline) {
  ExpectPollFault(AcceptNoOne(PollMode::kFails));
}

TEST(BsdSocketApi, AListenerThatPollsReadyWithNothingToTakeTimesOutAtTheDeadline) {
  const CallResult r = AcceptNoOne(PollMode::kAlwaysReady);
  EXPECT_TRUE(r.timed_out);
  EXPECT_TRUE(r.agent_fault.empty());
}

TEST(BsdSocketApi, ABlockingRecvWhosePollFailsIsTheAgentsFaultNotEwouldblock) {
  BsdSocketApi<BrokenPollCalls> api;
  const Pair p = Connect(api);
  std::string got;
  const CallResult r = WithPoll(PollMode::kFails, absl::Seconds(5), [&] {
    return api.Recv(p.server, 100, IoFlags(), absl::Seconds(1), &got);
  });
  ExpectPollFault(r);
  CloseAll(api, p);
}

TEST(BsdSocketApi, ABlockingSendWhosePollFailsIsTheAgentsFaultByItsDeadline) {
  BsdSocketApi<BrokenPollCalls> api;
  const Pair p = Connect(api);
  const std::string big = MoreThanTheBuffersHold(api, p);
  const CallResult r = WithPoll(PollMode::kFails, absl::Seconds(5), [&] {
    return api.Send(p.client, big, IoFlags(), absl::Milliseconds(300));
  });
  ExpectPollFault(r);
  CloseAll(api, p);
}

// A blocking connect to a loopback listener through a row of `Calls`, its
// poll in `mode` (BrokenPollCalls'). A non-blocking connect still in
// SYN_SENT answers EINPROGRESS (Linux: net/ipv4/af_inet.c
// __inet_stream_connect()), so the body waits with poll and reads SO_ERROR.
template <typename Calls>
CallResult ConnectOnLoopback(PollMode mode) {
  BsdSocketApi<Calls> api;
  Endpoint at;
  const NativeSocket listener = Listener(api, &at);
  NativeSocket client = kNoSocket;
  EXPECT_GE(api.Socket(v1::ADDRESS_FAMILY_INET, &client).ret, 0);
  const CallResult r = WithPoll(mode, absl::Seconds(5),
                                [&] { return api.Connect(client, at, absl::Seconds(1)); });
  api.Discard(client);
  api.Discard(listener);
  return r;
}

TEST(BsdSocketApi, ABlockingConnectWhosePollFailsIsTheAgentsFaultNotConnected) {
  ExpectPollFault(ConnectOnLoopback<BrokenPollCalls>(PollMode::kFails));
}

TEST(BsdSocketApi, AConnectWhoseSoErrorCannotBeReadIsTheAgentsFaultNotConnected) {
  const CallResult r = ConnectOnLoopback<SoErrorFailsCalls>(PollMode::kWorks);
  EXPECT_EQ(r.agent_fault, "the agent's getsockopt(SO_ERROR)");
  EXPECT_EQ(r.native_error, ENOBUFS);
  EXPECT_EQ(r.ret, -1);
}

}  // namespace
}  // namespace closeprobe::agent
