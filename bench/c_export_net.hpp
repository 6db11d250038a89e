// SPDX-License-Identifier: BSL-1.0
// The Fashion-MNIST MLP (784-128-10, batch 32) of examples/fashion_mnist.cpp and
// examples/c_export.cpp, shared by the C generator (c_export_gen.cpp) and the benchmark
// (c_export.cpp), so that the C code and ctgrad run the same net.
#pragma once

#include <ctgrad/ctgrad.hpp>

namespace bench_c {
constexpr std::size_t batch = 32, pixels = 784, hidden = 128, classes = 10;
constexpr auto X = ctgrad::input<"X", batch, pixels>;
constexpr auto logits = ctgrad::sequential(X, ctgrad::layer::dense<hidden>, ctgrad::layer::relu,
                                           ctgrad::layer::dense<classes>);
using params_t = ctgrad::param_set<float, std::remove_cv_t<decltype(logits)>>;
}  // namespace bench_c
