# SPDX-License-Identifier: BSL-1.0
# Reports the length of every compile-fail case's error output, as recorded by
# compile_fail.cmake in LENGTHS_DIR/<case>.txt, in a table (case, lines), with the longest.
# Fails when a case of CASES has no record (its .says test failed or did not run) or when any
# output is longer than LIMIT lines: a plain-words message must not be buried under pages of
# template backtrace.
#   cmake -DLENGTHS_DIR=... -DCASES="a;b" -DLIMIT=60 -DCOMPILER=g++ -P compile_fail_lengths.cmake
set(width 0)
foreach(c IN LISTS CASES)
  string(LENGTH "${c}" len)
  if(len GREATER width)
    set(width ${len})
  endif()
endforeach()

set(report "compile-fail error output with ${COMPILER} (limit ${LIMIT} lines)\n")
set(longest 0)
set(longest_case "")
set(problems "")
foreach(c IN LISTS CASES)
  set(file ${LENGTHS_DIR}/${c}.txt)
  string(LENGTH "${c}" len)
  math(EXPR pad "${width} - ${len} + 2")
  string(REPEAT " " ${pad} spaces)
  if(NOT EXISTS ${file})
    string(APPEND report "  ${c}${spaces}missing\n")
    string(APPEND problems "  ${c}: no record (its .says test failed or did not run)\n")
    continue()
  endif()
  file(STRINGS ${file} n LIMIT_COUNT 1)
  string(APPEND report "  ${c}${spaces}${n}\n")
  if(n GREATER longest)
    set(longest ${n})
    set(longest_case ${c})
  endif()
  if(n GREATER LIMIT)
    string(APPEND problems "  ${c}: ${n} lines, more than ${LIMIT}\n")
  endif()
endforeach()
string(APPEND report "longest: ${longest} lines (${longest_case})\n")
message("${report}")
if(problems)
  message(FATAL_ERROR "compile-fail error output:\n${problems}")
endif()
