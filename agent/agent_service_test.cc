// The agent over real gRPC with real sockets on loopback (no mocks).
#include "agent/agent_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "agent/scheduled_start.h"
#include "agent/timed_socket_api.h"
#include "tests/testutil/agent_fixture.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;
using Stub = v1::Agent::Stub;

class AgentServiceTest : public AgentFixture {
 protected:
  v1::TcpState StateOf(const std::string& s, const std::string& handle) {
    v1::StateRequest req;
    req.set_session(s);
    req.set_handle(handle);
    v1::StateReply reply;
    EXPECT_TRUE(Call(&Stub::GetState, req, &reply).ok());
    return reply.state();
  }

  // A poll of one event for at most a second.
  static v1::PollRequest PollFor(const std::string& s, const std::string& handle,
                                 v1::PollEvent event) {
    v1::PollRequest poll;
    poll.set_session(s);
    poll.set_handle(handle);
    poll.add_events(event);
    poll.set_deadline_ms(1000);
    return poll;
  }

  // A 64-byte send on the accepted side of a connection its peer reset
  // (SO_LINGER {1,0} close).
  v1::SendRequest SendAfterPeerReset(const std::string& s) {
    const auto [lsn, client, server] = Connect(s);
    SetLinger(s, client, true, 0);
    Close(s, client);
    EXPECT_TRUE(WaitState(s, server, v1::TCP_STATE_CLOSED, 2000).reached());
    v1::SendRequest send;
    send.set_session(s);
    send.set_handle(server);
    send.set_length(64);
    return send;
  }
};

TEST_F(AgentServiceTest, InfoDescribesTheLinuxStack) {
  v1::InfoReply info;
  ASSERT_TRUE(Call(&Stub::Info, v1::InfoRequest(), &info).ok());
  EXPECT_EQ(info.platform(), "linux");
  EXPECT_THAT(info.os(), HasSubstr("Linux"));
  EXPECT_EQ(info.settings().count("net.ipv4.tcp_fin_timeout"), 1u);
  EXPECT_EQ(info.test_address(), "");  // not set in the fixture
}

TEST_F(AgentServiceTest, NormalCloseShowsStatesOnBothEnds) {
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);

  EXPECT_EQ(Close(s, client).error(), v1::ERROR_NAME_OK);
  EXPECT_TRUE(WaitState(s, client, v1::TCP_STATE_FIN_WAIT_2, 2000).reached());
  EXPECT_TRUE(WaitState(s, server, v1::TCP_STATE_CLOSE_WAIT, 2000).reached());
  EXPECT_EQ(Close(s, server).error(), v1::ERROR_NAME_OK);
  const v1::WaitStateReply tw = WaitState(s, client, v1::TCP_STATE_TIME_WAIT, 2000);
  EXPECT_TRUE(tw.reached());
  EXPECT_TRUE(WaitState(s, server, v1::TCP_STATE_CLOSED, 2000).reached());

  // The closed client's connection is still visible, orphaned, with its timer.
  v1::StateRequest req;
  req.set_session(s);
  req.set_handle(client);
  v1::StateReply state;
  ASSERT_TRUE(Call(&Stub::GetState, req, &state).ok());
  EXPECT_EQ(state.state(), v1::TCP_STATE_TIME_WAIT);
  EXPECT_TRUE(state.connection().orphaned());
  EXPECT_GT(state.connection().timer_remaining_ms(), 1000);
  EXPECT_LE(state.connection().timer_remaining_ms(), 60000);
}

TEST_F(AgentServiceTest, WaitStateTimeStampsEveryTransitionInOrder) {
  const std::string s = OpenSession();
  const Connection c = Connect(s);  // a named struct: lambdas cannot capture bindings in C++17
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Close(s, c.client);
  });
  const v1::WaitStateReply r = WaitState(s, c.server, v1::TCP_STATE_CLOSE_WAIT, 3000);
  closer.join();
  ASSERT_TRUE(r.reached());
  ASSERT_GE(r.transitions_size(), 2);
  EXPECT_EQ(r.transitions(0).state(), v1::TCP_STATE_ESTABLISHED);
  EXPECT_EQ(r.transitions(r.transitions_size() - 1).state(), v1::TCP_STATE_CLOSE_WAIT);
  const int64_t dwell = r.transitions(1).at_mono_ns() - r.transitions(0).at_mono_ns();
  EXPECT_GT(dwell, 50'000'000);     // the close came after ~100 ms
  EXPECT_LT(dwell, 2'000'000'000);
}

TEST_F(AgentServiceTest, LingerZeroResetsAndThePeerGetsEconnreset) {
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);
  SetLinger(s, client, true, 0);
  EXPECT_EQ(Close(s, client).error(), v1::ERROR_NAME_OK);

  v1::RecvRequest recv;
  recv.set_session(s);
  recv.set_handle(server);
  recv.set_max_bytes(100);
  recv.set_deadline_ms(2000);
  v1::RecvReply got;
  ASSERT_TRUE(Call(&Stub::Recv, recv, &got).ok());
  EXPECT_EQ(got.result().error(), v1::ERROR_NAME_ECONNRESET);
  EXPECT_EQ(got.result().native_name(), "ECONNRESET");
  EXPECT_EQ(got.result().native_code(), 104);
  EXPECT_EQ(got.result().return_value(), -1);
}

TEST_F(AgentServiceTest, SendAfterResetIsEconnresetThenEpipe) {
  const v1::SendRequest send = SendAfterPeerReset(OpenSession());
  v1::SendReply first, second;
  ASSERT_TRUE(Call(&Stub::Send, send, &first).ok());
  ASSERT_TRUE(Call(&Stub::Send, send, &second).ok());
  EXPECT_EQ(first.result().error(), v1::ERROR_NAME_ECONNRESET);
  EXPECT_EQ(second.result().error(), v1::ERROR_NAME_EPIPE);
  EXPECT_EQ(second.result().native_code(), 32);
}

// Without MSG_NOSIGNAL the EPIPE raises SIGPIPE, which the agent holds and
// reports; the process lives on (this test would die otherwise).
TEST_F(AgentServiceTest, SigpipeIsReportedAndNeverDelivered) {
  v1::SendRequest send = SendAfterPeerReset(OpenSession());
  send.set_allow_sigpipe(true);
  v1::SendReply reset, broken, flagged;
  ASSERT_TRUE(Call(&Stub::Send, send, &reset).ok());
  ASSERT_TRUE(Call(&Stub::Send, send, &broken).ok());
  send.set_allow_sigpipe(false);
  ASSERT_TRUE(Call(&Stub::Send, send, &flagged).ok());
  EXPECT_EQ(reset.result().error(), v1::ERROR_NAME_ECONNRESET);
  EXPECT_FALSE(reset.result().sigpipe_raised());
  EXPECT_EQ(broken.result().error(), v1::ERROR_NAME_EPIPE);
  EXPECT_TRUE(broken.result().sigpipe_raised());
  EXPECT_EQ(flagged.result().error(), v1::ERROR_NAME_EPIPE);
  EXPECT_FALSE(flagged.result().sigpipe_raised());
}

TEST_F(AgentServiceTest, BlockingRecvGivesUpAtItsDeadline) {
  const std::string s = OpenSession();
  const std::string client = Connect(s).client;
  v1::RecvRequest recv;
  recv.set_session(s);
  recv.set_handle(client);
  recv.set_max_bytes(10);
  recv.set_deadline_ms(200);
  v1::RecvReply got;
  ASSERT_TRUE(Call(&Stub::Recv, recv, &got).ok());
  EXPECT_EQ(got.result().error(), v1::ERROR_NAME_TIMEOUT);
  EXPECT_GE(got.result().duration_ns(), 150'000'000);
  EXPECT_LT(got.result().duration_ns(), 3'000'000'000);
}

TEST_F(AgentServiceTest, ConnectRefusedIsDataNotAnRpcError) {
  const std::string s = OpenSession();
  uint32_t port = 0;
  const std::string lsn = Listen(s, &port);
  Close(s, lsn);  // nothing listens on `port` any more
  std::string c;
  EXPECT_EQ(TryConnect(s, port, &c).error(), v1::ERROR_NAME_ECONNREFUSED);
}

TEST_F(AgentServiceTest, BadRequestsGetClearStatusesAndTheAgentKeepsServing) {
  const std::string s = OpenSession();
  const std::string h = NewSocket(s);
  v1::CallReply call;
  v1::SendReply sent;
  v1::RecvReply got;

  v1::HandleRequest unknown_handle;
  unknown_handle.set_session(s);
  unknown_handle.set_handle("h999");
  grpc::Status st = Call(&Stub::Close, unknown_handle, &call);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(st.error_message(), HasSubstr("h999"));

  v1::HandleRequest no_session;
  no_session.set_handle(h);
  st = Call(&Stub::Close, no_session, &call);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("session"));

  v1::HandleRequest unknown_session;
  unknown_session.set_session("feedface");
  unknown_session.set_handle(h);
  EXPECT_EQ(Call(&Stub::Close, unknown_session, &call).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::SendRequest negative;
  negative.set_session(s);
  negative.set_handle(h);
  negative.set_length(-5);
  st = Call(&Stub::Send, negative, &sent);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("-5"));

  v1::SendRequest oversized = negative;
  oversized.set_length(1 << 30);
  EXPECT_EQ(Call(&Stub::Send, oversized, &sent).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::RecvRequest zero_recv;
  zero_recv.set_session(s);
  zero_recv.set_handle(h);
  zero_recv.set_max_bytes(0);
  EXPECT_EQ(Call(&Stub::Recv, zero_recv, &got).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::RecvRequest negative_deadline = zero_recv;
  negative_deadline.set_max_bytes(10);
  negative_deadline.set_deadline_ms(-1);
  EXPECT_EQ(Call(&Stub::Recv, negative_deadline, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::SetOptionRequest bad_linger;
  bad_linger.set_session(s);
  bad_linger.set_handle(h);
  bad_linger.set_option(v1::SOCKET_OPTION_SO_LINGER);
  bad_linger.mutable_value()->mutable_linger()->set_seconds(-1);
  st = Call(&Stub::SetOption, bad_linger, &call);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("linger"));

  v1::SetOptionRequest unknown_option = bad_linger;
  unknown_option.set_option(static_cast<v1::SocketOption>(99));
  EXPECT_EQ(Call(&Stub::SetOption, unknown_option, &call).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::BindRequest bad_address;
  bad_address.set_session(s);
  bad_address.set_handle(h);
  bad_address.mutable_local()->set_address("not-an-address");
  EXPECT_EQ(Call(&Stub::Bind, bad_address, &call).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::ShutdownRequest no_how;
  no_how.set_session(s);
  no_how.set_handle(h);
  EXPECT_EQ(Call(&Stub::Shutdown, no_how, &call).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  Close(s, h);
  v1::HandleRequest closed = unknown_handle;
  closed.set_handle(h);
  EXPECT_EQ(Call(&Stub::Listen, closed, &call).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::OpenSessionRequest huge_lease;
  huge_lease.set_lease_ms(100'000'000);
  v1::OpenSessionReply opened;
  EXPECT_EQ(Call(&Stub::OpenSession, huge_lease, &opened).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Still serving, and the session still works.
  v1::InfoReply info;
  EXPECT_TRUE(Call(&Stub::Info, v1::InfoRequest(), &info).ok());
  EXPECT_FALSE(NewSocket(s).empty());
}

TEST_F(AgentServiceTest, TokenIsRequiredOnEveryCallWhenConfigured) {
  agent::AgentOptions options;
  options.auth.token = "s3cret";
  Start(options);
  v1::InfoReply info;
  EXPECT_EQ(Call(&Stub::Info, v1::InfoRequest(), &info).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(&Stub::Info, v1::InfoRequest(), &info, "wrong").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Call(&Stub::Info, v1::InfoRequest(), &info, "s3cret").ok());
  v1::OpenSessionReply opened;
  EXPECT_EQ(Call(&Stub::OpenSession, v1::OpenSessionRequest(), &opened).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AgentServiceTest, ExpiredLeaseClosesEverySocketOfTheSession) {
  const std::string s = OpenSession(/*lease_ms=*/300);
  uint32_t port = 0;
  Listen(s, &port);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(service()->sessions().SessionCount(), 0);
  v1::SessionRequest renew;
  renew.set_session(s);
  v1::RenewSessionReply renewed;
  EXPECT_EQ(Call(&Stub::RenewSession, renew, &renewed).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Nothing listens on the port any more.
  std::string c;
  EXPECT_EQ(TryConnect(OpenSession(), port, &c).error(), v1::ERROR_NAME_ECONNREFUSED);
}

TEST_F(AgentServiceTest, CloseSessionReportsTheSocketsItClosed) {
  const std::string s = OpenSession();
  NewSocket(s);
  NewSocket(s);
  const std::string closed = NewSocket(s);
  Close(s, closed);
  v1::SessionRequest req;
  req.set_session(s);
  v1::CloseSessionReply reply;
  ASSERT_TRUE(Call(&Stub::CloseSession, req, &reply).ok());
  EXPECT_EQ(reply.sockets_closed(), 2);
}

TEST_F(AgentServiceTest, GetOptionReadsBackLinger) {
  const std::string s = OpenSession();
  const std::string h = NewSocket(s);
  v1::SetOptionRequest set;
  set.set_session(s);
  set.set_handle(h);
  set.set_option(v1::SOCKET_OPTION_SO_LINGER);
  set.mutable_value()->mutable_linger()->set_enabled(true);
  set.mutable_value()->mutable_linger()->set_seconds(7);
  v1::CallReply reply;
  ASSERT_TRUE(Call(&Stub::SetOption, set, &reply).ok());
  v1::GetOptionRequest get;
  get.set_session(s);
  get.set_handle(h);
  get.set_option(v1::SOCKET_OPTION_SO_LINGER);
  v1::GetOptionReply value;
  ASSERT_TRUE(Call(&Stub::GetOption, get, &value).ok());
  EXPECT_TRUE(value.value().linger().enabled());
  EXPECT_EQ(value.value().linger().seconds(), 7);
}

TEST_F(AgentServiceTest, PollReportsWhatTheStackReportsAfterThePeersFin) {
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);
  v1::PollRequest poll = PollFor(s, client, v1::POLL_EVENT_OUT);
  v1::PollReply writable;
  ASSERT_TRUE(Call(&Stub::Poll, poll, &writable).ok());
  EXPECT_EQ(writable.result().return_value(), 1);
  EXPECT_THAT(writable.fired(), ::testing::ElementsAre(v1::POLL_EVENT_OUT));

  Close(s, server);
  poll.clear_events();
  poll.add_events(v1::POLL_EVENT_IN);
  poll.add_events(v1::POLL_EVENT_RDHUP);
  v1::PollReply after_fin;
  ASSERT_TRUE(Call(&Stub::Poll, poll, &after_fin).ok());
  EXPECT_THAT(after_fin.fired(),
              ::testing::ElementsAre(v1::POLL_EVENT_IN, v1::POLL_EVENT_RDHUP));
}

TEST_F(AgentServiceTest, PollRefusesEventsItCannotWaitFor) {
  const std::string s = OpenSession();
  v1::PollRequest poll;
  poll.set_session(s);
  poll.set_handle(NewSocket(s));
  v1::PollReply reply;
  grpc::Status none = Call(&Stub::Poll, poll, &reply);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(none.error_message(), HasSubstr("at least one event"));
  poll.add_events(v1::POLL_EVENT_HUP);
  grpc::Status hup = Call(&Stub::Poll, poll, &reply);
  EXPECT_EQ(hup.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(hup.error_message(), HasSubstr("always reported"));
}

TEST_F(AgentServiceTest, NamesAreTheSocketsRealAddresses) {
  const std::string s = OpenSession();
  uint32_t port = 0;
  const std::string lsn = Listen(s, &port);
  const std::string client = ConnectTo(s, port);
  v1::NameRequest req;
  req.set_session(s);
  req.set_handle(client);
  v1::NameReply peer, local;
  ASSERT_TRUE(Call(&Stub::GetPeerName, req, &peer).ok());
  ASSERT_TRUE(Call(&Stub::GetSockName, req, &local).ok());
  EXPECT_EQ(peer.endpoint().port(), port);
  EXPECT_NE(local.endpoint().port(), 0u);
  req.set_handle(lsn);
  v1::NameReply unconnected;
  ASSERT_TRUE(Call(&Stub::GetPeerName, req, &unconnected).ok());
  EXPECT_EQ(unconnected.result().error(), v1::ERROR_NAME_ENOTCONN);
  EXPECT_FALSE(unconnected.has_endpoint());
}

TEST_F(AgentServiceTest, PeekLeavesDataAndDontWaitNeverBlocks) {
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);
  v1::RecvRequest recv;
  recv.set_session(s);
  recv.set_handle(server);
  recv.set_max_bytes(100);
  recv.set_dont_wait(true);
  recv.set_deadline_ms(5000);
  v1::RecvReply empty;
  ASSERT_TRUE(Call(&Stub::Recv, recv, &empty).ok());
  EXPECT_EQ(empty.result().error(), v1::ERROR_NAME_EWOULDBLOCK);
  EXPECT_LT(empty.result().duration_ns(), 1'000'000'000);  // not the 5 s deadline

  v1::SendRequest send;
  send.set_session(s);
  send.set_handle(client);
  send.set_data("peek me");
  v1::SendReply sent;
  ASSERT_TRUE(Call(&Stub::Send, send, &sent).ok());
  recv.set_dont_wait(false);
  recv.set_peek(true);
  v1::RecvReply peeked, read;
  ASSERT_TRUE(Call(&Stub::Recv, recv, &peeked).ok());
  recv.set_peek(false);
  ASSERT_TRUE(Call(&Stub::Recv, recv, &read).ok());
  EXPECT_EQ(peeked.data(), "peek me");
  EXPECT_EQ(read.data(), "peek me");
}

// A scheduled call is held until its instant and the instant belongs to the
// socket call itself: bookkeeping a handler does first (close() refreshes
// the socket's addresses) must not take it.
TEST_F(AgentServiceTest, ScheduledCallsHoldTheSocketCallItself) {
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);
  auto scheduled = [&](auto method, const auto& req, v1::CallReply* reply) {
    const int64_t at = agent::MonotonicNowNs() + 30'000'000;
    grpc::ClientContext ctx;
    ctx.AddMetadata(agent::kStartAtMetadata, std::to_string(at));
    EXPECT_TRUE((stub_.get()->*method)(&ctx, req, reply).ok());
    return at;
  };
  v1::ShutdownRequest shut;
  shut.set_session(s);
  shut.set_handle(server);
  shut.set_how(v1::SHUTDOWN_HOW_WRITE);
  v1::HandleRequest close;
  close.set_session(s);
  close.set_handle(client);
  for (const char* what : {"shutdown", "close"}) {
    SCOPED_TRACE(what);
    v1::CallReply reply;
    const int64_t at = std::string(what) == "close"
                           ? scheduled(&Stub::Close, close, &reply)
                           : scheduled(&Stub::Shutdown, shut, &reply);
    EXPECT_EQ(reply.result().error(), v1::ERROR_NAME_OK);
    EXPECT_EQ(reply.result().requested_start_mono_ns(), at);
    EXPECT_GE(reply.result().start_mono_ns(), at);
    EXPECT_LT(reply.result().start_mono_ns() - at, 20'000'000) << "held, then started late";
  }
}

// An accepted connection the client reset before accept(): its state is its
// own (gone), never the listener's LISTEN on the same port.
TEST_F(AgentServiceTest, AcceptedConnectionResetBeforeAcceptIsNotItsListener) {
  const std::string s = OpenSession();
  uint32_t port = 0;
  const std::string lsn = Listen(s, &port);
  const std::string client = ConnectTo(s, port);
  SetLinger(s, client, true, 0);
  ASSERT_EQ(Close(s, client).error(), v1::ERROR_NAME_OK);  // RST
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string server = Accept(s, lsn);
  EXPECT_EQ(StateOf(s, lsn), v1::TCP_STATE_LISTEN);
  EXPECT_NE(StateOf(s, server), v1::TCP_STATE_LISTEN);
  EXPECT_EQ(StateOf(s, server), v1::TCP_STATE_CLOSED);
}

// A closed listener answers for itself (gone), not for a later listener on
// its port.
TEST_F(AgentServiceTest, ClosedListenerIsNotTheNextListenerOnItsPort) {
  const std::string s = OpenSession();
  uint32_t port = 0;
  const std::string first = Listen(s, &port);
  ASSERT_EQ(Close(s, first).error(), v1::ERROR_NAME_OK);
  uint32_t same = port;
  const std::string second = Listen(s, &same);
  ASSERT_EQ(same, port);
  EXPECT_EQ(StateOf(s, second), v1::TCP_STATE_LISTEN);
  EXPECT_EQ(StateOf(s, first), v1::TCP_STATE_CLOSED);
}

}  // namespace
}  // namespace closeprobe::testing

namespace closeprobe::testing {
namespace {

// The fixture's agent runs without --allow_faults: no crafted segments.
TEST_F(AgentServiceTest, InjectIsUnimplementedWithoutTheFeature) {
  const std::string s = OpenSession();
  v1::InfoReply info;
  ASSERT_TRUE(Call(&Stub::Info, v1::InfoRequest(), &info).ok());
  EXPECT_THAT(info.features(), ::testing::Not(::testing::Contains("inject")));
  v1::InjectRequest req;
  req.set_session(s);
  req.set_capture("1");
  req.set_flags("R");
  v1::InjectReply reply;
  const grpc::Status st = Call(&Stub::Inject, req, &reply);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(st.error_message(), HasSubstr("--allow_faults"));
}

}  // namespace
TEST_F(AgentServiceTest, DupGivesASecondHandleAndOneCloseSendsNoFin) {
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);
  v1::HandleRequest dup;
  dup.set_session(s);
  dup.set_handle(server);
  v1::SocketReply copy;
  ASSERT_TRUE(Call(&Stub::Dup, dup, &copy).ok());
  ASSERT_EQ(copy.result().error(), v1::ERROR_NAME_OK);
  ASSERT_FALSE(copy.handle().empty());
  EXPECT_NE(copy.handle(), server);

  EXPECT_EQ(Close(s, server).error(), v1::ERROR_NAME_OK);
  // The other descriptor keeps the socket: the client sees no FIN.
  EXPECT_FALSE(WaitState(s, client, v1::TCP_STATE_CLOSE_WAIT, 300).reached());
  EXPECT_EQ(Close(s, copy.handle()).error(), v1::ERROR_NAME_OK);
  EXPECT_TRUE(WaitState(s, client, v1::TCP_STATE_CLOSE_WAIT, 2000).reached());
}

TEST_F(AgentServiceTest, AWaitingRecvHoldsItsSocketAgainstACloseFromAnotherCall) {
  const std::string s = OpenSession();
  const Connection c = Connect(s);
  v1::RecvRequest recv;
  recv.set_session(s);
  recv.set_handle(c.server);
  recv.set_max_bytes(100);
  recv.set_deadline_ms(1000);
  v1::RecvReply got;
  std::thread waiter([&] { ASSERT_TRUE(Call(&Stub::Recv, recv, &got).ok()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Close(s, c.server).error(), v1::ERROR_NAME_OK);
  // As with a recv blocked in the kernel: the close neither wakes it nor
  // sends the FIN while it waits.
  EXPECT_FALSE(WaitState(s, c.client, v1::TCP_STATE_CLOSE_WAIT, 300).reached());
  waiter.join();
  EXPECT_EQ(got.result().error(), v1::ERROR_NAME_TIMEOUT);
  EXPECT_TRUE(WaitState(s, c.client, v1::TCP_STATE_CLOSE_WAIT, 2000).reached());
}

TEST_F(AgentServiceTest, ShutdownOfTheListenerWakesAWaitingAccept) {
  const std::string s = OpenSession();
  const Connection c = Connect(s);
  v1::AcceptRequest accept;
  accept.set_session(s);
  accept.set_handle(c.listener);
  accept.set_deadline_ms(3000);
  v1::SocketReply got;
  std::thread waiter([&] { ASSERT_TRUE(Call(&Stub::Accept, accept, &got).ok()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  v1::ShutdownRequest shut;
  shut.set_session(s);
  shut.set_handle(c.listener);
  shut.set_how(v1::SHUTDOWN_HOW_BOTH);
  v1::CallReply done;
  ASSERT_TRUE(Call(&Stub::Shutdown, shut, &done).ok());
  waiter.join();
  EXPECT_EQ(got.result().error(), v1::ERROR_NAME_EINVAL);
  EXPECT_LT(got.result().duration_ns(), 2'000'000'000);  // woken, not timed out
}

}  // namespace closeprobe::testing
