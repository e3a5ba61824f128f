# SPDX-License-Identifier: Apache-2.0
# nsb_strict(target): the project's warning set. Warnings are errors unless
# NSB_WERROR is OFF (a runtime vendoring core/ may choose that).
set(NSB_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wformat=2 -Wformat-security -Wstrict-prototypes -Wmissing-prototypes
  -Wold-style-definition -Wundef -Wcast-qual -Wwrite-strings
  -Wvla -Wimplicit-fallthrough -Wnull-dereference)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  list(APPEND NSB_WARNINGS -Wlogical-op -Wduplicated-cond -Wduplicated-branches)
endif()

function(nsb_strict target)
  target_compile_options(${target} PRIVATE ${NSB_WARNINGS})
  if(NSB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
