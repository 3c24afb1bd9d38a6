// InProcessAgent: a real agent (this build's Linux platform) serving gRPC on
// 127.0.0.1 inside the benchmark's process, for measuring calls through it.
#ifndef CLOSEPROBE_BENCH_IN_PROCESS_AGENT_H_
#define CLOSEPROBE_BENCH_IN_PROCESS_AGENT_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <unistd.h>

#include <cstdint>

#include <memory>
#include <string>

#include "agent/agent_service.h"

namespace closeprobe {

class InProcessAgent {
 public:
  InProcessAgent() {
    service_ = std::make_unique<agent::AgentService>(std::move(*agent::NewPlatform()),
                                                     agent::AgentOptions());
    unix_path_ = "/tmp/closeprobe-bench-" + std::to_string(getpid()) + "-" +
                 std::to_string(reinterpret_cast<uintptr_t>(this)) + ".sock";
    // The default health service is the bare call the agent's are compared
    // with: same server, same settings, no agent code.
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.AddListeningPort("unix:" + unix_path_, grpc::InsecureServerCredentials());
    builder.RegisterService(service_->grpc_service());
    server_ = builder.BuildAndStart();
  }
  ~InProcessAgent() {
    server_->Shutdown();
    unlink(unix_path_.c_str());
  }

  // TCP on 127.0.0.1, as remote agents are reached.
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  // A unix socket, as the local topology reaches its agents.
  std::string unix_target() const { return "unix:" + unix_path_; }

 private:
  std::unique_ptr<agent::AgentService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string unix_path_;
};

}  // namespace closeprobe

#endif  // CLOSEPROBE_BENCH_IN_PROCESS_AGENT_H_
