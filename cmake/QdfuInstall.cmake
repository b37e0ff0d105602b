# SPDX-License-Identifier: MIT
# `cmake --install` / `make install PREFIX=... DESTDIR=...`: what a user of
# the host tool gets (see README "Installing"):
#   bin/qdfu                       the command line
#   bin/qdfu-sim -> ../libexec/qdfu/qdfu-sim
#   libexec/qdfu/                  qdfu-sim, qdfu-sim-dwc2, libqdfu-vtime.so and
#                                  libqdfu-epoll.so:
#                                  qdfu-sim finds the other two next to its own
#                                  executable (/proc/self/exe, symlinks resolved)
#   lib/libqdfu.so.1, libqdfu.a    the C library; include/qdfu.h; lib/pkgconfig/qdfu.pc
#   share/man/man1/, share/bash-completion/completions/qdfu
#   share/qdfu/web/                the web flasher's page and qdfu.wasm (`qdfu web`)
#   lib/udev/rules.d/70-qdfu.rules (udev reads /usr/lib/udev and /etc/udev only:
#                                  with PREFIX=/usr/local copy it to /etc/udev/rules.d)
include(GNUInstallDirs)

install(TARGETS qdfu RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tool)
install(TARGETS qdfu_shared
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib NAMELINK_COMPONENT dev
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(TARGETS qdfu_static ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)

configure_file(${PROJECT_SOURCE_DIR}/host/lib/qdfu.pc.in ${CMAKE_BINARY_DIR}/qdfu.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/qdfu.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT dev)

install(FILES ${PROJECT_SOURCE_DIR}/docs/man/qdfu.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        COMPONENT tool)
install(FILES ${PROJECT_SOURCE_DIR}/host/completion/qdfu.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME qdfu
        COMPONENT tool)
# the web flasher (docs/web.md), served by `qdfu web`
if(TARGET web)
  install(DIRECTORY ${QDFU_WEB_DIR}/ DESTINATION ${CMAKE_INSTALL_DATADIR}/qdfu/web
          COMPONENT tool)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/host/udev/70-qdfu.rules
        DESTINATION lib/udev/rules.d COMPONENT tool)

if(TARGET qdfu-sim)
  set(QDFU_LIBEXEC ${CMAKE_INSTALL_LIBEXECDIR}/qdfu)
  install(TARGETS qdfu-sim RUNTIME DESTINATION ${QDFU_LIBEXEC} COMPONENT sim)
  if(TARGET qdfu-sim-dwc2)
    install(TARGETS qdfu-sim-dwc2 RUNTIME DESTINATION ${QDFU_LIBEXEC} COMPONENT sim)
  endif()
  # a preload library, not a program: not executable (lintian)
  install(TARGETS qdfu-vtime qdfu-epoll LIBRARY DESTINATION ${QDFU_LIBEXEC} COMPONENT sim
          PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  file(RELATIVE_PATH sim_rel /${CMAKE_INSTALL_BINDIR} /${QDFU_LIBEXEC}/qdfu-sim)
  install(CODE "
    set(link \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/qdfu-sim\")
    file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    file(CREATE_LINK \"${sim_rel}\" \"\${link}\" SYMBOLIC)
    message(STATUS \"Installing: \${link} -> ${sim_rel}\")" COMPONENT sim)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/man/qdfu-sim.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT sim)
endif()
