# SPDX-License-Identifier: MIT
# Checks one board description (cmake -P; run by the build for every board
# before the firmware is compiled, and by the tests on bad descriptions):
#   -DBOARD_FILE= -DBOARD_ID= -DBOARD_NAME= -DSOURCE_DIR= -DWORK_DIR= -DHOST_CC=
#   [-DSTAMP=file written on success: the board's traits for the tests,
#    e.g. "dual small" (see board_check_main.c)]
# The description is compiled with the host compiler together with
# firmware/boards/check/ and run; the checker says what is wrong.
foreach(v BOARD_FILE BOARD_ID BOARD_NAME SOURCE_DIR WORK_DIR HOST_CC)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "QdfuBoardCheck.cmake: -D${v}= is missing")
  endif()
endforeach()

# The checker's own words (the variable `why`), unwrapped, then a short
# failure. (A variable, not arguments: the words may hold semicolons.)
function(refuse)
  message("${why}")
  message(FATAL_ERROR "qdfu: board description refused: ${BOARD_FILE}")
endfunction()

file(READ "${BOARD_FILE}" text)
if(NOT text MATCHES "const[ \t\n]+struct[ \t\n]+board[ \t\n]+board_${BOARD_ID}[ \t\n]*=")
  set(why "${BOARD_FILE}: no `const struct board board_${BOARD_ID} = {...}`. A board file ")
  string(APPEND why "defines its board under the file's name (docs/porting.md).")
  refuse()
endif()

set(check ${SOURCE_DIR}/firmware/boards/check)
set(exe ${WORK_DIR}/board_check_${BOARD_ID})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(
  COMMAND ${HOST_CC} -std=c11 -Wall -Wextra -Werror -I${SOURCE_DIR}/firmware -I${check}
          -DQDFU_CHECK_BOARD=board_${BOARD_ID} -o ${exe}
          ${check}/board_check.c ${check}/board_check_main.c ${BOARD_FILE}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  set(why "${BOARD_FILE}: the board description does not compile:\n${out}")
  refuse()
endif()
string(REPLACE "_" "-" dashed "${BOARD_NAME}")
execute_process(COMMAND ${exe} ${BOARD_FILE} ${BOARD_NAME} ${dashed}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  set(why "${out}")
  refuse()
endif()
if(DEFINED STAMP)
  string(REGEX MATCH "traits:([^\n]*)" traits "${out}")
  string(STRIP "${CMAKE_MATCH_1}" traits)
  file(WRITE ${STAMP} "${traits}\n")
endif()
