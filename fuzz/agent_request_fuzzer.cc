// libFuzzer target: the agent's request handling, in process. Each input is
// a sequence of requests (any method, any field values: unknown sessions and
// handles, negative lengths, odd addresses...) sent through gRPC's
// in-process channel to the real service on this host's real stack. The
// agent must answer every one with a status or a result, never crash or
// leak; each input's session is closed at the end.
#include <fuzzer/FuzzedDataProvider.h>
#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/agent_service.h"
#include "agent/platform.h"
#include "closeprobe/v1/agent.grpc.pb.h"

namespace closeprobe::agent {
namespace {

struct Harness {
  std::unique_ptr<AgentService> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<v1::Agent::Stub> stub;
};

Harness& Agent() {
  static Harness* h = [] {
    auto* harness = new Harness();
    absl::StatusOr<Platform> platform = NewPlatform(PlatformOptions());
    if (!platform.ok()) abort();
    AgentOptions options;
    // Short waits keep each input fast; loopback only, small transfers.
    options.default_deadline = absl::Milliseconds(5);
    options.max_deadline = absl::Milliseconds(20);
    options.max_call_bytes = 1 << 16;
    options.limits.max_sockets_per_session = 32;
    options.targets = *TargetAllowList::Parse("127.0.0.0/8");
    harness->service =
        std::make_unique<AgentService>(std::move(*platform), options);
    grpc::ServerBuilder builder;
    builder.RegisterService(harness->service->grpc_service());
    harness->server = builder.BuildAndStart();
    harness->stub = v1::Agent::NewStub(
        harness->server->InProcessChannel(grpc::ChannelArguments()));
    return harness;
  }();
  return *h;
}

template <typename Req, typename Reply>
void Send(grpc::Status (v1::Agent::Stub::*method)(grpc::ClientContext*,
                                                  const Req&, Reply*),
          const Req& req, Reply* reply) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  (Agent().stub.get()->*method)(&ctx, req, reply).ok();
}

}  // namespace
}  // namespace closeprobe::agent

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace closeprobe;
  using namespace closeprobe::agent;
  FuzzedDataProvider in(data, size);
  v1::OpenSessionRequest open;
  open.set_lease_ms(in.ConsumeIntegralInRange<int32_t>(-10, 5000));
  v1::OpenSessionReply opened;
  Send(&v1::Agent::Stub::OpenSession, open, &opened);
  std::vector<std::string> handles = {"", "h0", "nonsense"};
  auto session = [&] {
    return in.ConsumeBool() ? opened.session()
                            : in.ConsumeRandomLengthString(12);
  };
  auto handle = [&] {
    return handles[in.ConsumeIntegralInRange<size_t>(0, handles.size() - 1)];
  };
  auto endpoint = [&](v1::Endpoint* e) {
    e->set_address(in.ConsumeBool() ? "127.0.0.1"
                                    : in.ConsumeRandomLengthString(20));
    e->set_port(in.ConsumeIntegralInRange<uint32_t>(0, 70000));
  };
  for (int step = 0; step < 32 && in.remaining_bytes() > 0; ++step) {
    switch (in.ConsumeIntegralInRange(0, 17)) {
      case 0: {
        v1::SocketRequest r;
        r.set_session(session());
        r.set_family(
            static_cast<v1::AddressFamily>(in.ConsumeIntegralInRange(0, 3)));
        v1::SocketReply reply;
        Send(&v1::Agent::Stub::Socket, r, &reply);
        if (!reply.handle().empty()) handles.push_back(reply.handle());
        break;
      }
      case 1: {
        v1::BindRequest r;
        r.set_session(session());
        r.set_handle(handle());
        endpoint(r.mutable_local());
        v1::CallReply reply;
        Send(&v1::Agent::Stub::Bind, r, &reply);
        break;
      }
      case 2: {
        v1::HandleRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_backlog(in.ConsumeIntegral<int32_t>());
        v1::CallReply reply;
        Send(&v1::Agent::Stub::Listen, r, &reply);
        break;
      }
      case 3: {
        v1::AcceptRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_deadline_ms(in.ConsumeIntegralInRange<int32_t>(-5, 30));
        v1::SocketReply reply;
        Send(&v1::Agent::Stub::Accept, r, &reply);
        if (!reply.handle().empty()) handles.push_back(reply.handle());
        break;
      }
      case 4: {
        v1::ConnectRequest r;
        r.set_session(session());
        r.set_handle(handle());
        endpoint(r.mutable_remote());
        r.set_deadline_ms(in.ConsumeIntegralInRange<int32_t>(-5, 30));
        v1::CallReply reply;
        Send(&v1::Agent::Stub::Connect, r, &reply);
        break;
      }
      case 5: {
        v1::SendRequest r;
        r.set_session(session());
        r.set_handle(handle());
        if (in.ConsumeBool()) {
          r.set_data(in.ConsumeRandomLengthString(256));
        } else {
          r.set_length(in.ConsumeIntegralInRange<int32_t>(-10, 1 << 17));
        }
        r.set_deadline_ms(in.ConsumeIntegralInRange<int32_t>(-5, 30));
        v1::SendReply reply;
        Send(&v1::Agent::Stub::Send, r, &reply);
        break;
      }
      case 6: {
        v1::RecvRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_max_bytes(in.ConsumeIntegralInRange<int32_t>(-10, 1 << 17));
        r.set_deadline_ms(in.ConsumeIntegralInRange<int32_t>(-5, 30));
        r.set_peek(in.ConsumeBool());
        v1::RecvReply reply;
        Send(&v1::Agent::Stub::Recv, r, &reply);
        break;
      }
      case 7: {
        v1::ShutdownRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_how(
            static_cast<v1::ShutdownHow>(in.ConsumeIntegralInRange(0, 5)));
        v1::CallReply reply;
        Send(&v1::Agent::Stub::Shutdown, r, &reply);
        break;
      }
      case 8: {
        v1::HandleRequest r;
        r.set_session(session());
        r.set_handle(handle());
        v1::CallReply reply;
        Send(&v1::Agent::Stub::Close, r, &reply);
        break;
      }
      case 9: {
        v1::SetOptionRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_option(
            static_cast<v1::SocketOption>(in.ConsumeIntegralInRange(0, 20)));
        r.mutable_value()->set_enabled(in.ConsumeBool());
        r.mutable_value()->set_value(in.ConsumeIntegral<int64_t>());
        r.mutable_value()->mutable_linger()->set_enabled(in.ConsumeBool());
        r.mutable_value()->mutable_linger()->set_seconds(
            in.ConsumeIntegralInRange<int32_t>(-2, 3));
        v1::CallReply reply;
        Send(&v1::Agent::Stub::SetOption, r, &reply);
        break;
      }
      case 10: {
        v1::GetOptionRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_option(
            static_cast<v1::SocketOption>(in.ConsumeIntegralInRange(0, 20)));
        v1::GetOptionReply reply;
        Send(&v1::Agent::Stub::GetOption, r, &reply);
        break;
      }
      case 11: {
        v1::SetBlockingRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_blocking(in.ConsumeBool());
        v1::CallReply reply;
        Send(&v1::Agent::Stub::SetBlocking, r, &reply);
        break;
      }
      case 12: {
        v1::WaitStateRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_state(
            static_cast<v1::TcpState>(in.ConsumeIntegralInRange(0, 15)));
        r.set_deadline_ms(in.ConsumeIntegralInRange<int32_t>(-5, 30));
        v1::WaitStateReply reply;
        Send(&v1::Agent::Stub::WaitState, r, &reply);
        break;
      }
      case 13: {
        v1::StateRequest r;
        r.set_session(session());
        r.set_handle(handle());
        v1::StateReply reply;
        Send(&v1::Agent::Stub::GetState, r, &reply);
        break;
      }
      case 14: {
        v1::ConnectionsRequest r;
        r.set_session(session());
        r.set_local_port(in.ConsumeIntegralInRange<uint32_t>(0, 70000));
        v1::ConnectionsReply reply;
        Send(&v1::Agent::Stub::Connections, r, &reply);
        break;
      }
      case 15: {
        v1::PollRequest r;
        r.set_session(session());
        r.set_handle(handle());
        for (int i = in.ConsumeIntegralInRange(0, 3); i > 0; --i) {
          r.add_events(static_cast<v1::PollEvent>(in.ConsumeIntegralInRange(-1, 8)));
        }
        r.set_deadline_ms(in.ConsumeIntegralInRange<int32_t>(-5, 30));
        v1::PollReply reply;
        Send(&v1::Agent::Stub::Poll, r, &reply);
        break;
      }
      case 16: {
        v1::NameRequest r;
        r.set_session(session());
        r.set_handle(handle());
        v1::NameReply reply;
        Send(in.ConsumeBool() ? &v1::Agent::Stub::GetSockName : &v1::Agent::Stub::GetPeerName, r,
             &reply);
        break;
      }
      default: {
        v1::WaitReadableRequest r;
        r.set_session(session());
        r.set_handle(handle());
        r.set_deadline_ms(in.ConsumeIntegralInRange<int32_t>(-5, 30));
        v1::WaitReadableReply reply;
        Send(&v1::Agent::Stub::WaitReadable, r, &reply);
        break;
      }
    }
  }
  v1::SessionRequest close;
  close.set_session(opened.session());
  v1::CloseSessionReply closed;
  Send(&v1::Agent::Stub::CloseSession, close, &closed);
  return 0;
}
