// SPDX-License-Identifier: BSL-1.0
// Mean squared error, the lesson's form:
//   L = (1/n) * sum_i (a_i - y_i)^2        n = every element (batch x outputs)
//   dL/da = (2/n) * (a - y)                 (derived by the engine from mean and pow)
#pragma once

#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/ops/pow.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/ops/sum.hpp>

namespace ctgrad {

/// mean((prediction - target)^2) over all elements.
template <Expression A, Expression Y> constexpr auto mse(A a, Y y) {
  if constexpr (!same_shape_v<shape_of_t<A>, shape_of_t<Y>>) {
    static_assert(same_shape_v<shape_of_t<A>, shape_of_t<Y>>,
                  "ctgrad::mse(prediction, target): the shapes must be equal");
    return invalid_expression{};
  } else {
    return mean(pow<2>(a - y));
  }
}

}  // namespace ctgrad
