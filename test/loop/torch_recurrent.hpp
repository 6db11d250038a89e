// SPDX-License-Identifier: BSL-1.0
// Recurrent layers against PyTorch (test/reference/recurrent_refs.py, float64): the same
// weights, inputs and initial states, the loss sum(output * R); ctgrad's loss and gradients
// with respect to every weight, the input sequence and the initial states must equal
// PyTorch's within 1e-10 relative (per tensor, in the 2-norm).
#pragma once

#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/layers/recurrent.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace test {

using reference_case = std::map<std::string, std::vector<double>>;

inline reference_case read_reference_case(std::string const& name) {
  std::string const path = CTGRAD_RECURRENT_REFERENCE;
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the reference file");
  reference_case tensors;
  bool found = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string kind, label;
    words >> kind >> label;
    if (kind == "case") {
      if (found) break;
      found = label == name;
    } else if (found && kind == "tensor") {
      std::size_t count = 0;
      words >> count;
      std::vector<double> values(count);
      for (double& v : values) words >> v;
      if (!words)
        throw std::runtime_error(path + ": case " + name + ", tensor " + label + " is truncated");
      tensors[label] = std::move(values);
    }
  }
  if (!found) throw std::runtime_error(path + ": no case " + name);
  return tensors;
}

inline std::vector<double> const& reference_tensor(reference_case const& c, std::string const& name,
                                                   std::size_t size) {
  auto const it = c.find(name);
  if (it == c.end()) throw std::runtime_error("reference: no tensor " + name);
  if (it->second.size() != size)
    throw std::runtime_error("reference: tensor " + name + " has " +
                             std::to_string(it->second.size()) + " entries, the test expects " +
                             std::to_string(size));
  return it->second;
}

inline double norm_relative_error(double const* a, std::vector<double> const& b) {
  double d = 0, n = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    n += b[i] * b[i];
  }
  return n == 0 ? std::sqrt(d) : std::sqrt(d / n);
}

/// Runs one case: Out is the layer's output for the sequence X (a parameter here, so that
/// its gradient comes with the weights') and the initial states, if the case has them.
template <class Loss, class Set, class Rt>
void check_against_torch(std::string const& name, Loss loss, Set& wrt, Rt& r) {
  auto const ref = read_reference_case(name);
  wrt.for_each([&](auto var, auto& t) {
    auto const& v = reference_tensor(ref, std::string(var.name), t.size);
    for (std::size_t i = 0; i < t.size; ++i) t.data[i] = v[i];
  });
  auto const& rv = reference_tensor(ref, "R", r.size);
  for (std::size_t i = 0; i < r.size; ++i) r.data[i] = rv[i];

  Set g;
  double const L =
      ctgrad::grad_into(loss, g, wrt,
                        ctgrad::input<"R", Rt::shape_type::dims[0], Rt::shape_type::dims[1],
                                      Rt::shape_type::dims[2]> = r);
  double const want = reference_tensor(ref, "loss", 1)[0];
  BOOST_TEST_CONTEXT(name) {
    BOOST_TEST(std::abs(L - want) <= 1e-10 * std::abs(want));
    g.for_each([&](auto var, auto const& t) {
      std::string const tensor = "grad." + std::string(var.name);
      double const e = norm_relative_error(t.data.data(), reference_tensor(ref, tensor, t.size));
      BOOST_TEST_INFO(tensor << ": relative error " << e);
      BOOST_TEST(e <= 1e-10);
    });
  }
}

/// One case: a layer of Cell (hidden 4, input 3) over X [T, B, 3], with initial states for
/// one layer and two stacked layers otherwise; the loss sum(output * R).
template <class Cell, std::size_t Layers, std::size_t T, std::size_t B>
void run_recurrent_case(std::string const& kind) {
  using namespace ctgrad;
  constexpr auto X = param<"X", T, B, 3>;  // a parameter here, for its gradient
  constexpr auto R = input<"R", T, B, 4>;
  constexpr auto out = [&] {
    if constexpr (Layers == 2) {
      return detail::recurrent<Cell, 4, "", 2>(X);
    } else if constexpr (__is_same(Cell, lstm_cell)) {
      return detail::recurrent<Cell, 4, "", 1>(X, param<"h0", B, 4>, param<"c0", B, 4>);
    } else {
      return detail::recurrent<Cell, 4, "", 1>(X, param<"h0", B, 4>);
    }
  }();
  constexpr auto loss = sum(out * R);
  auto wrt = std::make_unique<param_set<double, decltype(loss)>>();
  auto r = std::make_unique<tensor<double, shape<T, B, 4>>>();
  check_against_torch(
      kind + "_l" + std::to_string(Layers) + "_t" + std::to_string(T) + "_b" + std::to_string(B),
      loss, *wrt, *r);
}

}  // namespace test
