// The executor's protocol (docs/executor-protocol.md) against the real
// executor with the Linux binding (closeprobe-executor on stdin/stdout):
// bad lines, unknown verbs, failed calls as data, overlapping calls,
// scheduled calls, and a connection's state read by 4-tuple after close.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "firmware/testutil/executor_channel.h"
#include "gtest/gtest.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

class ExecutorProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    channel_.reset(ExecutorChannel::Spawn(BinDir() + "/closeprobe-executor", &pid_));
    ASSERT_NE(channel_, nullptr);
    const std::string boot = channel_->ReadLine(5000);
    ASSERT_EQ(boot.rfind("* BOOT proto=cpx/1", 0), 0u) << boot;
  }
  void TearDown() override {
    channel_.reset();  // EOF on its stdin ends it
    if (pid_ > 0) StopProcess(pid_, SIGTERM);
  }

  int64_t Int(const ExecutorReply& r, const std::string& key) {
    int64_t v = -12345;
    EXPECT_TRUE(absl::SimpleAtoi(r.Key(key), &v)) << key << " in " << r.line;
    return v;
  }
  // A listening executor socket on 127.0.0.1; its fd and port.
  void Listener(int* fd, int* port) {
    ExecutorReply s = channel_->Call("901", "SOCKET INET");
    ASSERT_EQ(s.status, "OK") << s.line;
    *fd = static_cast<int>(Int(s, "ret"));
    ASSERT_EQ(channel_->Call("902", absl::StrCat("BIND ", *fd, " 127.0.0.1:0")).status, "OK");
    ASSERT_EQ(channel_->Call("903", absl::StrCat("LISTEN ", *fd, " 4")).status, "OK");
    ExecutorReply name = channel_->Call("904", absl::StrCat("GETSOCKNAME ", *fd));
    ASSERT_EQ(name.status, "OK") << name.line;
    const std::string addr = name.Key("addr");
    ASSERT_EQ(addr.rfind("127.0.0.1:", 0), 0u) << addr;
    ASSERT_TRUE(absl::SimpleAtoi(addr.substr(10), port));
  }
  // A test-side socket connected to 127.0.0.1:port.
  int ConnectTo(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    return fd;
  }

  std::unique_ptr<ExecutorChannel> channel_;
  pid_t pid_ = -1;
};

TEST_F(ExecutorProtocolTest, HelloSaysWhoAndWhat) {
  ExecutorReply r = channel_->Call("1", "HELLO");
  ASSERT_EQ(r.status, "OK") << r.line;
  EXPECT_EQ(r.Key("proto"), "cpx/1");
  EXPECT_EQ(r.Key("stack"), "linux");
  EXPECT_EQ(r.Key("clock"), "host");
  EXPECT_NE(r.Key("caps").find("SOCKET,"), std::string::npos) << r.line;
  EXPECT_EQ(r.Key("caps").find("ADVANCE"), std::string::npos) << "Linux cannot skip time";
  EXPECT_GT(Int(r, "workers"), 1);
  EXPECT_LE(Int(r, "t0"), Int(r, "t1"));
}

TEST_F(ExecutorProtocolTest, BadLinesAreProtocolErrorsAndCallNothing) {
  EXPECT_EQ(channel_->Call("1", "FROB 3").Key("why"), "verb");
  EXPECT_EQ(channel_->Call("2", "SOCKET").Key("why"), "args");
  EXPECT_EQ(channel_->Call("3", "SOCKET UNIX").Key("why"), "args");
  EXPECT_EQ(channel_->Call("4", "BIND 3 localhost").Key("why"), "args");
  EXPECT_EQ(channel_->Call("5", "SEND 3 100 - 4g").Key("why"), "args");
  EXPECT_EQ(channel_->Call("6", "POLL 3 IN|BOGUS 0").Key("why"), "args");
  EXPECT_EQ(channel_->Call("7", "@x SOCKET INET").Key("why"), "syntax");
  EXPECT_EQ(channel_->Call("8", "@5 TIME").Key("why"), "not_scheduled");
  EXPECT_EQ(channel_->Call("9", "ADVANCE 1000").Key("why"), "unsupported_verb");
  EXPECT_EQ(channel_->Call("10", "REBOOT").Key("why"), "unsupported_verb");
  EXPECT_EQ(channel_->Call("11", "socket INET").Key("why"), "verb") << "verbs are upper case";
  // A line whose id cannot be read is answered with id "-".
  ASSERT_TRUE(channel_->Send("x1 HELLO"));
  ExecutorReply r = channel_->Await("-", 5000);
  EXPECT_EQ(r.status, "BAD");
  EXPECT_EQ(r.Key("why"), "id");
  // An empty line is ignored: the next reply is the next request's.
  ASSERT_TRUE(channel_->Send(""));
  ASSERT_TRUE(channel_->Send("12 TIME"));
  EXPECT_EQ(ParseExecutorReply(channel_->ReadLine(5000)).id, "12");
  // A line longer than line_max is discarded, answered with its id.
  ASSERT_TRUE(channel_->Send("13 SEND 3 100 - " + std::string(70000, 'a')));
  r = channel_->Await("13", 5000);
  EXPECT_EQ(r.Key("why"), "line_too_long") << r.line.substr(0, 80);
  // No socket was made by any of them: the first socket is the lowest fd free.
  EXPECT_EQ(channel_->Call("14", "TIME").status, "OK");
}

TEST_F(ExecutorProtocolTest, FailedCallIsDataWithPortableNameAndRawNumber) {
  ExecutorReply r = channel_->Call("1", "CLOSE 9999");
  EXPECT_EQ(r.status, "ERR") << r.line;
  EXPECT_EQ(r.Key("ret"), "-1");
  EXPECT_EQ(r.Key("errno"), "EBADF");
  EXPECT_EQ(r.Key("errno_raw"), "9");
  r = channel_->Call("2", "SOCKET INET");
  const std::string fd = r.Key("ret");
  r = channel_->Call("3", "CONNECT " + fd + " 127.0.0.1:1 2000");
  EXPECT_EQ(r.Key("errno"), "ECONNREFUSED") << r.line;
  EXPECT_EQ(r.Key("errno_raw"), "111");
  r = channel_->Call("4", "SETOPT " + fd + " EXCLUSIVEADDRUSE 1");
  EXPECT_EQ(r.status, "ERR") << r.line;
  EXPECT_EQ(r.Key("unsupported"), "1");
}

TEST_F(ExecutorProtocolTest, CallsOverlapAndRepliesComeInCompletionOrder) {
  int lfd, port;
  Listener(&lfd, &port);
  ASSERT_TRUE(channel_->Send(absl::StrCat("20 ACCEPT ", lfd, " 5000")));
  // The blocked accept does not block the channel: inline and worker calls answer.
  ASSERT_EQ(ParseExecutorReply(channel_->ReadLine(2000)).status, "");  // nothing yet
  EXPECT_EQ(channel_->Call("21", "TIME").status, "OK");
  EXPECT_EQ(channel_->Call("22", "SOCKET INET").status, "OK");
  // An id still outstanding may not be reused.
  EXPECT_EQ(channel_->Call("20", "CLOSE 9999").Key("why"), "duplicate_id");
  const int peer = ConnectTo(port);
  ExecutorReply r = channel_->Await("20", 5000);
  ASSERT_EQ(r.status, "OK") << r.line;
  sockaddr_in mine{};
  socklen_t len = sizeof(mine);
  getsockname(peer, reinterpret_cast<sockaddr*>(&mine), &len);
  EXPECT_EQ(r.Key("peer"), absl::StrCat("127.0.0.1:", ntohs(mine.sin_port)));
  close(peer);
}

TEST_F(ExecutorProtocolTest, EveryWorkerBusyIsBusyAndAWaitEndsInTimeout) {
  int lfd, port;
  Listener(&lfd, &port);
  ExecutorReply hello = channel_->Call("1", "HELLO");
  const int workers = static_cast<int>(Int(hello, "workers"));
  for (int i = 0; i < workers; ++i) {
    ASSERT_TRUE(channel_->Send(absl::StrCat(100 + i, " ACCEPT ", lfd, " 1500")));
  }
  ExecutorReply busy = channel_->Call("200", absl::StrCat("ACCEPT ", lfd, " 10"));
  EXPECT_EQ(busy.Key("why"), "busy") << busy.line;
  for (int i = 0; i < workers; ++i) {
    ExecutorReply r = channel_->Await(absl::StrCat(100 + i), 5000);
    EXPECT_EQ(r.status, "TIMEOUT") << r.line;
    EXPECT_GE(Int(r, "t1") - Int(r, "t0"), 1400 * 1000);
  }
}

TEST_F(ExecutorProtocolTest, ScheduledCallStartsAtItsInstant) {
  ExecutorReply now = channel_->Call("1", "TIME");
  const int64_t at = Int(now, "t1") + 300 * 1000;
  ExecutorReply r = channel_->Call("2", absl::StrCat("@", at, " SOCKET INET"));
  ASSERT_EQ(r.status, "OK") << r.line;
  EXPECT_EQ(Int(r, "at"), at);
  EXPECT_GE(Int(r, "t0"), at);
}

TEST_F(ExecutorProtocolTest, DataBothWaysAndTimeWaitByFourTupleAfterClose) {
  int lfd, port;
  Listener(&lfd, &port);
  const int peer = ConnectTo(port);
  ExecutorReply acc = channel_->Call("1", absl::StrCat("ACCEPT ", lfd, " 5000"));
  ASSERT_EQ(acc.status, "OK") << acc.line;
  const std::string fd = acc.Key("ret");
  ASSERT_EQ(send(peer, "ping", 4, 0), 4);
  ExecutorReply got = channel_->Call("2", "RECV " + fd + " 100 5000 -");
  EXPECT_EQ(got.Key("data"), "70696e67") << got.line;
  EXPECT_EQ(channel_->Call("3", "SEND " + fd + " 5000 - 706f6e67").Key("ret"), "4");
  char buf[8] = {};
  EXPECT_EQ(recv(peer, buf, sizeof(buf), 0), 4);
  EXPECT_EQ(std::string(buf, 4), "pong");
  EXPECT_EQ(channel_->Call("30", "SENDFILL " + fd + " 3 78 5000 -").Key("ret"), "3");
  EXPECT_EQ(recv(peer, buf, sizeof(buf), 0), 3);
  EXPECT_EQ(std::string(buf, 3), "xxx");
  ExecutorReply st = channel_->Call("4", "STATE " + fd);
  EXPECT_EQ(st.Key("state"), "ESTABLISHED") << st.line;
  const std::string local = st.Key("local"), remote = st.Key("remote");
  // Active close by the executor, then the peer's: the executor's side waits in TIME_WAIT.
  EXPECT_EQ(channel_->Call("5", "CLOSE " + fd).status, "OK");
  EXPECT_EQ(recv(peer, buf, sizeof(buf), 0), 0);
  close(peer);
  ExecutorReply lookup;
  for (int i = 0; i < 100; ++i) {  // the FIN's ACK takes a moment
    lookup = channel_->Call(absl::StrCat(10 + i), "LOOKUP " + local + " " + remote);
    if (lookup.Key("state") == "TIME_WAIT") break;
    usleep(10 * 1000);
  }
  EXPECT_EQ(lookup.Key("state"), "TIME_WAIT") << lookup.line;
  EXPECT_EQ(lookup.Key("orphaned"), "1");
  ExecutorReply pcbs = channel_->Call("200", absl::StrCat("PCBS ", port));
  EXPECT_NE(pcbs.line.find("pcb=TIME_WAIT," + local + "," + remote), std::string::npos)
      << pcbs.line;
  EXPECT_NE(pcbs.line.find("pcb=LISTEN,127.0.0.1:" + std::to_string(port)), std::string::npos);
  // An unknown 4-tuple is CLOSED: the executor never invents a state.
  EXPECT_EQ(channel_->Call("201", "LOOKUP 127.0.0.1:1 127.0.0.1:2").Key("state"), "CLOSED");
}

}  // namespace
}  // namespace closeprobe::testing
