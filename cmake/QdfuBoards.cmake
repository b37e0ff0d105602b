# SPDX-License-Identifier: MIT
# Boards are data (docs/porting.md). Every file directly in firmware/boards/
# is one board: it defines `const struct board board_<file name>`. An
# out-of-tree board file joins them with -DQDFU_BOARD_FILE=path (what
# `make firmware BOARD_FILE=...` and `make build BOARD_FILE=...` pass).
# Nothing lists the boards by hand: this module finds them, generates the
# board list (board_list[], board_find()) and checks every description with
# cmake/QdfuBoardCheck.cmake before anything is compiled from it.

set(QDFU_BOARD_FILE "" CACHE FILEPATH
    "An out-of-tree board description to build with the in-tree boards")

# qdfu_boards(<prefix>): <prefix>_IDS (C names: board_<id>), <prefix>_NAMES
# (image names: build/<name>/qdfu-<name>.*), <prefix>_FILES, in one order.
# In-tree boards are named after their file with '_' written '-'
# (stm32h745i_disco.c -> stm32h745i-disco); an out-of-tree board keeps its
# file name (my_board.c -> build/my_board/qdfu-my_board.elf).
function(qdfu_boards prefix)
  file(GLOB files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/firmware/boards/*.c)
  list(SORT files)
  set(ids "")
  set(names "")
  foreach(f ${files})
    get_filename_component(stem ${f} NAME_WE)
    string(REPLACE "-" "_" id "${stem}")
    string(REPLACE "_" "-" name "${stem}")
    list(APPEND ids ${id})
    list(APPEND names ${name})
  endforeach()
  if(QDFU_BOARD_FILE)
    get_filename_component(f "${QDFU_BOARD_FILE}" ABSOLUTE BASE_DIR ${PROJECT_SOURCE_DIR})
    if(NOT EXISTS "${f}")
      message(FATAL_ERROR "qdfu: BOARD_FILE ${QDFU_BOARD_FILE} does not exist. Give the path "
                          "of your board description (docs/porting.md).")
    endif()
    get_filename_component(stem ${f} NAME_WE)
    string(REPLACE "-" "_" id "${stem}")
    if(NOT id MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
      message(FATAL_ERROR "qdfu: BOARD_FILE ${f}: name the file with letters, digits, '_' "
                          "or '-' (my_board.c): the name becomes the image's and the C name "
                          "board_<file name>.")
    endif()
    if(id IN_LIST ids)
      message(FATAL_ERROR "qdfu: BOARD_FILE ${f}: firmware/boards/ already has a board "
                          "named ${stem}. Rename your file (and its board_${id} and .name).")
    endif()
    list(APPEND files ${f})
    list(APPEND ids ${id})
    list(APPEND names ${stem})
  endif()
  set(${prefix}_FILES ${files} PARENT_SCOPE)
  set(${prefix}_IDS ${ids} PARENT_SCOPE)
  set(${prefix}_NAMES ${names} PARENT_SCOPE)
endfunction()

# qdfu_board_traits_file(<id> <var>): the file the board's check writes
# when it passes, naming the board's traits for the tests ("dual ulpi small").
function(qdfu_board_traits_file id var)
  set(${var} ${CMAKE_BINARY_DIR}/generated/boards/${id}.checked PARENT_SCOPE)
endfunction()

# The host C compiler that builds the board checker (the arm build too).
if(CMAKE_CROSSCOMPILING)
  find_program(QDFU_HOST_CC NAMES cc gcc clang REQUIRED)
else()
  set(QDFU_HOST_CC ${CMAKE_C_COMPILER})
endif()

# qdfu_add_boards(<library>): adds every board file and the generated list
# to <library>; <library> is built only after every board passed its check.
function(qdfu_add_boards lib)
  qdfu_boards(b)
  set(gen ${CMAKE_BINARY_DIR}/generated/boards)
  set(QDFU_BOARD_EXTERNS "")
  set(QDFU_BOARD_POINTERS "")
  set(stamps "")
  set(check_src ${PROJECT_SOURCE_DIR}/firmware/boards/check)
  foreach(f id name IN ZIP_LISTS b_FILES b_IDS b_NAMES)
    string(APPEND QDFU_BOARD_EXTERNS "extern const struct board board_${id};\n")
    string(APPEND QDFU_BOARD_POINTERS "\t&board_${id},\n")
    qdfu_board_traits_file(${id} stamp)
    add_custom_command(OUTPUT ${stamp}
      COMMAND ${CMAKE_COMMAND} -DBOARD_FILE=${f} -DBOARD_ID=${id} -DBOARD_NAME=${name}
              -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DWORK_DIR=${gen} -DHOST_CC=${QDFU_HOST_CC}
              -DSTAMP=${stamp} -P ${PROJECT_SOURCE_DIR}/cmake/QdfuBoardCheck.cmake
      DEPENDS ${f} ${check_src}/board_check.c ${check_src}/board_check.h
              ${check_src}/board_check_main.c ${PROJECT_SOURCE_DIR}/firmware/boards/board.h
              ${PROJECT_SOURCE_DIR}/firmware/boards/board_def.h
              ${PROJECT_SOURCE_DIR}/cmake/QdfuBoardCheck.cmake
      COMMENT "qdfu: checking the board description ${name}" VERBATIM)
    list(APPEND stamps ${stamp})
  endforeach()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/board_list.c.in ${gen}/board_list.c @ONLY)
  add_custom_target(qdfu_board_checks DEPENDS ${stamps})
  target_sources(${lib} PRIVATE ${b_FILES} ${gen}/board_list.c)
  add_dependencies(${lib} qdfu_board_checks)
endfunction()
