// An in-process closeprobe agent over real gRPC on 127.0.0.1 with the real
// platform of this build (no mocks): tests call it through a stub, exactly as
// the controller does. "Must succeed" helpers keep tests short.
#ifndef CLOSEPROBE_TESTS_TESTUTIL_AGENT_FIXTURE_H_
#define CLOSEPROBE_TESTS_TESTUTIL_AGENT_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "agent/agent_service.h"
#include "closeprobe/v1/agent.grpc.pb.h"

namespace closeprobe::testing {

class AgentFixture : public ::testing::Test {
 protected:
  void SetUp() override { Start(agent::AgentOptions()); }
  void TearDown() override { Stop(); }

  // (Re)starts the agent with the given options.
  void Start(agent::AgentOptions options);
  // The same on a platform the test made (this build's, with a piece swapped).
  void Start(agent::Platform platform, agent::AgentOptions options);
  void Stop();

  // One unary call; the status is returned, the reply filled.
  template <typename Req, typename Reply>
  grpc::Status Call(grpc::Status (v1::Agent::Stub::*method)(grpc::ClientContext*, const Req&,
                                                            Reply*),
                    const Req& req, Reply* reply, const std::string& token = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    return (stub_.get()->*method)(&ctx, req, reply);
  }

  // Must-succeed helpers (the RPC must be OK; the socket call may still fail).
  std::string OpenSession(int lease_ms = 0);
  std::string NewSocket(const std::string& session);
  // A listener on 127.0.0.1:*port (0: any); returns its handle and sets *port.
  std::string Listen(const std::string& session, uint32_t* port);
  // Connects a new socket to 127.0.0.1:port; returns the connect() result.
  v1::CallResult TryConnect(const std::string& session, uint32_t port, std::string* handle);
  // The same, which must succeed; returns the handle.
  std::string ConnectTo(const std::string& session, uint32_t port);
  std::string Accept(const std::string& session, const std::string& listener);
  // A listener and a connection through it, both ends in the session.
  struct Connection {
    std::string listener, client, server;
  };
  Connection Connect(const std::string& session);
  void SetLinger(const std::string& session, const std::string& handle, bool on, int seconds);
  v1::CallResult Close(const std::string& session, const std::string& handle);
  v1::WaitStateReply WaitState(const std::string& session, const std::string& handle,
                               v1::TcpState state, int deadline_ms);

  agent::AgentService* service() { return service_.get(); }

  std::unique_ptr<agent::AgentService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Agent::Stub> stub_;
  int port_ = 0;
};

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_AGENT_FIXTURE_H_
