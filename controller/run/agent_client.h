// AgentClient: the controller's connection to one agent. Calls return the
// full reply or the RPC's failure as absl::Status (the gRPC code kept), so a
// socket error is never confused with an agent fault.
//
// AgentSession: one session on an agent, kept alive by the client's keeper
// thread (renewed every lease/3) until it is destroyed, which closes it.
//
// Thread safety: AgentClient is safe for concurrent use; each AgentSession
// is used by one case at a time. Sessions must not outlive their client.
#ifndef CLOSEPROBE_CONTROLLER_AGENT_CLIENT_H_
#define CLOSEPROBE_CONTROLLER_AGENT_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "closeprobe/v1/agent.grpc.pb.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/run/clock_sync.h"

namespace closeprobe::controller {

absl::Status FromGrpcStatus(const grpc::Status& s);

// TLS towards agents started with --tls_cert: the CA that signed their
// certificates, and for mutual TLS this controller's own certificate (PEM).
struct ClientTls {
  std::string root_ca;
  std::string cert;
  std::string key;
  bool enabled() const { return !root_ca.empty(); }
};

class AgentClient {
 public:
  // Connects and waits until the agent answers Info, at most `wait`.
  // Unavailable if it does not; Unauthenticated for a wrong token.
  static absl::StatusOr<std::unique_ptr<AgentClient>> Connect(
      const std::string& target, const std::string& token, absl::Duration wait,
      const ClientTls& tls = ClientTls());
  ~AgentClient();

  const std::string& target() const { return target_; }
  const v1::InfoReply& info() const { return info_; }
  // How the controller's clock maps onto the agent's (clock_sync.h).
  const v1::ClockSync& clock() const { return clock_; }

  // One unary call with a deadline. A socket call with `start_at_ns` (the
  // controller's clock, ControllerNowNs) starts then on the agent's clock.
  template <typename Req, typename Reply>
  absl::StatusOr<Reply> Call(
      grpc::Status (v1::Agent::Stub::*method)(grpc::ClientContext*, const Req&, Reply*),
      const Req& req, absl::Duration timeout, int64_t start_at_ns = 0) {
    grpc::ClientContext ctx;
    Prepare(&ctx, timeout, start_at_ns);
    Reply reply;
    grpc::Status s = (stub_.get()->*method)(&ctx, req, &reply);
    if (!s.ok()) {
      // Say which agent when it could not be reached; the agent's own
      // answers (bad request, missing feature) speak for themselves.
      const bool unreachable = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                               s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
      return absl::Status(FromGrpcStatus(s).code(),
                          unreachable ? absl::StrCat("agent ", target_, ": ", s.error_message())
                                      : s.error_message());
    }
    return reply;
  }

 private:
  friend class AgentSession;
  AgentClient(std::string target, std::string token, const ClientTls& tls);
  void Prepare(grpc::ClientContext* ctx, absl::Duration timeout, int64_t start_at_ns) const;
  void KeepAlive();
  void Track(const std::string& session, bool alive);

  const std::string target_;
  const std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Agent::Stub> stub_;
  v1::InfoReply info_;
  v1::ClockSync clock_;
  absl::Mutex mu_;
  std::set<std::string> sessions_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread keeper_;
};

class AgentSession {
 public:
  // Opens a session with the given lease.
  static absl::StatusOr<std::unique_ptr<AgentSession>> Open(
      AgentClient* client, const std::string& name, absl::Duration lease);
  ~AgentSession();  // closes the session (its sockets are closed by the agent)

  const std::string& id() const { return id_; }
  AgentClient& client() const { return *client_; }

  // A call whose request carries this session's id.
  template <typename Req, typename Reply>
  absl::StatusOr<Reply> Call(
      grpc::Status (v1::Agent::Stub::*method)(grpc::ClientContext*, const Req&, Reply*),
      Req req, absl::Duration timeout, int64_t start_at_ns = 0) {
    req.set_session(id_);
    return client_->Call(method, req, timeout, start_at_ns);
  }

 private:
  AgentSession(AgentClient* client, std::string id) : client_(client), id_(std::move(id)) {}
  AgentClient* const client_;
  const std::string id_;
};

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_AGENT_CLIENT_H_
