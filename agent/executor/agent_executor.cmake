# The proxy agent: serves the Agent API for a stack that runs an executor
# (docs/executor-protocol.md), e.g. the lwIP firmware on QEMU's mps2-an385.
# Capture is libpcap on the board's TAP; for an executor on this host's own
# stack, capture, faults and settings are the Linux agent's pieces.
closeprobe_cc_library(agent_platform_executor
  SRCS executor/executor_link.cc executor/executor_pipe_posix.cc
       executor/socket_api_executor.cc executor/state_observer_executor.cc
       executor/platform_info_executor.cc executor/stack_clock_executor.cc
       executor/error_names_executor.cc executor/fault_injector_executor.cc
       executor/platform_executor.cc executor/board_reboot_executor.cc
       linux/wire_capture_pcap.cc linux/fault_injector_nftables.cc linux/stack_settings_linux.cc
       posix/stop_signal_posix.cc
  PUBLIC_DEPS agent_core
  DEPS PkgConfig::CLOSEPROBE_LINUX_DEPS absl::flags)
add_executable(closeprobe-agent-executor main.cc)
target_include_directories(closeprobe-agent-executor PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(closeprobe-agent-executor PRIVATE agent_platform_executor agent_core
  absl::flags absl::flags_parse absl::flags_usage)
if(CLOSEPROBE_BUILD_TESTS)
  # The proxy's resets against a scripted executor (no board, no root).
  closeprobe_cc_test(executor_board_reset_test SRCS executor/executor_board_reset_test.cc
    DEPS agent_platform_executor agent_core TIMEOUT 60)
endif()
