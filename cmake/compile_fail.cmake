# SPDX-License-Identifier: BSL-1.0
# Runs the compiler on SOURCE in syntax-only mode.
#   MODE=ok   : must compile as written.
#   MODE=fail : with -DCTGRAD_EXPECT_FAIL must fail, and the first line that says "error"
#               must match the regex on SOURCE's "// expect: <regex>" line, so the user's
#               first sight of the problem is a sentence, not a template backtrace.
#               Each "// within: <regex>" line of SOURCE must match one of the first eight
#               lines of output (for a shape mismatch: both shapes, so the user sees them
#               without scrolling; g++ shows them on its "In instantiation of" line, clang
#               in the error line's condition).
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

file(STRINGS ${SOURCE} expect_lines REGEX "^// expect: ")
list(GET expect_lines 0 expect)
string(REGEX REPLACE "^// expect: " "" expect "${expect}")
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled with CTGRAD_EXPECT_FAIL; it must not")
endif()
# Semicolons in the output (clang prints "requires { ...; }") would split lines for CMake's
# lists: they are kept as "<semicolon>" while the output is handled line by line.
string(REPLACE ";" "<semicolon>" all_lines "${all}")
string(REPLACE "\n" ";" lines "${all_lines}")
set(first "")
foreach(line IN LISTS lines)
  if(line MATCHES "error")
    set(first "${line}")
    break()
  endif()
endforeach()
list(LENGTH lines n)
if(NOT first MATCHES "${expect}")
  message(FATAL_ERROR "first error line does not match '${expect}':\n${first}\n--- full output (${n} lines):\n${all}")
endif()
set(head "")
set(i 0)
foreach(line IN LISTS lines)
  if(i EQUAL 8)
    break()
  endif()
  string(APPEND head "${line}\n")
  math(EXPR i "${i} + 1")
endforeach()
file(STRINGS ${SOURCE} within_lines REGEX "^// within: ")
foreach(w IN LISTS within_lines)
  string(REGEX REPLACE "^// within: " "" w "${w}")
  if(NOT head MATCHES "${w}")
    message(FATAL_ERROR "'${w}' is not in the first 8 lines of output:\n${head}")
  endif()
endforeach()
message(STATUS "first error line (of ${n} lines of output): ${first}")
