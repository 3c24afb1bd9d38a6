#include "tests/testutil/agent_fixture.h"

#include <grpcpp/server_builder.h>

namespace closeprobe::testing {

void AgentFixture::Start(agent::AgentOptions options) {
  absl::StatusOr<agent::Platform> platform = agent::NewPlatform();
  ASSERT_TRUE(platform.ok()) << platform.status();
  Start(std::move(*platform), std::move(options));
}

void AgentFixture::Start(agent::Platform platform, agent::AgentOptions options) {
  Stop();
  service_ = std::make_unique<agent::AgentService>(std::move(platform), options);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(service_->grpc_service());
  server_ = builder.BuildAndStart();
  ASSERT_NE(server_, nullptr);
  stub_ = v1::Agent::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                                 grpc::InsecureChannelCredentials()));
}

void AgentFixture::Stop() {
  if (server_ != nullptr) server_->Shutdown();
  server_.reset();
  service_.reset();
  stub_.reset();
}

std::string AgentFixture::OpenSession(int lease_ms) {
  v1::OpenSessionRequest req;
  req.set_lease_ms(lease_ms);
  v1::OpenSessionReply reply;
  grpc::Status s = Call(&v1::Agent::Stub::OpenSession, req, &reply);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return reply.session();
}

std::string AgentFixture::NewSocket(const std::string& session) {
  v1::SocketRequest req;
  req.set_session(session);
  v1::SocketReply reply;
  grpc::Status s = Call(&v1::Agent::Stub::Socket, req, &reply);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reply.result().error(), v1::ERROR_NAME_OK);
  return reply.handle();
}

std::string AgentFixture::Listen(const std::string& session, uint32_t* port) {
  const std::string h = NewSocket(session);
  v1::BindRequest bind;
  bind.set_session(session);
  bind.set_handle(h);
  bind.mutable_local()->set_address("127.0.0.1");
  bind.mutable_local()->set_port(*port);
  v1::CallReply reply;
  EXPECT_TRUE(Call(&v1::Agent::Stub::Bind, bind, &reply).ok());
  v1::HandleRequest listen;
  listen.set_session(session);
  listen.set_handle(h);
  EXPECT_TRUE(Call(&v1::Agent::Stub::Listen, listen, &reply).ok());
  EXPECT_EQ(reply.result().error(), v1::ERROR_NAME_OK);
  *port = reply.local().port();
  return h;
}

v1::CallResult AgentFixture::TryConnect(const std::string& session, uint32_t port,
                                        std::string* handle) {
  *handle = NewSocket(session);
  v1::ConnectRequest req;
  req.set_session(session);
  req.set_handle(*handle);
  req.mutable_remote()->set_address("127.0.0.1");
  req.mutable_remote()->set_port(port);
  v1::CallReply reply;
  EXPECT_TRUE(Call(&v1::Agent::Stub::Connect, req, &reply).ok());
  return reply.result();
}

std::string AgentFixture::ConnectTo(const std::string& session, uint32_t port) {
  std::string h;
  EXPECT_EQ(TryConnect(session, port, &h).error(), v1::ERROR_NAME_OK);
  return h;
}

std::string AgentFixture::Accept(const std::string& session, const std::string& listener) {
  v1::AcceptRequest req;
  req.set_session(session);
  req.set_handle(listener);
  req.set_deadline_ms(2000);
  v1::SocketReply reply;
  EXPECT_TRUE(Call(&v1::Agent::Stub::Accept, req, &reply).ok());
  EXPECT_EQ(reply.result().error(), v1::ERROR_NAME_OK);
  return reply.handle();
}

AgentFixture::Connection AgentFixture::Connect(const std::string& session) {
  Connection c;
  uint32_t port = 0;
  c.listener = Listen(session, &port);
  c.client = ConnectTo(session, port);
  c.server = Accept(session, c.listener);
  return c;
}

void AgentFixture::SetLinger(const std::string& session, const std::string& handle, bool on,
                             int seconds) {
  v1::SetOptionRequest opt;
  opt.set_session(session);
  opt.set_handle(handle);
  opt.set_option(v1::SOCKET_OPTION_SO_LINGER);
  opt.mutable_value()->mutable_linger()->set_enabled(on);
  opt.mutable_value()->mutable_linger()->set_seconds(seconds);
  v1::CallReply reply;
  ASSERT_TRUE(Call(&v1::Agent::Stub::SetOption, opt, &reply).ok());
  EXPECT_EQ(reply.result().error(), v1::ERROR_NAME_OK);
}

v1::CallResult AgentFixture::Close(const std::string& session, const std::string& handle) {
  v1::HandleRequest req;
  req.set_session(session);
  req.set_handle(handle);
  v1::CallReply reply;
  EXPECT_TRUE(Call(&v1::Agent::Stub::Close, req, &reply).ok());
  return reply.result();
}

v1::WaitStateReply AgentFixture::WaitState(const std::string& session, const std::string& handle,
                                           v1::TcpState state, int deadline_ms) {
  v1::WaitStateRequest req;
  req.set_session(session);
  req.set_handle(handle);
  req.set_state(state);
  req.set_deadline_ms(deadline_ms);
  v1::WaitStateReply reply;
  grpc::Status s = Call(&v1::Agent::Stub::WaitState, req, &reply);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return reply;
}

}  // namespace closeprobe::testing
