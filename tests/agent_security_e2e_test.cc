// The agent left running on a network: calls without the token, connects
// outside the allow-list and requests over the limits are refused with a
// status that says why; TLS and mutual TLS work with generated certificates;
// sessions leave no file descriptor, thread or nftables table behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include <grpcpp/generic/generic_stub.h>

#include "controller/run/agent_client.h"
#include "tests/testutil/agent_process.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using controller::AgentClient;
using controller::AgentSession;
using ::testing::HasSubstr;

using Agent = AgentProcess;

std::string Ping(const std::string& target,
                 const std::vector<std::string>& flags, int* exit_code) {
  std::vector<std::string> argv = {BinDir() + "/closeprobe", "ping", target};
  argv.insert(argv.end(), flags.begin(), flags.end());
  ProcessResult r = RunProcess(argv, 30);
  *exit_code = r.exit_code;
  return r.out + r.err;
}

std::string WriteFile(const std::string& dir, const std::string& name,
                      const std::string& text) {
  std::ofstream(dir + "/" + name) << text;
  return dir + "/" + name;
}

int Count(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       it != std::filesystem::directory_iterator(); ++it) {
    ++n;
  }
  return n;
}

TEST(AgentSecurity, ACallWithoutTheTokenIsRefused) {
  const std::string dir = MakeTempDir();
  const std::string token = WriteFile(dir, "token", "s3cret\n");
  const std::string wrong = WriteFile(dir, "wrong", "guess\n");
  Agent agent({"--token_file=" + token});
  ASSERT_GT(agent.port(), 0);
  int code = 0;
  EXPECT_THAT(Ping(agent.target(), {}, &code), HasSubstr("requires a token"));
  EXPECT_EQ(code, 3);
  EXPECT_THAT(Ping(agent.target(), {"--token_file=" + wrong}, &code),
              HasSubstr("wrong token"));
  EXPECT_EQ(code, 3);
  EXPECT_THAT(Ping(agent.target(), {"--token_file=" + token}, &code),
              HasSubstr("linux"));
  EXPECT_EQ(code, 0);
  RemoveTree(dir);
}

// One call of `method` ("/closeprobe.v1.Agent/Info") with an empty request
// and, unless empty, the token; its status.
grpc::Status CallMethod(const std::string& target, const std::string& method,
                        const std::string& token) {
  grpc::GenericStub stub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice empty("");  // an empty request: zero bytes, but a message
  grpc::ByteBuffer request(&empty, 1), reply;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &reply,
                 [&done](grpc::Status s) { done.set_value(s); });
  return done.get_future().get();
}

// Every RPC of the contract, read from its descriptor (not from a list that
// could fall behind it), refuses a call without the token.
TEST(AgentSecurity, EveryMethodRefusesACallWithoutTheToken) {
  const std::string dir = MakeTempDir();
  Agent agent({"--token_file=" + WriteFile(dir, "token", "s3cret\n"),
               "--max_auth_failures=1000"});
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "closeprobe.v1.Agent");
  ASSERT_NE(service, nullptr);
  ASSERT_GE(service->method_count(), 25);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method = "/closeprobe.v1.Agent/" + service->method(i)->name();
    SCOPED_TRACE(method);
    EXPECT_EQ(CallMethod(agent.target(), method, "").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(CallMethod(agent.target(), method, "guess").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // With the token the same calls reach their handlers (Info needs no session).
  EXPECT_TRUE(CallMethod(agent.target(), "/closeprobe.v1.Agent/Info", "s3cret").ok());
  RemoveTree(dir);
}

TEST(AgentSecurity, RepeatedFailuresFromOneHostAreRefusedAndLogged) {
  const std::string dir = MakeTempDir();
  Agent agent({"--token_file=" + WriteFile(dir, "token", "s3cret\n"), "--max_auth_failures=3"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(CallMethod(agent.target(), "/closeprobe.v1.Agent/Info", "guess").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // Now even the right token is refused from this host, with the reason.
  const grpc::Status s = CallMethod(agent.target(), "/closeprobe.v1.Agent/Info", "s3cret");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("until the window passes"));
  EXPECT_THAT(agent.log(), HasSubstr("refused a call from ipv4:127.0.0.1"));
  RemoveTree(dir);
}

TEST(AgentSecurity, ATokenWithoutTlsOffLoopbackIsRefusedAtStartUp) {
  const std::string dir = MakeTempDir();
  const std::string token = WriteFile(dir, "token", "s3cret\n");
  ProcessResult refused = RunProcess({BinDir() + "/closeprobe-agent", "--listen=198.18.77.1:7100",
                                      "--token_file=" + token},
                                     30);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("in clear"));
  EXPECT_THAT(refused.err, HasSubstr("--allow_token_without_tls"));
  // Allowed explicitly, it serves and says so at start and in Info.
  Agent allowed({"--listen=0.0.0.0:0", "--token_file=" + token, "--allow_token_without_tls"});
  ASSERT_GT(allowed.port(), 0);
  EXPECT_THAT(allowed.log(), HasSubstr("warning: serving on 0.0.0.0:0 without TLS"));
  absl::StatusOr<std::unique_ptr<AgentClient>> client =
      AgentClient::Connect(allowed.target(), "s3cret", absl::Seconds(5));
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_EQ((*client)->info().warnings_size(), 1);
  EXPECT_THAT((*client)->info().warnings(0), HasSubstr("token travels in clear"));
  int code = 0;
  EXPECT_THAT(Ping(allowed.target(), {"--token_file=" + token}, &code),
              HasSubstr("warning: serving on 0.0.0.0:0 without TLS"));
  EXPECT_EQ(code, 0);
  RemoveTree(dir);
}

TEST(AgentSecurity, ConnectOutsideTheAllowListIsRefused) {
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--allow_targets=127.0.0.0/8"},
        std::vector<std::string>{}}) {
    Agent agent(flags);  // the second: the default, this host's own networks
    ASSERT_GT(agent.port(), 0);
    auto client = AgentClient::Connect(agent.target(), "", absl::Seconds(10));
    ASSERT_TRUE(client.ok()) << client.status();
    auto session =
        AgentSession::Open(client->get(), "allow-list", absl::Seconds(10));
    ASSERT_TRUE(session.ok());
    auto sock = (*session)->Call(&v1::Agent::Stub::Socket, v1::SocketRequest(),
                                 absl::Seconds(5));
    ASSERT_TRUE(sock.ok());
    v1::ConnectRequest req;
    req.set_handle(sock->handle());
    req.mutable_remote()->set_address(
        "203.0.113.7");  // TEST-NET-3: no host's network
    req.mutable_remote()->set_port(9);
    auto refused =
        (*session)->Call(&v1::Agent::Stub::Connect, req, absl::Seconds(5));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(refused.status().message()),
                HasSubstr("--allow_targets"));
    // Loopback is allowed: the call is made (nobody listens: ECONNREFUSED is
    // data).
    req.mutable_remote()->set_address("127.0.0.1");
    req.mutable_remote()->set_port(1);
    auto made =
        (*session)->Call(&v1::Agent::Stub::Connect, req, absl::Seconds(5));
    EXPECT_TRUE(made.ok()) << made.status();
  }
}

TEST(AgentSecurity, LimitsAreRefusedWithTheirFlag) {
  Agent agent({"--max_sessions=2", "--max_call_bytes=1000",
               "--max_deadline_ms=1000", "--max_sockets_per_session=3"});
  ASSERT_GT(agent.port(), 0);
  auto client = AgentClient::Connect(agent.target(), "", absl::Seconds(10));
  ASSERT_TRUE(client.ok());
  auto a = AgentSession::Open(client->get(), "a", absl::Seconds(10));
  auto b = AgentSession::Open(client->get(), "b", absl::Seconds(10));
  auto c = AgentSession::Open(client->get(), "c", absl::Seconds(10));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted)
      << c.status();

  std::string handle;
  for (int i = 0; i < 4; ++i) {
    auto s = (*a)->Call(&v1::Agent::Stub::Socket, v1::SocketRequest(),
                        absl::Seconds(5));
    if (i < 3) {
      ASSERT_TRUE(s.ok()) << s.status();
      handle = s->handle();
    } else {
      EXPECT_EQ(s.status().code(), absl::StatusCode::kResourceExhausted)
          << s.status();
    }
  }
  v1::SendRequest send;
  send.set_handle(handle);
  send.set_length(2000);
  auto big = (*a)->Call(&v1::Agent::Stub::Send, send, absl::Seconds(5));
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(big.status().message()),
              HasSubstr("--max_call_bytes"));
  v1::RecvRequest recv;
  recv.set_handle(handle);
  recv.set_max_bytes(10);
  recv.set_deadline_ms(5000);
  auto slow = (*a)->Call(&v1::Agent::Stub::Recv, recv, absl::Seconds(5));
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(slow.status().message()),
              HasSubstr("--max_deadline_ms"));
}

// CA, server and client certificates made with openssl for this test.
class Certificates {
 public:
  Certificates() : dir_(MakeTempDir()) {
    auto sh = [this](const std::string& cmd) {
      return RunProcess({"/bin/sh", "-c", "cd " + dir_ + " && " + cmd}, 60)
                 .exit_code == 0;
    };
    ok_ = sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
             "/CN=closeprobe-test-ca "
             "-keyout ca.key -out ca.pem 2>/dev/null") &&
          sh("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "
             "server.key "
             "-out server.csr 2>/dev/null") &&
          sh("printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > san.ext && "
             "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
             "-CAcreateserial "
             "-days 2 -extfile san.ext -out server.pem 2>/dev/null") &&
          sh("openssl req -newkey rsa:2048 -nodes -subj "
             "/CN=closeprobe-controller "
             "-keyout client.key -out client.csr 2>/dev/null") &&
          sh("openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
             "-CAcreateserial "
             "-days 2 -out client.pem 2>/dev/null");
  }
  ~Certificates() { RemoveTree(dir_); }
  bool ok() const { return ok_; }
  std::string operator()(const std::string& name) const {
    return dir_ + "/" + name;
  }

 private:
  std::string dir_;
  bool ok_ = false;
};

TEST(AgentSecurity, TlsAndMutualTls) {
  Certificates pem;
  ASSERT_TRUE(pem.ok()) << "openssl could not make the test certificates";
  int code = 0;
  {
    Agent agent(
        {"--tls_cert=" + pem("server.pem"), "--tls_key=" + pem("server.key")});
    ASSERT_GT(agent.port(), 0);
    EXPECT_THAT(Ping(agent.target(), {"--tls_ca=" + pem("ca.pem")}, &code),
                HasSubstr("linux"));
    EXPECT_EQ(code, 0);
    Ping(agent.target(), {}, &code);  // plain TCP to a TLS agent
    EXPECT_EQ(code, 3);
  }
  {
    Agent agent({"--tls_cert=" + pem("server.pem"),
                 "--tls_key=" + pem("server.key"),
                 "--tls_client_ca=" + pem("ca.pem")});
    ASSERT_GT(agent.port(), 0);
    Ping(agent.target(), {"--tls_ca=" + pem("ca.pem")},
         &code);  // no client certificate
    EXPECT_EQ(code, 3);
    EXPECT_THAT(
        Ping(agent.target(),
             {"--tls_ca=" + pem("ca.pem"), "--tls_cert=" + pem("client.pem"),
              "--tls_key=" + pem("client.key")},
             &code),
        HasSubstr("linux"));
    EXPECT_EQ(code, 0);
  }
}

// Sessions with sockets, connections and (as root) captures and faults:
// once they are closed, the agent holds no more file descriptors than
// before, its threads do not grow from round to round, and no nftables
// table of it is left.
TEST(AgentRobustness, NothingOutlivesItsSessions) {
  Agent agent({"--allow_faults"});
  ASSERT_GT(agent.port(), 0);
  const std::string proc = "/proc/" + std::to_string(agent.pid());
  auto client = AgentClient::Connect(agent.target(), "", absl::Seconds(10));
  ASSERT_TRUE(client.ok());
  const bool root = geteuid() == 0;
  auto round = [&] {
    std::vector<std::unique_ptr<AgentSession>> sessions;
    for (int i = 0; i < 20; ++i) {
      auto s = AgentSession::Open(client->get(), "leak", absl::Seconds(10));
      ASSERT_TRUE(s.ok());
      auto listener = (*s)->Call(&v1::Agent::Stub::Socket, v1::SocketRequest(),
                                 absl::Seconds(5));
      ASSERT_TRUE(listener.ok());
      v1::BindRequest bind;
      bind.set_handle(listener->handle());
      bind.mutable_local()->set_address("127.0.0.1");
      auto bound = (*s)->Call(&v1::Agent::Stub::Bind, bind, absl::Seconds(5));
      v1::HandleRequest listen;
      listen.set_handle(listener->handle());
      (*s)->Call(&v1::Agent::Stub::Listen, listen, absl::Seconds(5))
          .IgnoreError();
      for (int k = 0; k < 10; ++k) {
        auto c = (*s)->Call(&v1::Agent::Stub::Socket, v1::SocketRequest(),
                            absl::Seconds(5));
        ASSERT_TRUE(c.ok());
        v1::ConnectRequest connect;
        connect.set_handle(c->handle());
        *connect.mutable_remote() = bound->local();
        (*s)->Call(&v1::Agent::Stub::Connect, connect, absl::Seconds(5))
            .IgnoreError();
      }
      if (root) {
        v1::StartCaptureRequest capture;
        capture.set_first_port(bound->local().port());
        capture.set_last_port(bound->local().port());
        (*s)->Call(&v1::Agent::Stub::StartCapture, capture, absl::Seconds(5))
            .IgnoreError();
        v1::AddFaultRequest fault;
        fault.set_peer_address("127.0.0.1");
        fault.set_first_port(bound->local().port());
        fault.set_last_port(bound->local().port());
        (*s)->Call(&v1::Agent::Stub::AddFault, fault, absl::Seconds(5))
            .IgnoreError();
      }
      sessions.push_back(std::move(*s));
    }
    sessions.clear();  // CloseSession for each
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  };
  const int fds_before = Count(proc + "/fd");
  round();
  const int fds_after_one = Count(proc + "/fd");
  const int threads_after_one = Count(proc + "/task");
  round();
  EXPECT_EQ(fds_after_one, fds_before)
      << "file descriptors left by 20 sessions";
  EXPECT_EQ(Count(proc + "/fd"), fds_before);
  EXPECT_LE(Count(proc + "/task"), threads_after_one)
      << "threads grow with sessions";
  if (root) {
    ProcessResult tables = RunProcess({"/usr/sbin/nft", "list", "tables"}, 30);
    EXPECT_THAT(
        tables.out,
        ::testing::Not(HasSubstr("closeprobe_" + std::to_string(agent.pid()))));
  }
}

}  // namespace
}  // namespace closeprobe::testing
