#include "controller/run/agent_client.h"

#include <chrono>
#include <vector>

#include "absl/time/clock.h"

namespace closeprobe::controller {
namespace {

constexpr absl::Duration kRenewEvery = absl::Seconds(1);

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

AgentClient::AgentClient(std::string target, std::string token, const ClientTls& tls)
    : target_(std::move(target)), token_(std::move(token)) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  // Retry a lost agent within a second rather than gRPC's growing backoff.
  // (MIN_RECONNECT_BACKOFF is also the minimum connect timeout: keep it long.)
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (tls.enabled()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls.root_ca;
    ssl.pem_cert_chain = tls.cert;
    ssl.pem_private_key = tls.key;
    credentials = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateCustomChannel(target_, credentials, args);
  stub_ = v1::Agent::NewStub(channel_);
}

AgentClient::~AgentClient() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (keeper_.joinable()) keeper_.join();
}

absl::StatusOr<std::unique_ptr<AgentClient>> AgentClient::Connect(
    const std::string& target, const std::string& token, absl::Duration wait,
    const ClientTls& tls) {
  std::unique_ptr<AgentClient> client(new AgentClient(target, token, tls));
  const absl::Time deadline = absl::Now() + wait;
  absl::Status last = absl::UnavailableError("not tried");
  while (absl::Now() < deadline) {
    absl::StatusOr<v1::InfoReply> info =
        client->Call(&v1::Agent::Stub::Info, v1::InfoRequest(), absl::Seconds(2));
    if (info.ok()) {
      client->info_ = *info;
      absl::StatusOr<v1::ClockSync> clock = SyncClock(*info, [&client] {
        return client->Call(&v1::Agent::Stub::Info, v1::InfoRequest(), absl::Seconds(2));
      });
      if (!clock.ok()) return clock.status();
      client->clock_ = *clock;
      client->keeper_ = std::thread([c = client.get()] { c->KeepAlive(); });
      return client;
    }
    last = info.status();
    if (last.code() == absl::StatusCode::kUnauthenticated) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::Status(last.code(), absl::StrCat("agent ", target, " did not answer: ",
                                                last.message()));
}

void AgentClient::Prepare(grpc::ClientContext* ctx, absl::Duration timeout,
                          int64_t start_at_ns) const {
  ctx->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  if (!token_.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  if (start_at_ns > 0) {
    ctx->AddMetadata("closeprobe-start-at-mono-ns", absl::StrCat(start_at_ns + clock_.offset_ns()));
  }
}

void AgentClient::Track(const std::string& session, bool alive) {
  absl::MutexLock lock(&mu_);
  if (alive) {
    sessions_.insert(session);
  } else {
    sessions_.erase(session);
  }
}

// Renews every open session; the agent's lease (>= 2 s in practice) is far
// longer than the renewal period, so an idle case (a long sleep step) keeps
// its sockets while the controller lives, and loses them once it is gone.
void AgentClient::KeepAlive() {
  for (;;) {
    std::vector<std::string> ids;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), kRenewEvery);
      if (stopping_) return;
      ids.assign(sessions_.begin(), sessions_.end());
    }
    for (const std::string& id : ids) {
      v1::SessionRequest req;
      req.set_session(id);
      Call(&v1::Agent::Stub::RenewSession, req, absl::Seconds(2)).IgnoreError();
    }
  }
}

absl::StatusOr<std::unique_ptr<AgentSession>> AgentSession::Open(
    AgentClient* client, const std::string& name, absl::Duration lease) {
  v1::OpenSessionRequest req;
  req.set_client_name(name);
  req.set_lease_ms(static_cast<int32_t>(absl::ToInt64Milliseconds(lease)));
  absl::StatusOr<v1::OpenSessionReply> reply =
      client->Call(&v1::Agent::Stub::OpenSession, req, absl::Seconds(5));
  if (!reply.ok()) return reply.status();
  client->Track(reply->session(), true);
  return std::unique_ptr<AgentSession>(new AgentSession(client, reply->session()));
}

AgentSession::~AgentSession() {
  client_->Track(id_, false);
  v1::SessionRequest req;
  req.set_session(id_);
  client_->Call(&v1::Agent::Stub::CloseSession, req, absl::Seconds(5)).IgnoreError();
}

}  // namespace closeprobe::controller
