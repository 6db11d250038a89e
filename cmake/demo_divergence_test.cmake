# SPDX-License-Identifier: BSL-1.0
# examples.fashion_mnist.diverges: a good run writes its curves, then a run with a learning
# rate far too high (--lr 1e9) must stop in its first epoch with advice, and leave the good
# run's curve file as it was (the failed run's curves go to <prefix>.csv.part).
#   cmake -DDEMO=<fashion_mnist binary> -DWORK=<directory> -P demo_divergence_test.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(prefix "${WORK}/curves")
execute_process(COMMAND "${DEMO}" --synthetic --epochs 1 --limit 320 --out "${prefix}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS "${prefix}.csv")
  message(FATAL_ERROR "the good run failed (${rc}):\n${out}\n${err}")
endif()
file(READ "${prefix}.csv" good)
execute_process(COMMAND "${DEMO}" --synthetic --epochs 3 --limit 640 --lr 1e9 --out "${prefix}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "the diverging run said:\n${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "the run with --lr 1e9 succeeded")
endif()
if(NOT err MATCHES "diverged at epoch 1, batch [0-9]+:.*try --lr 0.001")
  message(FATAL_ERROR "no divergence at epoch 1 with advice in:\n${err}")
endif()
if(out MATCHES "epoch +1/3")
  message(FATAL_ERROR "the diverging run finished an epoch")
endif()
file(READ "${prefix}.csv" after)
if(NOT after STREQUAL good)
  message(FATAL_ERROR "the failed run replaced ${prefix}.csv")
endif()
if(NOT EXISTS "${prefix}.csv.part")
  message(FATAL_ERROR "the failed run's curves are not in ${prefix}.csv.part")
endif()
