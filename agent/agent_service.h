// AgentService: the gRPC Agent service (agent.proto) over one Platform.
//
// Threading model: gRPC's synchronous server runs each RPC on a thread of
// its pool; handlers run concurrently. Blocking socket calls (accept, recv,
// connect, close with linger) and state waits block only their own RPC's
// thread, for at most the deadline the request asked for, itself capped by
// AgentOptions::max_deadline. Sessions and their leases live in a
// SessionRegistry, whose reaper thread closes the sockets of expired
// sessions. The Platform's pieces are safe for concurrent use.
//
// Authentication is not a handler's business: the service is registered
// with a server only as grpc_service(), an AuthenticatedService that puts
// the AuthGate in front of every RPC. The handlers' base is private, so the
// ungated service cannot be registered by mistake.
//
// Handlers follow one shape: acquire the session, look up the handle,
// convert the request, make the call, fill the reply. A failed
// socket call is an OK RPC carrying the error; a gRPC error status means a
// bad request or an agent fault, with a message saying which.
#ifndef CLOSEPROBE_AGENT_AGENT_SERVICE_H_
#define CLOSEPROBE_AGENT_AGENT_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "agent/auth_gate.h"
#include "agent/authenticated_service.h"
#include "agent/live_connections.h"
#include "agent/platform.h"
#include "agent/scheduled_start.h"
#include "agent/session_registry.h"
#include "agent/target_allow_list.h"
#include "agent/timed_socket_api.h"
#include "closeprobe/v1/agent.grpc.pb.h"

namespace closeprobe::agent {

struct AgentOptions {
  AuthOptions auth;          // the token (if any) and the refusal bound
  std::string test_address;  // reported by Info: where peers reach this stack
  // Said at start and by Info: e.g. that the token travels in clear.
  std::vector<std::string> warnings;
  SessionLimits limits;
  absl::Duration default_deadline = absl::Seconds(10);
  absl::Duration max_deadline = absl::Minutes(10);
  int max_call_bytes = 16 << 20;  // bytes one send or recv may carry or ask for
  TargetAllowList targets;       // where connect() may go (default: anywhere)
};

class AgentService final : private v1::Agent::Service {
 public:
  AgentService(Platform platform, AgentOptions options);
  ~AgentService() override;

  SessionRegistry& sessions() { return sessions_; }
  // What to register with a grpc::ServerBuilder: every RPC behind the gate.
  AuthenticatedService* grpc_service() { return &gated_; }
  bool requires_token() const { return gate_.requires_token(); }

 private:
  grpc::Status Info(grpc::ServerContext* ctx, const v1::InfoRequest* req,
                    v1::InfoReply* reply) override;
  grpc::Status OpenSession(grpc::ServerContext* ctx,
                           const v1::OpenSessionRequest* req,
                           v1::OpenSessionReply* reply) override;
  grpc::Status RenewSession(grpc::ServerContext* ctx,
                            const v1::SessionRequest* req,
                            v1::RenewSessionReply* reply) override;
  grpc::Status CloseSession(grpc::ServerContext* ctx,
                            const v1::SessionRequest* req,
                            v1::CloseSessionReply* reply) override;
  grpc::Status Socket(grpc::ServerContext* ctx, const v1::SocketRequest* req,
                      v1::SocketReply* reply) override;
  grpc::Status Bind(grpc::ServerContext* ctx, const v1::BindRequest* req,
                    v1::CallReply* reply) override;
  grpc::Status Listen(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                      v1::CallReply* reply) override;
  grpc::Status Accept(grpc::ServerContext* ctx, const v1::AcceptRequest* req,
                      v1::SocketReply* reply) override;
  grpc::Status Connect(grpc::ServerContext* ctx, const v1::ConnectRequest* req,
                       v1::CallReply* reply) override;
  grpc::Status Send(grpc::ServerContext* ctx, const v1::SendRequest* req,
                    v1::SendReply* reply) override;
  grpc::Status Recv(grpc::ServerContext* ctx, const v1::RecvRequest* req,
                    v1::RecvReply* reply) override;
  grpc::Status Shutdown(grpc::ServerContext* ctx,
                        const v1::ShutdownRequest* req,
                        v1::CallReply* reply) override;
  grpc::Status Close(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                     v1::CallReply* reply) override;
  grpc::Status Dup(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                   v1::SocketReply* reply) override;
  grpc::Status SetOption(grpc::ServerContext* ctx,
                         const v1::SetOptionRequest* req,
                         v1::CallReply* reply) override;
  grpc::Status GetOption(grpc::ServerContext* ctx,
                         const v1::GetOptionRequest* req,
                         v1::GetOptionReply* reply) override;
  grpc::Status SetBlocking(grpc::ServerContext* ctx,
                           const v1::SetBlockingRequest* req,
                           v1::CallReply* reply) override;
  grpc::Status WaitReadable(grpc::ServerContext* ctx,
                            const v1::WaitReadableRequest* req,
                            v1::WaitReadableReply* reply) override;
  grpc::Status Poll(grpc::ServerContext* ctx, const v1::PollRequest* req,
                    v1::PollReply* reply) override;
  grpc::Status GetSockName(grpc::ServerContext* ctx, const v1::NameRequest* req,
                           v1::NameReply* reply) override;
  grpc::Status GetPeerName(grpc::ServerContext* ctx, const v1::NameRequest* req,
                           v1::NameReply* reply) override;
  grpc::Status GetState(grpc::ServerContext* ctx, const v1::StateRequest* req,
                        v1::StateReply* reply) override;
  grpc::Status WaitState(grpc::ServerContext* ctx,
                         const v1::WaitStateRequest* req,
                         v1::WaitStateReply* reply) override;
  grpc::Status Connections(grpc::ServerContext* ctx,
                           const v1::ConnectionsRequest* req,
                           v1::ConnectionsReply* reply) override;
  grpc::Status StartCapture(grpc::ServerContext* ctx, const v1::StartCaptureRequest* req,
                            v1::StartCaptureReply* reply) override;
  grpc::Status StopCapture(grpc::ServerContext* ctx, const v1::StopCaptureRequest* req,
                           v1::StopCaptureReply* reply) override;
  grpc::Status AddFault(grpc::ServerContext* ctx, const v1::AddFaultRequest* req,
                        v1::AddFaultReply* reply) override;
  grpc::Status RemoveFault(grpc::ServerContext* ctx, const v1::RemoveFaultRequest* req,
                           v1::RemoveFaultReply* reply) override;
  grpc::Status SetSetting(grpc::ServerContext* ctx, const v1::SetSettingRequest* req,
                          v1::SetSettingReply* reply) override;
  // agent_service_inject.cc
  grpc::Status Inject(grpc::ServerContext* ctx, const v1::InjectRequest* req,
                      v1::InjectReply* reply) override;

 private:
  // The session and open socket a request names, held for the call.
  struct Target {
    ActiveSession session;
    std::shared_ptr<SocketRecord> record;
    // The request's scheduled start, armed for this handler (scheduled_start.h).
    std::shared_ptr<ScheduledStartScope> start;
  };
  absl::StatusOr<ActiveSession> Enter(const std::string& session);
  // REQUIRES: the handle is open unless allow_closed.
  absl::StatusOr<Target> EnterSocket(const grpc::ServerContext& ctx,
                                     const std::string& session,
                                     const std::string& handle,
                                     bool allow_closed = false);
  absl::StatusOr<absl::Duration> Deadline(int32_t ms) const;
  // getsockname() or getpeername() for a request.
  grpc::Status Name(grpc::ServerContext& ctx, const v1::NameRequest& req, NameOf which,
                    v1::NameReply* reply);
  void Fill(const CallResult& r, v1::CallResult* out) const;
  // Refreshes the record's addresses from the open socket (with a
  // connect's target when the socket has no peer yet) and tells the
  // stack clock, if any, which connections live sessions hold.
  void Track(const std::shared_ptr<SocketRecord>& record,
             const Endpoint* remote_fallback = nullptr);
  absl::StatusOr<ConnectionInfo> StateOf(const SocketRecord& record);
  grpc::Status Missing(const std::string& what) const;

  Platform platform_;
  TimedSocketApi sockets_;
  const AgentOptions options_;
  SessionRegistry sessions_;
  AuthGate gate_;
  AuthenticatedService gated_;
  LiveConnections live_;  // for platform_.clock
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_AGENT_SERVICE_H_
