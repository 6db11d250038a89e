// SPDX-License-Identifier: BSL-1.0
// The comparison most primitive tests make with PyTorch: y = f(x) for one input x of shape
// SX from a reference case, then y and the gradient of sum(y * g) for the case's upstream g.
//   test::check_unary_against_torch<shape<6, 17>>("gelu.erf", [](auto x) { return gelu(x); });
#pragma once

#include <ctgrad/ctgrad.hpp>

#include "support/torch_reference.hpp"

#include <array>
#include <cstddef>
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

namespace test {

/// The same for y = F{}(Vars{}...), the Vars being parameters whose reference tensors are
/// labelled labels[k]; gradients are compared where the reference has one (d<label>).
template <class F, class... Vars>
void check_against_torch(std::string const& name,
                         std::array<std::string, sizeof...(Vars)> const& labels,
                         double tolerance = 1e-10) {
  using namespace ctgrad;
  auto const& ref = torch_refs().at(name);
  constexpr auto y = F{}(Vars{}...);
  using Y = shape_of_t<decltype(y)>;
  constexpr auto g = var_node<detail::to_name_t<"g">, Y, input_role>{};
  constexpr auto loss = sum(y * g);
  auto ps = params<double>(loss);
  std::size_t k = 0;
  ((ps[Vars{}] = ref.tensor<double, shape_of_t<Vars>>(labels[k++])), ...);
  check_close(eval(y, ps), ref.tensor<double, Y>("y"), tolerance, name + " y");
  auto const gr = grad(loss, ps, g = ref.tensor<double, Y>("g"));
  k = 0;
  (
      [&] {
        std::string const d = "d" + labels[k++];
        if (ref.has(d))
          check_close(gr[Vars{}], ref.tensor<double, shape_of_t<Vars>>(d), tolerance,
                      name + " " + d);
      }(),
      ...);
}

template <ctgrad::detail::fixed_string Name, std::size_t... Dims>
using param_t =
    ctgrad::var_node<ctgrad::detail::to_name_t<Name>, ctgrad::shape<Dims...>, ctgrad::param_role>;

}  // namespace test
