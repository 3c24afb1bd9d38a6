// The proxy's resets, against a scripted executor on the other end of a
// socket pair (what a board would say; making lwIP itself hang a worker
// on demand is not possible): a call that never answers holds its worker,
// and when every worker is stuck the next call reboots the executor
// instead of waiting for ever; after that the workers serve again. And the
// agent core's hook: a stack reset runs once the last session has ended.
// Also what the scripted executor makes easy: a call it answers INTERNAL (its
// own poll failed), BAD or with an unknown status, or a link that is gone, is
// the agent's fault, not a socket outcome.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/executor/executor_board.h"
#include "agent/session_registry.h"
#include "gtest/gtest.h"

namespace closeprobe::agent {
namespace {

// One worker; RECV is never answered; POLL is answered INTERNAL (the
// executor's poll failed), SHUTDOWN BAD (a malformed request), LISTEN with a
// status the protocol has not; REBOOT is answered, then "* BOOT".
class ScriptedExecutor {
 public:
  explicit ScriptedExecutor(int fd) : fd_(fd), thread_([this] { Serve(); }) {}
  ~ScriptedExecutor() {
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  int reboots() const { return reboots_; }

 private:
  void Serve() {
    std::string pending;
    char buf[512];
    for (;;) {
      const ssize_t n = read(fd_, buf, sizeof(buf));
      if (n <= 0) return;
      pending.append(buf, static_cast<size_t>(n));
      for (size_t eol; (eol = pending.find('\n')) != std::string::npos;) {
        const std::string line = pending.substr(0, eol);
        pending.erase(0, eol + 1);
        const std::string id = line.substr(0, line.find(' '));
        if (line.find(" RECV ") != std::string::npos) continue;  // stuck in the stack
        if (line.find(" POLL ") != std::string::npos) {
          Write(absl::StrCat(id, " INTERNAL ret=-1 call=poll() errno=ENOMEM errno_raw=12 t0=1 t1=2\n"));
          continue;
        }
        if (line.find(" SHUTDOWN ") != std::string::npos) {
          Write(absl::StrCat(id, " BAD why=args\n"));
          continue;
        }
        if (line.find(" LISTEN ") != std::string::npos) {
          Write(absl::StrCat(id, " MAYBE ret=0 t0=1 t1=2\n"));
          continue;
        }
        Write(absl::StrCat(id, " OK ret=3 t0=1 t1=2\n"));
        if (line.find(" REBOOT") != std::string::npos) {
          ++reboots_;
          Write("* BOOT proto=cpx/1\n");
        }
      }
    }
  }
  void Write(const std::string& s) { (void)!write(fd_, s.data(), s.size()); }

  const int fd_;
  std::atomic<int> reboots_{0};
  std::thread thread_;
};

// A board with one worker, linked to a ScriptedExecutor, and the proxy's
// socket calls on it.
class ExecutorBoardReset : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    executor = std::make_unique<ScriptedExecutor>(fds[1]);
    board = std::make_shared<ExecutorBoard>();
    board->link = std::make_unique<ExecutorLink>(fds[0]);
    board->hello.keys["workers"] = "1";
    board->workers = std::make_unique<WorkerSlots>(1);
    sockets = NewExecutorSocketApi(board);
  }

  std::unique_ptr<ScriptedExecutor> executor;
  std::shared_ptr<ExecutorBoard> board;
  std::unique_ptr<SocketApi> sockets;
};

TEST_F(ExecutorBoardReset, EveryWorkerStuckRebootsTheExecutorAndFreesTheWorkers) {
  NativeSocket s = kNoSocket;
  ASSERT_EQ(sockets->Socket(v1::ADDRESS_FAMILY_INET, &s).ret, 3);
  std::string data;
  // No reply past the call's own wait (plus the proxy's margin): stuck.
  const CallResult stuck = sockets->Recv(s, 10, IoFlags{}, absl::ZeroDuration(), &data);
  EXPECT_TRUE(stuck.timed_out);
  EXPECT_EQ(executor->reboots(), 0);

  // The only worker is stuck: the call reboots the executor, at once.
  const absl::Time start = absl::Now();
  NativeSocket t = kNoSocket;
  const CallResult after = sockets->Socket(v1::ADDRESS_FAMILY_INET, &t);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(after.native_error, kExecutorReset);
  EXPECT_EQ(executor->reboots(), 1);
  EXPECT_NE(board->link->last_panic().find("stuck"), std::string::npos)
      << board->link->last_panic();

  // The worker serves again; a socket of before the reboot is gone.
  EXPECT_EQ(sockets->Socket(v1::ADDRESS_FAMILY_INET, &t).ret, 3);
  EXPECT_EQ(sockets->Close(s).native_error, kExecutorReset);
}

TEST_F(ExecutorBoardReset, TheStackIsResetOnlyWhenTheLastSessionEnds) {
  std::atomic<int> resets{0};
  SessionRegistry registry(sockets.get(), SessionLimits(), [&] {
    ASSERT_TRUE(board->Reboot("rebooted between sessions").ok());
    ++resets;
  });
  auto a = registry.Open(absl::Seconds(10));
  auto b = registry.Open(absl::Seconds(10));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(registry.Close((*a)->id()).ok());
  EXPECT_EQ(resets, 0);  // b still runs
  ASSERT_TRUE(registry.Close((*b)->id()).ok());
  EXPECT_EQ(resets, 1);  // done before CloseSession answers
  EXPECT_EQ(executor->reboots(), 1);
}

TEST_F(ExecutorBoardReset, AnInternalReplyIsTheAgentsFaultNotAnEvent) {
  NativeSocket s = kNoSocket;
  ASSERT_EQ(sockets->Socket(v1::ADDRESS_FAMILY_INET, &s).ret, 3);
  PollEvents in, fired;
  in.in = true;
  const CallResult r = sockets->Poll(s, in, absl::Seconds(1), &fired);
  EXPECT_EQ(r.agent_fault, "the executor's poll()");
  EXPECT_EQ(r.native_error, 12);
  EXPECT_EQ(ExecutorErrorName(12).native_name, "ENOMEM");
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(fired.error);
}

TEST_F(ExecutorBoardReset, ABadOrUnknownReplyOrALostLinkIsTheAgentsFaultNotAnError) {
  NativeSocket s = kNoSocket;
  ASSERT_EQ(sockets->Socket(v1::ADDRESS_FAMILY_INET, &s).ret, 3);

  const CallResult bad = sockets->Shutdown(s, v1::SHUTDOWN_HOW_WRITE);
  EXPECT_EQ(bad.ret, -1);
  EXPECT_EQ(bad.native_error, 0);  // no error of the stack's
  EXPECT_NE(bad.agent_fault.find("BAD why=args"), std::string::npos) << bad.agent_fault;

  const CallResult unknown = sockets->Listen(s, 4);
  EXPECT_EQ(unknown.ret, -1);  // not the "ret=0" of a reply the proxy cannot read
  EXPECT_NE(unknown.agent_fault.find("'MAYBE'"), std::string::npos) << unknown.agent_fault;

  executor.reset();  // the other end of the link is gone
  const CallResult lost = sockets->Close(s);
  EXPECT_EQ(lost.native_error, 0);
  EXPECT_NE(lost.agent_fault.find("the link to the executor"), std::string::npos)
      << lost.agent_fault;
}

}  // namespace
}  // namespace closeprobe::agent
