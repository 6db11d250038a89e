// SPDX-License-Identifier: BSL-1.0
// Gradient checks for the tape: the gradient backward() gives against central differences
// (f(w + h) - f(w - h)) / 2h of the recorded function, one entry at a time, compared with
// the lesson's relative error ||a - n|| / (||a|| + ||n||) per tensor. In double.
#pragma once

#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/tape/recorder.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <tuple>
#include <vector>

namespace tape_test {

using ctgrad::shape;
using ctgrad::tensor;
using ctgrad::tape::recorder;

/// ||a - n|| / (||a|| + ||n||); 0 when both are 0.
inline double relative_error(std::vector<double> const& a, std::vector<double> const& n) {
  double diff = 0, na = 0, nn = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - n[i]) * (a[i] - n[i]);
    na += a[i] * a[i];
    nn += n[i] * n[i];
  }
  double const den = std::sqrt(na) + std::sqrt(nn);
  return den == 0 ? 0 : std::sqrt(diff) / den;
}

/// The worst relative error over the tensors w..., between the tape's gradient of
/// f(t, t.param(w)...) (a scalar handle) and central differences. f may record anything,
/// and differently on every call. The gradient is taken on a tape that has already run
/// f once: its reused buffers hold that run's values, so an adjoint that is read before
/// it is written (a missing zero) shows.
template <class F, class... S> double worst_error(F f, tensor<double, S>&... w) {
  recorder<double> t;
  t.backward(f(t, t.param(w)...));
  t.clear();
  auto const vars = std::tuple{t.param(w)...};
  t.backward(std::apply([&](auto... v) { return f(t, v...); }, vars));
  std::vector<std::vector<double>> analytic;
  std::apply([&](auto... v) { (analytic.emplace_back(t.grad(v).begin(), t.grad(v).end()), ...); },
             vars);

  auto loss_at = [&] {
    t.clear();
    return t.value(f(t, t.param(w)...))[0];
  };
  double worst = 0;
  std::size_t k = 0;
  auto one = [&](auto& tensor) {
    std::vector<double> numeric;
    for (double& x : tensor) {
      double const x0 = x;
      double const h = 1e-6 * std::max(1.0, std::fabs(x0));
      double const xp = x0 + h, xm = x0 - h;
      x = xp;
      double const fp = loss_at();
      x = xm;
      double const fm = loss_at();
      x = x0;
      numeric.push_back((fp - fm) / (xp - xm));
    }
    worst = std::max(worst, relative_error(analytic[k++], numeric));
  };
  (one(w), ...);
  return worst;
}

/// A tensor of normal(0, sd) values, shifted by mean.
template <class S, class T = double>
tensor<T, S> normal(unsigned seed, double sd = 1.0, double mean = 0.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd(mean, sd);
  tensor<T, S> t{};
  for (auto& v : t) v = static_cast<T>(nd(rng));
  return t;
}

/// A tensor of uniform values in [lo, hi].
template <class S, class T = double> tensor<T, S> uniform(unsigned seed, double lo, double hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  tensor<T, S> t{};
  for (auto& v : t) v = static_cast<T>(u(rng));
  return t;
}

}  // namespace tape_test
