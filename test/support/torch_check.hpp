// SPDX-License-Identifier: BSL-1.0
// The comparison most primitive tests make with PyTorch: y = f(x) for one input x of shape
// SX from a reference case, then y and the gradient of sum(y * g) for the case's upstream g.
//   test::check_unary_against_torch<shape<6, 17>>("gelu.erf", [](auto x) { return gelu(x); });
#pragma once

#include <ctgrad/ctgrad.hpp>

#include "support/torch_reference.hpp"

#include <string>

namespace test {

template <class SX, class F>
void check_unary_against_torch(std::string const& name, F, double tolerance = 1e-10) {
  using namespace ctgrad;
  auto const& ref = torch_refs().at(name);
  constexpr auto x = var_node<detail::to_name_t<"x">, SX, param_role>{};
  constexpr auto y = F{}(x);
  using Y = shape_of_t<decltype(y)>;
  constexpr auto g = var_node<detail::to_name_t<"g">, Y, input_role>{};
  constexpr auto loss = sum(y * g);
  auto ps = params<double>(loss);
  ps[x] = ref.tensor<double, SX>("x");
  check_close(eval(y, ps), ref.tensor<double, Y>("y"), tolerance, name + " y");
  auto const gr = grad(loss, ps, g = ref.tensor<double, Y>("g"));
  check_close(gr[x], ref.tensor<double, SX>("dx"), tolerance, name + " dx");
}

}  // namespace test
