# SPDX-License-Identifier: MIT
# qdfu_unit_test(NAME name SOURCES a.c b.c LIBS lib1 lib2 [LABELS l])
# A cmocka test executable registered with ctest.
if(QDFU_BUILD_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()

function(qdfu_unit_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                        ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set(labels unit ${T_LABELS})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${labels}" TIMEOUT 300)
endfunction()

# Include every tests/<area>/ (or similar) folder that has a CMakeLists.txt.
function(qdfu_add_subdirs dir)
  file(GLOB children RELATIVE ${dir} ${dir}/*)
  list(SORT children)
  foreach(c ${children})
    if(IS_DIRECTORY ${dir}/${c} AND EXISTS ${dir}/${c}/CMakeLists.txt)
      add_subdirectory(${dir}/${c})
    endif()
  endforeach()
endfunction()
