# Helpers per target kind (abseil's absl_cc_library / leveldb's leveldb_test).

# closeprobe_cc_library(NAME SRCS ... DEPS ... [PUBLIC_DEPS ...])
function(closeprobe_cc_library NAME)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(${NAME} STATIC ${ARG_SRCS})
  target_include_directories(${NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${NAME} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
  target_compile_options(${NAME} PRIVATE
    $<IF:$<CXX_COMPILER_ID:MSVC>,/W3,-Wall;-Wextra;-Wno-unused-parameter>)
endfunction()

# closeprobe_cc_test(NAME SRCS ... DEPS ... [LABELS ...] [TIMEOUT s])
function(closeprobe_cc_test NAME)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${NAME} ${ARG_SRCS})
  target_include_directories(${NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_options(${NAME} PRIVATE
    $<IF:$<CXX_COMPILER_ID:MSVC>,/W3,-Wall;-Wextra;-Wno-unused-parameter>)
  add_test(NAME ${NAME} COMMAND ${NAME} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  # A test without a label is a unit test: scripts/sanitizers.sh runs every one.
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set_tests_properties(${NAME} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}"
    ENVIRONMENT "CLOSEPROBE_BIN_DIR=${PROJECT_BINARY_DIR}/bin")
endfunction()
