# SPDX-License-Identifier: MIT
# `qdfu-sim --list-boards` names every board file, and --board finds each.
#   cmake -DSIM= -DNAMES=a;b -P expect_listed.cmake
execute_process(COMMAND ${SIM} --list-boards RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(rc)
  message(FATAL_ERROR "qdfu-sim --list-boards exited ${rc}")
endif()
foreach(n ${NAMES})
  if(NOT out MATCHES "(^|\n)${n} ")
    message(FATAL_ERROR "qdfu-sim --list-boards does not list ${n}:\n${out}")
  endif()
  execute_process(COMMAND ${SIM} --board ${n} -- true RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "qdfu-sim --board ${n} failed (${rc}):\n${err}")
  endif()
endforeach()
message("${out}")
