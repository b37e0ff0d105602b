# SPDX-License-Identifier: MIT
# What `make firmware BOARD_FILE=...` does, in a build folder of its own:
# configure the arm preset's toolchain with QDFU_BOARD_FILE and build the
# board's image. EXPECT is the image name (my_board: the .elf, .hex and .bin
# must appear in WORK_DIR/images/my_board/) or, for a bad file, what the
# refusal must say (and no image may appear).
#   cmake -DSOURCE_DIR= -DBOARD_FILE= -DWORK_DIR= -DEXPECT= -P out_of_tree_firmware.cmake
get_filename_component(stem ${BOARD_FILE} NAME_WE)
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build
          -DCMAKE_TOOLCHAIN_FILE=${SOURCE_DIR}/cmake/arm-none-eabi.cmake
          -DCMAKE_BUILD_TYPE=MinSizeRel -DQDFU_BOARD_FILE=${BOARD_FILE}
          -DQDFU_IMAGE_DIR=${WORK_DIR}/images
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "configure failed:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build --target qdfu-${stem} -j 2
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
set(images ${WORK_DIR}/images/${stem}/qdfu-${stem})
if(EXPECT STREQUAL stem)
  if(rc)
    message(FATAL_ERROR "make firmware BOARD_FILE=${BOARD_FILE} failed:\n${out}")
  endif()
  foreach(ext elf hex bin)
    if(NOT EXISTS ${images}.${ext})
      message(FATAL_ERROR "no ${images}.${ext}:\n${out}")
    endif()
  endforeach()
  message("${images}.{elf,hex,bin} built")
else()
  if(NOT rc OR EXISTS ${images}.elf OR NOT out MATCHES "${EXPECT}")
    message(FATAL_ERROR "${BOARD_FILE} was not refused with \"${EXPECT}\" (exit ${rc}):\n${out}")
  endif()
  message("refused as expected")
endif()
