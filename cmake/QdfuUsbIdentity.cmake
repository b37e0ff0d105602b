# SPDX-License-Identifier: MIT
# qdfu_usb_identity(<target> <vid> <pid> <manufacturer> <product>): the
# compile definitions that override every board's USB identity in
# firmware/dfu/dfu_desc.c (docs/decisions/usb-identity.md). Empty arguments
# keep the board's value. Refuses what a USB descriptor cannot carry.
function(qdfu_usb_identity target vid pid manufacturer product)
  foreach(pair "QDFU_USB_VID=${vid}" "QDFU_USB_PID=${pid}")
    string(REGEX REPLACE "=.*" "" v "${pair}")
    string(REGEX REPLACE "^[^=]*=" "" value "${pair}")
    if(NOT value STREQUAL "")
      if(NOT value MATCHES "^0[xX][0-9A-Fa-f]?[0-9A-Fa-f]?[0-9A-Fa-f]?[0-9A-Fa-f]$"
         OR value MATCHES "^0[xX]0*$")
        message(FATAL_ERROR "qdfu: ${v}=${value}: give a 16-bit ID in hexadecimal with 0x, "
                            "not 0 (-D${v}=0x1209), or leave it empty for the board's.")
      endif()
      target_compile_definitions(${target} PRIVATE ${v}=${value})
    endif()
  endforeach()
  foreach(pair "QDFU_USB_MANUFACTURER=${manufacturer}" "QDFU_USB_PRODUCT=${product}")
    string(REGEX REPLACE "=.*" "" v "${pair}")
    string(REGEX REPLACE "^[^=]*=" "" value "${pair}")
    if(NOT value STREQUAL "")
      string(LENGTH "${value}" len)
      # printable ASCII (dfu_desc.c writes UTF-16 from ASCII) without " and \,
      # nor # and ; which CMake cannot pass on a compiler command line
      if(len GREATER 126 OR NOT value MATCHES "^[] !$-:<-[^-~]+$")
        message(FATAL_ERROR "qdfu: ${v}=\"${value}\": give 1-126 printable ASCII "
                            "characters without \" \\ # or ; (a USB string descriptor).")
      endif()
      target_compile_definitions(${target} PRIVATE "${v}=\"${value}\"")
    endif()
  endforeach()
endfunction()
