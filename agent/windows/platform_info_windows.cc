// What a Windows agent says of itself: the Windows version (RtlGetVersion,
// which unlike GetVersionEx is not capped by the manifest) and the registry
// settings that change close semantics, when set. Under Wine it says so:
// the Winsock API is Wine's and the TCP stack is the host's (Wine's ntdll
// exports wine_get_version and wine_get_host_version), so nothing
// downstream can take the column for Windows.
#include "agent/windows/platform_info_windows.h"

// winsock2.h before windows.h, which would pull in the old winsock.h.
#include <winsock2.h>
#include <windows.h>

#include <string>

namespace closeprobe::agent {
namespace {

// Tcpip\Parameters values that bear on closing (absent = the default).
constexpr const char* kTcpipParameters =
    "SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters";
constexpr const char* kCloseSettings[] = {"TcpTimedWaitDelay", "KeepAliveTime",
                                          "KeepAliveInterval",
                                          "TcpMaxDataRetransmissions"};

std::string WindowsVersion() {
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  auto get = ntdll == nullptr
                 ? nullptr
                 : reinterpret_cast<RtlGetVersionFn>(reinterpret_cast<void*>(
                       GetProcAddress(ntdll, "RtlGetVersion")));
  OSVERSIONINFOW v{};
  v.dwOSVersionInfoSize = sizeof(v);
  if (get == nullptr || get(&v) != 0) return "";
  return std::to_string(v.dwMajorVersion) + "." +
         std::to_string(v.dwMinorVersion) + "." +
         std::to_string(v.dwBuildNumber);
}

// Wine's version and the host system it runs on ("Linux", "6.18.44");
// false on Windows.
bool WineVersion(std::string* wine, std::string* host_system, std::string* host_release) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return false;
  using VersionFn = const char*(CDECL*)();
  using HostFn = void(CDECL*)(const char**, const char**);
  auto version = reinterpret_cast<VersionFn>(
      reinterpret_cast<void*>(GetProcAddress(ntdll, "wine_get_version")));
  auto host = reinterpret_cast<HostFn>(
      reinterpret_cast<void*>(GetProcAddress(ntdll, "wine_get_host_version")));
  if (version == nullptr) return false;
  *wine = version();
  const char* sysname = "";
  const char* release = "";
  if (host != nullptr) host(&sysname, &release);
  *host_system = sysname;
  *host_release = release;
  return true;
}

class WindowsPlatformInfo final : public PlatformInfo {
 public:
  explicit WindowsPlatformInfo(std::vector<std::string> features)
      : features_(std::move(features)) {}

  PlatformDescription Describe() override {
    PlatformDescription d;
    std::string wine, host_system, host_release;
    if (WineVersion(&wine, &host_system, &host_release)) {
      d.platform = "wine";
      d.stack_version = host_release;  // the stack under the calls is the host's
      d.os = "Wine " + wine + " on " + host_system + " " + host_release +
             " (Winsock API from Wine, TCP from the host's stack; reports Windows " +
             WindowsVersion() + ")";
    } else {
      d.platform = "windows";
      d.stack_version = WindowsVersion();
      d.os = "Windows " + d.stack_version;
    }
    for (const char* name : kCloseSettings) {
      DWORD value = 0;
      DWORD size = sizeof(value);
      if (RegGetValueA(HKEY_LOCAL_MACHINE, kTcpipParameters, name,
                       RRF_RT_REG_DWORD, nullptr, &value,
                       &size) == ERROR_SUCCESS) {
        d.settings[name] = std::to_string(value);
      }
    }
    char host[256] = {};
    if (gethostname(host, sizeof(host)) == 0) d.hostname = host;
    d.features = features_;
    return d;
  }

 private:
  std::vector<std::string> features_;
};

}  // namespace

std::unique_ptr<PlatformInfo> NewWindowsPlatformInfo(
    std::vector<std::string> features) {
  return std::make_unique<WindowsPlatformInfo>(std::move(features));
}

}  // namespace closeprobe::agent
