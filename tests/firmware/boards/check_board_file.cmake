# SPDX-License-Identifier: MIT
# Runs the build's own board check (cmake/QdfuBoardCheck.cmake) on one board
# file and expects it accepted (EXPECT empty) or refused with a message that
# matches EXPECT:
#   cmake -DBOARD_FILE= -DEXPECT= -DSOURCE_DIR= -DWORK_DIR= -DHOST_CC= -P check_board_file.cmake
get_filename_component(stem ${BOARD_FILE} NAME_WE)
execute_process(
  COMMAND ${CMAKE_COMMAND} -DBOARD_FILE=${BOARD_FILE} -DBOARD_ID=${stem} -DBOARD_NAME=${stem}
          -DSOURCE_DIR=${SOURCE_DIR} -DWORK_DIR=${WORK_DIR} -DHOST_CC=${HOST_CC}
          -P ${SOURCE_DIR}/cmake/QdfuBoardCheck.cmake
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(EXPECT STREQUAL "")
  if(rc)
    message(FATAL_ERROR "${BOARD_FILE}: refused, expected accepted")
  endif()
elseif(NOT rc)
  message(FATAL_ERROR "${BOARD_FILE}: accepted, expected refused with: ${EXPECT}")
elseif(NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "${BOARD_FILE}: refused, but the message lacks: ${EXPECT}")
endif()
