// The firmware on QEMU's mps2-an385 end to end: the board boots behind a
// TAP device in a network namespace the test creates, its executor answers
// on UART0 (a unix socket), and lwIP talks TCP with Linux peer sockets in
// that namespace: passive and active close, TIME_WAIT read by 4-tuple after
// close, EADDRINUSE then skipping TIME_WAIT with ADVANCE, a blocked call
// beside the channel, REBOOT. Boot time and round trips are printed as
// benchmark figures, never asserted. Needs root (namespace, TAP).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "firmware/testutil/executor_channel.h"
#include "gtest/gtest.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A program's full path (the test's spawner runs paths, not names); "" if none.
std::string Tool(const std::string& name) {
  ProcessResult r = RunProcess({"/bin/sh", "-c", "command -v " + name}, 10);
  std::string path = r.out.substr(0, r.out.find('\n'));
  return r.exit_code == 0 ? path : "";
}

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The parameter names the lwipopts variant (firmware/lwip_port/variants).
class FirmwareBoardTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: creates a network namespace and a TAP device";
    qemu_path_ = Tool("qemu-system-arm");
    ip_path_ = Tool("ip");
    if (qemu_path_.empty()) GTEST_SKIP() << "no qemu-system-arm (setup_debian.sh firmware)";
    if (ip_path_.empty()) GTEST_SKIP() << "no ip (iproute2)";
    image_ = BinDir() + "/closeprobe-firmware-lwip-" + GetParam() + ".elf";
    if (access(image_.c_str(), R_OK) != 0) {
      GTEST_SKIP() << "no firmware image (built with gcc-arm-none-eabi: setup_debian.sh firmware)";
    }
    const int id = getpid() % 100000;
    ns_ = absl::StrCat("fw", id);
    tap_ = absl::StrCat("fwtap", id);
    net_ = 100 + getpid() % 100;
    board_ip_ = absl::StrCat("198.18.", net_, ".1");
    peer_ip_ = absl::StrCat("198.18.", net_, ".2");
    dir_ = MakeTempDir();
    ASSERT_TRUE(Run({"ip", "netns", "add", ns_}));
    ns_made_ = true;
    ASSERT_TRUE(Run({"ip", "-n", ns_, "link", "set", "lo", "up"}));
    ASSERT_TRUE(Run({"ip", "-n", ns_, "tuntap", "add", "dev", tap_, "mode", "tap"}));
    ASSERT_TRUE(Run({"ip", "-n", ns_, "addr", "add", peer_ip_ + "/24", "dev", tap_}));
    ASSERT_TRUE(Run({"ip", "-n", ns_, "link", "set", tap_, "up"}));
    Boot();
  }

  void TearDown() override {
    channel_.reset();
    if (qemu_ > 0) StopProcess(qemu_, SIGTERM);
    if (ns_made_) Run({"ip", "netns", "del", ns_});
    if (!dir_.empty()) RemoveTree(dir_);
  }

  // Runs `ip` with these arguments.
  bool Run(std::vector<std::string> argv) {
    argv[0] = ip_path_;
    ProcessResult r = RunProcess(argv, 20);
    if (r.exit_code != 0) ADD_FAILURE() << argv[0] << " " << argv[1] << ": " << r.err;
    return r.exit_code == 0;
  }

  // Starts QEMU in the namespace and waits for the executor's HELLO.
  void Boot() {
    const std::string ctl = dir_ + "/ctl.sock";
    const auto launch = Clock::now();
    qemu_ = StartProcess(
        {ip_path_, "netns", "exec", ns_, qemu_path_, "-M", "mps2-an385", "-display", "none",
         "-monitor", "none", "-kernel", image_, "-chardev",
         "socket,id=ctl,path=" + ctl + ",server=on,wait=off", "-serial", "chardev:ctl",
         "-chardev", "file,id=log,path=" + dir_ + "/uart1.log", "-serial", "chardev:log", "-nic",
         "tap,ifname=" + tap_ + ",script=no,downscript=no,model=lan9118,mac=02:00:00:00:00:02"},
        dir_ + "/qemu.log");
    ASSERT_GT(qemu_, 0);
    channel_.reset(ExecutorChannel::ConnectUnix(ctl, 10000));
    ASSERT_NE(channel_, nullptr) << FileText(dir_ + "/qemu.log");
    hello_ = AwaitHello(10000);
    ASSERT_EQ(hello_.status, "OK") << FileText(dir_ + "/qemu.log");
    boot_ms_ = MsSince(launch);
    std::cout << "[ bench    ] QEMU launch to HELLO answered: " << boot_ms_ << " ms\n";
    ExecutorReply r = Call(absl::StrCat("IFCONFIG ", board_ip_, " 24 ", peer_ip_));
    ASSERT_EQ(r.status, "OK") << r.line;
  }

  // HELLO until answered: the "* BOOT" event may have gone out before we connected.
  ExecutorReply AwaitHello(int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      ExecutorReply r = channel_->Call(absl::StrCat(++next_id_), "HELLO", 100);
      if (r.status == "OK") return r;
    }
    return ExecutorReply{};
  }

  ExecutorReply Call(const std::string& rest, int timeout_ms = 5000) {
    return channel_->Call(absl::StrCat(++next_id_), rest, timeout_ms);
  }

  // A Linux socket in the board's namespace (setns on a thread of its own).
  int PeerSocket() {
    int fd = -1;
    std::thread t([&] {
      const int ns = open(("/var/run/netns/" + ns_).c_str(), O_RDONLY);
      if (ns >= 0 && setns(ns, CLONE_NEWNET) == 0) fd = socket(AF_INET, SOCK_STREAM, 0);
      if (ns >= 0) close(ns);
    });
    t.join();
    return fd;
  }

  static sockaddr_in Addr(const std::string& ip, int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
    return a;
  }

  static int64_t Int(const ExecutorReply& r, const std::string& key) {
    int64_t v = -12345;
    EXPECT_TRUE(absl::SimpleAtoi(r.Key(key), &v)) << key << " in " << r.line;
    return v;
  }

  // Polls LOOKUP until the state is `want` (or the time is up); the last state.
  std::string AwaitState(const std::string& local, const std::string& remote,
                         const std::string& want, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string state;
    do {
      state = Call("LOOKUP " + local + " " + remote).Key("state");
      if (state == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (Clock::now() < deadline);
    return state;
  }

  std::string qemu_path_, ip_path_, image_, ns_, tap_, board_ip_, peer_ip_, dir_;
  int net_ = 0;
  bool ns_made_ = false;
  pid_t qemu_ = -1;
  std::unique_ptr<ExecutorChannel> channel_;
  ExecutorReply hello_;
  double boot_ms_ = 0;
  int next_id_ = 0;
};

TEST_P(FirmwareBoardTest, BootsAndAnswersAsLwipOnTheBoard) {
  EXPECT_EQ(hello_.Key("stack"), "lwip");
  EXPECT_EQ(hello_.Key("stack_version"), "2.1.3");
  EXPECT_EQ(hello_.Key("board"), "mps2-an385");
  EXPECT_EQ(hello_.Key("mac"), "02:00:00:00:00:02") << "the MAC QEMU was given";
  EXPECT_EQ(hello_.Key("opt.TCP_MSL"), "60000");
  EXPECT_EQ(hello_.Key("opt.variant"), GetParam() == "debian" ? "debian" : "esp-idf");
  EXPECT_EQ(hello_.Key("opt.LWIP_NETCONN_FULLDUPLEX"), GetParam() == "debian" ? "0" : "1");
  EXPECT_NE(hello_.Key("caps").find("ADVANCE"), std::string::npos);
  // Round trips on the emulated UART (benchmark figures).
  for (const std::string verb : {"TIME", "LOOKUP 198.18.0.1:1 198.18.0.2:2"}) {
    std::vector<double> ms;
    for (int i = 0; i < 200; ++i) {
      const auto t = Clock::now();
      ASSERT_EQ(Call(verb).status, "OK");
      ms.push_back(MsSince(t));
    }
    std::sort(ms.begin(), ms.end());
    std::cout << "[ bench    ] " << verb.substr(0, verb.find(' ')) << " round trip p50 "
              << ms[100] << " ms, p99 " << ms[198] << " ms\n";
  }
  std::vector<double> ms;
  for (int i = 0; i < 50; ++i) {
    const auto t = Clock::now();
    ExecutorReply s = Call("SOCKET INET");
    ASSERT_EQ(s.status, "OK") << s.line;
    ms.push_back(MsSince(t));
    ASSERT_EQ(Call("CLOSE " + s.Key("ret")).status, "OK");
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "[ bench    ] SOCKET call round trip p50 " << ms[25] << " ms, p99 " << ms[49]
            << " ms\n";
  // The stack clock moves, and every reply says where it stands.
  ExecutorReply a = Call("TIME");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ExecutorReply b = Call("TIME");
  EXPECT_GT(Int(b, "t1") - Int(a, "t1"), 100 * 1000);
}

TEST_P(FirmwareBoardTest, PassiveOpenActiveCloseTimeWaitByFourTupleThenAdvance) {
  ExecutorReply s = Call("SOCKET INET");
  const std::string lfd = s.Key("ret");
  ASSERT_EQ(Call("BIND " + lfd + " 0.0.0.0:5000").status, "OK");
  ASSERT_EQ(Call("LISTEN " + lfd + " 4").status, "OK");
  const int peer = PeerSocket();
  ASSERT_GE(peer, 0);
  sockaddr_in to = Addr(board_ip_, 5000);
  ASSERT_EQ(connect(peer, reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0) << errno;
  ExecutorReply acc = Call("ACCEPT " + lfd + " 5000");
  ASSERT_EQ(acc.status, "OK") << acc.line;
  const std::string fd = acc.Key("ret");
  sockaddr_in mine{};
  socklen_t len = sizeof(mine);
  getsockname(peer, reinterpret_cast<sockaddr*>(&mine), &len);
  const std::string remote = absl::StrCat(peer_ip_, ":", ntohs(mine.sin_port));
  const std::string local = board_ip_ + ":5000";
  EXPECT_EQ(acc.Key("peer"), remote);
  ASSERT_EQ(send(peer, "ping", 4, 0), 4);
  EXPECT_EQ(Call("RECV " + fd + " 100 5000 -").Key("data"), "70696e67");
  EXPECT_EQ(Call("SEND " + fd + " 5000 - 706f6e67").Key("ret"), "4");
  char buf[16];
  EXPECT_EQ(recv(peer, buf, sizeof(buf), 0), 4);
  EXPECT_EQ(Call("STATE " + fd).Key("state"), "ESTABLISHED");
  // The board closes first: FIN_WAIT_2 once the peer ACKs, TIME_WAIT after its FIN.
  ASSERT_EQ(Call("CLOSE " + fd).status, "OK");
  EXPECT_EQ(recv(peer, buf, sizeof(buf), 0), 0);
  EXPECT_EQ(AwaitState(local, remote, "FIN_WAIT_2", 3000), "FIN_WAIT_2");
  close(peer);
  EXPECT_EQ(AwaitState(local, remote, "TIME_WAIT", 3000), "TIME_WAIT");
  ExecutorReply tw = Call("LOOKUP " + local + " " + remote);
  EXPECT_EQ(tw.Key("orphaned"), "1");
  EXPECT_GT(Int(tw, "timer_ms"), 100000) << "2 x TCP_MSL = 120 s, just begun";
  // The port is taken while TIME_WAIT holds it (newlib's EADDRINUSE is 112).
  ASSERT_EQ(Call("CLOSE " + lfd).status, "OK");
  const std::string again = Call("SOCKET INET").Key("ret");
  ExecutorReply bind = Call("BIND " + again + " 0.0.0.0:5000");
  EXPECT_EQ(bind.Key("errno"), "EADDRINUSE") << bind.line;
  EXPECT_EQ(bind.Key("errno_raw"), "112");
  // Skipping the idle time ends TIME_WAIT at the next slow timer.
  EXPECT_EQ(Call("ADVANCE 121000").Key("ret"), "121000");
  EXPECT_EQ(AwaitState(local, remote, "CLOSED", 3000), "CLOSED");
  EXPECT_EQ(Call("BIND " + again + " 0.0.0.0:5000").status, "OK");
}

TEST_P(FirmwareBoardTest, ActiveOpenPassiveCloseAndABlockedCallBesideTheChannel) {
  const int listener = PeerSocket();
  ASSERT_GE(listener, 0);
  sockaddr_in at = Addr(peer_ip_, 6000);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof(at)), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  const std::string fd = Call("SOCKET INET").Key("ret");
  ExecutorReply conn = Call("CONNECT " + fd + " " + peer_ip_ + ":6000 5000");
  ASSERT_EQ(conn.status, "OK") << conn.line;
  const int peer = accept(listener, nullptr, nullptr);
  ASSERT_GE(peer, 0);
  // A RECV blocked on a worker: the channel still answers, then the wait ends.
  const std::string recv_id = absl::StrCat(++next_id_);
  ASSERT_TRUE(channel_->Send(recv_id + " RECV " + fd + " 100 1500 -"));
  EXPECT_EQ(Call("TIME").status, "OK");
  EXPECT_EQ(Call("STATE " + fd).Key("state"), "ESTABLISHED");
  ExecutorReply waited = channel_->Await(recv_id, 5000);
  EXPECT_EQ(waited.status, "TIMEOUT") << waited.line;
  // The peer closes: the board reads EOF and holds CLOSE_WAIT until it closes.
  close(peer);
  ExecutorReply eof = Call("RECV " + fd + " 100 5000 -");
  EXPECT_EQ(eof.status, "OK") << eof.line;
  EXPECT_EQ(eof.Key("ret"), "0");
  ExecutorReply st = Call("STATE " + fd);
  EXPECT_EQ(st.Key("state"), "CLOSE_WAIT") << st.line;
  const std::string local = st.Key("local"), remote = st.Key("remote");
  ASSERT_EQ(Call("CLOSE " + fd).status, "OK");
  EXPECT_EQ(AwaitState(local, remote, "CLOSED", 3000), "CLOSED");
  close(listener);
}

TEST_P(FirmwareBoardTest, FaultDropsTheSynsOfItsPortsUntilRemoved) {
  const std::string lfd = Call("SOCKET INET").Key("ret");
  ASSERT_EQ(Call("BIND " + lfd + " 0.0.0.0:5100").status, "OK");
  ASSERT_EQ(Call("LISTEN " + lfd + " 4").status, "OK");
  ASSERT_EQ(Call(absl::StrCat("FAULT 7 ", peer_ip_, " 5100 5100 IN S")).status, "OK");
  EXPECT_EQ(Call(absl::StrCat("FAULT 7 ", peer_ip_, " 5100 5100 IN S")).status, "ERR")
      << "a rule number is taken once";
  const auto connect_within = [&](int ms) {
    const int peer = PeerSocket();
    timeval tv{0, ms * 1000};
    setsockopt(peer, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));  // bounds connect()
    sockaddr_in to = Addr(board_ip_, 5100);
    const int rc = connect(peer, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    close(peer);
    return rc == 0;
  };
  EXPECT_FALSE(connect_within(500)) << "the board never saw the SYN";
  EXPECT_EQ(Call("UNFAULT 7").status, "OK");
  EXPECT_EQ(Call("UNFAULT 7").status, "ERR");
  EXPECT_TRUE(connect_within(3000));
}

TEST_P(FirmwareBoardTest, RebootAnswersAgainWithAFreshStack) {
  ExecutorReply s = Call("SOCKET INET");
  ASSERT_EQ(s.status, "OK");
  ASSERT_EQ(Call("BIND " + s.Key("ret") + " 0.0.0.0:7000").status, "OK");
  ASSERT_EQ(Call("LISTEN " + s.Key("ret") + " 1").status, "OK");
  const auto t = Clock::now();
  ASSERT_EQ(Call("REBOOT").status, "OK");
  ExecutorReply hello = AwaitHello(10000);
  ASSERT_EQ(hello.status, "OK");
  std::cout << "[ bench    ] REBOOT to HELLO answered: " << MsSince(t) << " ms\n";
  EXPECT_LT(Int(hello, "t1"), 5 * 1000 * 1000) << "the stack clock started again";
  EXPECT_EQ(Call("PCBS 7000").Key("ret"), "0") << "the listener is gone with the old stack";
}

INSTANTIATE_TEST_SUITE_P(Variants, FirmwareBoardTest, ::testing::Values("debian", "esp_idf"));

}  // namespace
}  // namespace closeprobe::testing
