#include <windows.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "controller/hosts/local_processes.h"

namespace closeprobe::controller {
namespace {

// Every child joins one job that kills them when its last handle (the
// controller's) closes: the agents die with the controller, as with
// PR_SET_PDEATHSIG on Linux.
HANDLE Job() {
  static HANDLE job = [] {
    HANDLE h = CreateJobObjectA(nullptr, nullptr);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(h, JobObjectExtendedLimitInformation, &limits, sizeof(limits));
    return h;
  }();
  return job;
}

std::mutex mu;
std::map<ProcessId, HANDLE>& Handles() {
  static auto* handles = new std::map<ProcessId, HANDLE>();
  return *handles;
}

HANDLE HandleOf(ProcessId pid) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = Handles().find(pid);
  return it == Handles().end() ? nullptr : it->second;
}

// One argument quoted for CommandLineToArgvW's rules.
std::string Quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\"") == std::string::npos) return arg;
  std::string out = "\"";
  size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    out.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');
  return out + "\"";
}

}  // namespace

absl::StatusOr<ProcessId> SpawnChild(const std::vector<std::string>& args,
                                     const std::string& log_path, int /*stdin_fd*/) {
  SECURITY_ATTRIBUTES inherit{sizeof(inherit), nullptr, TRUE};
  HANDLE log = CreateFileA(log_path.c_str(), FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           &inherit, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (log == INVALID_HANDLE_VALUE) return absl::InternalError(absl::StrCat("cannot open ", log_path));
  std::string command_line;
  for (const std::string& a : args) absl::StrAppend(&command_line, command_line.empty() ? "" : " ", Quote(a));
  STARTUPINFOA startup{};
  startup.cb = sizeof(startup);
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = nullptr;
  startup.hStdOutput = log;
  startup.hStdError = log;
  PROCESS_INFORMATION info{};
  const BOOL ok = CreateProcessA(nullptr, command_line.data(), nullptr, nullptr, TRUE,
                                 CREATE_NO_WINDOW | CREATE_SUSPENDED, nullptr, nullptr, &startup, &info);
  CloseHandle(log);
  if (!ok) {
    return absl::InternalError(absl::StrCat("cannot start ", args.front(), " (error ", GetLastError(), ")"));
  }
  AssignProcessToJobObject(Job(), info.hProcess);
  ResumeThread(info.hThread);
  CloseHandle(info.hThread);
  std::lock_guard<std::mutex> lock(mu);
  Handles()[info.dwProcessId] = info.hProcess;
  return static_cast<ProcessId>(info.dwProcessId);
}

bool ChildAlive(ProcessId pid) {
  HANDLE h = HandleOf(pid);
  return h != nullptr && WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
}

// Windows has no SIGTERM for a console-less child: the agents are ended
// outright; their sessions' sockets close with the process.
void StopChildren(const std::vector<ProcessId>& pids) {
  KillChildren(pids);
  for (ProcessId pid : pids) {
    HANDLE h = HandleOf(pid);
    if (h == nullptr) continue;
    WaitForSingleObject(h, 3000);
    std::lock_guard<std::mutex> lock(mu);
    CloseHandle(h);
    Handles().erase(pid);
  }
}

void KillChildren(const std::vector<ProcessId>& pids) {
  for (ProcessId pid : pids) {
    if (HANDLE h = HandleOf(pid)) TerminateProcess(h, 1);
  }
}

absl::StatusOr<std::string> MakeRunFolder() {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return absl::InternalError("no temporary folder");
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::filesystem::path dir =
        base / absl::StrCat("closeprobe.", GetCurrentProcessId(), ".", GetTickCount64() % 100000, attempt);
    if (std::filesystem::create_directory(dir, ec)) return dir.string();
  }
  return absl::InternalError("cannot make a temporary folder");
}

std::string ProgramDir() {
  char path[MAX_PATH];
  const DWORD n = GetModuleFileNameA(nullptr, path, MAX_PATH);
  return std::filesystem::path(std::string(path, n)).parent_path().string();
}

std::string ExecutableName(const std::string& name) { return name + ".exe"; }

// No local host on Windows starts another program by name (loopback only).
std::string FindProgram(const std::string& name) { return ""; }

}  // namespace closeprobe::controller
