// What a Windows agent says of itself: the Windows version (RtlGetVersion,
// which unlike GetVersionEx is not capped by the manifest) and the registry
// settings that change close semantics, when set.
#include "agent/windows/platform_info_windows.h"

#include <windows.h>
#include <winsock2.h>

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

class WindowsPlatformInfo final : public PlatformInfo {
 public:
  explicit WindowsPlatformInfo(std::vector<std::string> features)
      : features_(std::move(features)) {}

  PlatformDescription Describe() override {
    PlatformDescription d;
    d.platform = "windows";
    d.stack_version = WindowsVersion();
    d.os = "Windows " + d.stack_version;
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
