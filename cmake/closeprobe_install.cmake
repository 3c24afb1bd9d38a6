# `cmake --install` and the Debian package: the programs in bin/, the data
# they find relative to themselves (controller/commands/data_paths.h) in
# share/closeprobe/: the articles' claims, the case set and the docs.
include(GNUInstallDirs)
# `cmake --install` and cpack take the programs as built; they do not build
# every target first (the tests and the firmware are not installed).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

foreach(program closeprobe closeprobe-agent closeprobe-agent-lwip closeprobe-agent-gvisor)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(DIRECTORY claims cases docs DESTINATION ${CMAKE_INSTALL_DATADIR}/closeprobe)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/closeprobe)

# closeprobe_VERSION_amd64.deb; its dependencies are Debian's own packages,
# found by dpkg-shlibdeps from the libraries the programs link, plus the
# tools the run command and the agents run.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME closeprobe)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "closeprobe developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "TCP close-semantics conformance tests on real network stacks")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "iproute2, nftables")
# The gvisor column's sandbox; without it the run says so and leaves the
# column out.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "runsc")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
