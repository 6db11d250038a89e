// SPDX-License-Identifier: BSL-1.0
// ctgrad::tape: a run-time reverse-mode tape over ctgrad's primitives and kernels, the
// baseline against which the compile-time gradient is benchmarked (and a usable tape in
// its own right: dynamic graphs, control flow that differs per call). An opt-in include,
// not part of <ctgrad/ctgrad.hpp>. See tape/recorder.hpp for the design.
//   ctgrad::tape::recorder<double> t;
//   auto x = t.variable(2.0);
//   auto L = pow<2>(sin(pow<2>(x)));          // the lesson's chain rule
//   t.backward(L);   t.grad(x)[0] == 2 sin(4) cos(4) * 2 * 2
#pragma once

#include <ctgrad/tape/arena.hpp>
#include <ctgrad/tape/arithmetic.hpp>
#include <ctgrad/tape/elementwise.hpp>
#include <ctgrad/tape/linear.hpp>
#include <ctgrad/tape/losses.hpp>
#include <ctgrad/tape/recorder.hpp>
#include <ctgrad/tape/reduce.hpp>
#include <ctgrad/tape/softmax.hpp>
#include <ctgrad/tape/var.hpp>
#include <ctgrad/tape/view.hpp>
