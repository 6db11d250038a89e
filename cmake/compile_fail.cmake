# SPDX-License-Identifier: BSL-1.0
# Runs the compiler on SOURCE in syntax-only mode.
#   MODE=ok   : must compile as written.
#   MODE=fail : with -DCTGRAD_EXPECT_FAIL must fail, and the first line that says "error:"
#               must match the regex on SOURCE's "// expect: <regex>" line, so the user's
#               first sight of the problem is a sentence, not a template backtrace.
#               Each "// within: <regex>" line of SOURCE must match one of the first eight
#               lines of output after the include chain (for a shape mismatch: both shapes,
#               so the user sees them without scrolling; g++ shows them on its "In
#               instantiation of" line, clang in the error line's condition).
#               With LENGTHS_DIR and NAME set, the number of lines of the whole error output
#               is written to LENGTHS_DIR/NAME.txt (compile_fail_lengths.cmake reports them).
set(cmd ${CXX} -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic)
foreach(dir IN LISTS INCLUDES)
  list(APPEND cmd -I${dir})
endforeach()
if(MODE STREQUAL "fail")
  list(APPEND cmd -DCTGRAD_EXPECT_FAIL)
endif()
list(APPEND cmd ${SOURCE})
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")

if(MODE STREQUAL "ok")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} must compile without CTGRAD_EXPECT_FAIL:\n${all}")
  endif()
  return()
endif()

if(LENGTHS_DIR)
  # A failed run leaves no number behind: the report then names the case as missing.
  file(REMOVE ${LENGTHS_DIR}/${NAME}.txt)
endif()
file(STRINGS ${SOURCE} expect_lines REGEX "^// expect: ")
list(GET expect_lines 0 expect)
string(REGEX REPLACE "^// expect: " "" expect "${expect}")
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled with CTGRAD_EXPECT_FAIL; it must not")
endif()
# Semicolons in the output (clang prints "requires { ...; }") would split lines for CMake's
# lists, and an unbalanced square bracket would join them: they are kept as "<semicolon>",
# "<lsq>" and "<rsq>" while the output is handled line by line, and put back in each line.
string(REPLACE ";" "<semicolon>" all_lines "${all}")
string(REPLACE "[" "<lsq>" all_lines "${all_lines}")
string(REPLACE "]" "<rsq>" all_lines "${all_lines}")
string(REPLACE "\n" ";" lines "${all_lines}")
macro(restore_line var)
  string(REPLACE "<lsq>" "[" ${var} "${${var}}")
  string(REPLACE "<rsq>" "]" ${var} "${${var}}")
  string(REPLACE "<semicolon>" ";" ${var} "${${var}}")
endmacro()
set(first "")
foreach(line IN LISTS lines)
  # "error:" after a location or at the start, not any "error" (a path may contain one).
  if(line MATCHES "(^|[: ])error: ")
    set(first "${line}")
    restore_line(first)
    break()
  endif()
endforeach()
# Lines of output: its newlines, and a last line without one.
string(REGEX MATCHALL "\n" newlines "${all}")
list(LENGTH newlines n)
if(NOT all STREQUAL "" AND NOT all MATCHES "\n$")
  math(EXPR n "${n} + 1")
endif()
if(NOT first MATCHES "${expect}")
  message(FATAL_ERROR "first error line does not match '${expect}':\n${first}\n--- full output (${n} lines):\n${all}")
endif()
set(head "")
set(i 0)
foreach(line IN LISTS lines)
  if(i EQUAL 8)
    break()
  endif()
  # The include chain ("In file included from", then g++'s "   from a.hpp:12,") only says
  # where the header sits; its length depends on the include order, not on the message.
  if(line MATCHES "^In file included from " OR line MATCHES "^ +from .*[:,]$")
    continue()
  endif()
  restore_line(line)
  string(APPEND head "${line}\n")
  math(EXPR i "${i} + 1")
endforeach()
file(STRINGS ${SOURCE} within_lines REGEX "^// within: ")
foreach(w IN LISTS within_lines)
  string(REGEX REPLACE "^// within: " "" w "${w}")
  if(NOT head MATCHES "${w}")
    message(FATAL_ERROR "'${w}' is not in the first 8 lines of output (after the include chain):\n${head}")
  endif()
endforeach()
if(LENGTHS_DIR)
  file(WRITE ${LENGTHS_DIR}/${NAME}.txt "${n}\n")
endif()
message(STATUS "error output: ${n} lines; first error line: ${first}")
