// SPDX-License-Identifier: BSL-1.0
// Compiler attributes and configuration macros, in one place.
//   CTGRAD_ALWAYS_INLINE  the glue between a net's tables and its kernels (the forward and
//                         backward steps). Inlined, each child position and workspace offset
//                         is a constant and the step costs nothing; called, it would read
//                         them from tables at run time.
//   CTGRAD_NOINLINE       a large kernel compiled as a function of its own (kernels/matmul.hpp
//                         says why)
//   CTGRAD_RESTRICT       kernel pointers that do not alias, so loops vectorise without
//                         run-time overlap checks
//   CTGRAD_ROLLED         the loop that follows is not unrolled by the compiler (g++ only; see
//                         kernels::row_loop)
// Configuration, defined by the program (the same way in every translation unit):
//   CTGRAD_CHECK_FINITE   after each run-time forward pass (eval, grad, grad_into) the first
//                         node holding an inf or NaN is named in a std::runtime_error
//                         (engine/forward.hpp); without it nothing of this is compiled
//   CTGRAD_INSTRUMENT     the engine calls ctgrad::instrument::on_forward(node, nodes) once per
//                         node computed and on_backward(node, nodes) once per node whose VJP
//                         rules run; the program defines both (tests count calls with them)
#pragma once

#include <cstddef>

#define CTGRAD_ALWAYS_INLINE [[gnu::always_inline]] inline
#define CTGRAD_NOINLINE [[gnu::noinline]]
#define CTGRAD_RESTRICT __restrict
#if defined(__GNUC__) && !defined(__clang__)
#define CTGRAD_ROLLED _Pragma("GCC unroll 1")
#else
#define CTGRAD_ROLLED
#endif

#ifdef CTGRAD_INSTRUMENT
namespace ctgrad::instrument {
void on_forward(std::size_t node, std::size_t nodes);
void on_backward(std::size_t node, std::size_t nodes);
}  // namespace ctgrad::instrument
#endif
