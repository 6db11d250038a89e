# SPDX-License-Identifier: BSL-1.0
# Builds and runs test/consumer as a separate project, against either the installed
# package (MODE=find_package) or the source tree (MODE=add_subdirectory).
file(REMOVE_RECURSE ${WORK})
set(project_args -DCMAKE_CXX_COMPILER=${CXX})
if(MODE STREQUAL "find_package")
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${CTGRAD_BUILD} --prefix ${WORK}/prefix
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "installing ctgrad into ${WORK}/prefix failed")
  endif()
  list(APPEND project_args -DCMAKE_PREFIX_PATH=${WORK}/prefix)
else()
  list(APPEND project_args -DCTGRAD_SOURCE=${CTGRAD_SOURCE})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${CTGRAD_SOURCE}/test/consumer/${MODE}
                        -B ${WORK}/build ${project_args} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the ${MODE} consumer failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the ${MODE} consumer failed")
endif()
execute_process(COMMAND ${WORK}/build/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message(STATUS "consumer printed: ${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the ${MODE} consumer ran and failed")
endif()
