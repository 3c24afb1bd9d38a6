// ExecutorChannel (see executor_channel.h).
#include "firmware/testutil/executor_channel.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace closeprobe::testing {

ExecutorReply ParseExecutorReply(const std::string& line) {
  ExecutorReply r;
  r.line = line;
  size_t pos = 0;
  int index = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string::npos) end = line.size();
    const std::string tok = line.substr(pos, end - pos);
    pos = end + 1;
    if (tok.empty()) continue;
    if (index == 0) r.id = tok;
    if (index == 1) r.status = tok;
    if (index >= 2) {
      const size_t eq = tok.find('=');
      if (eq != std::string::npos) r.keys[tok.substr(0, eq)] = tok.substr(eq + 1);
    }
    ++index;
  }
  return r;
}

ExecutorChannel::~ExecutorChannel() {
  close(read_fd_);
  if (write_fd_ != read_fd_) close(write_fd_);
}

ExecutorChannel* ExecutorChannel::Spawn(const std::string& path, pid_t* pid) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0) return nullptr;
  if (pipe(from_child) != 0) return nullptr;
  *pid = fork();
  if (*pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[1]);
    close(from_child[0]);
    execl(path.c_str(), path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  signal(SIGPIPE, SIG_IGN);
  return new ExecutorChannel(from_child[0], to_child[1]);
}

ExecutorChannel* ExecutorChannel::ConnectUnix(const std::string& path, int timeout_ms) {
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  if (path.size() >= sizeof(un.sun_path)) return nullptr;
  std::strcpy(un.sun_path, path.c_str());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&un), sizeof(un)) == 0) {
      signal(SIGPIPE, SIG_IGN);
      return new ExecutorChannel(fd, fd);
    }
    close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return nullptr;
}

bool ExecutorChannel::Send(const std::string& line) {
  const std::string data = line + "\n";
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(write_fd_, data.data() + done, data.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string ExecutorChannel::ReadLine(int timeout_ms) {
  if (!pending_.empty()) {
    std::string line = pending_.front();
    pending_.pop_front();
    return line;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd p{read_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(read_fd_, chunk, sizeof(chunk));
    if (n <= 0) return "";
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

ExecutorReply ExecutorChannel::Await(const std::string& id, int timeout_ms) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    ExecutorReply r = ParseExecutorReply(*it);
    if (r.id == id) {
      pending_.erase(it);
      return r;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::deque<std::string> others;
  ExecutorReply found;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::deque<std::string> saved;
    saved.swap(pending_);  // ReadLine must read the pipe, not the kept lines
    const std::string line = ReadLine(static_cast<int>(left.count()) + 1);
    pending_.swap(saved);
    if (line.empty()) continue;
    ExecutorReply r = ParseExecutorReply(line);
    if (r.id == id) {
      found = r;
      break;
    }
    others.push_back(line);
  }
  for (auto& l : others) pending_.push_back(l);
  return found;
}

ExecutorReply ExecutorChannel::Call(const std::string& id, const std::string& rest,
                                    int timeout_ms) {
  if (!Send(id + " " + rest)) return ExecutorReply{};
  return Await(id, timeout_ms);
}

}  // namespace closeprobe::testing
