// SPDX-License-Identifier: BSL-1.0
// Reproducible test data: normal(0, sd) parameters and inputs, one-hot or soft targets.
#pragma once

#include <ctgrad/ctgrad.hpp>

#include <cstddef>
#include <random>

namespace test {

template <class Set> void fill_normal(Set& s, unsigned seed, double sd = 0.5) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd(0.0, sd);
  s.for_each([&](auto, auto& t) {
    for (auto& v : t) v = static_cast<typename Set::value_type>(nd(rng));
  });
}

template <class T, class S> ctgrad::tensor<T, S> normal_tensor(unsigned seed, double sd = 1.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd(0.0, sd);
  ctgrad::tensor<T, S> t{};
  for (auto& v : t) v = static_cast<T>(nd(rng));
  return t;
}

/// Rows of one-hot targets: row r has its 1 in column (r * 7 + seed) % C.
template <class T, std::size_t B, std::size_t C>
ctgrad::tensor<T, ctgrad::shape<B, C>> one_hot(unsigned seed) {
  ctgrad::tensor<T, ctgrad::shape<B, C>> t{};
  for (std::size_t r = 0; r < B; ++r) t(r, (r * 7 + seed) % C) = T{1};
  return t;
}

/// Values in (0, 1), for binary targets that are probabilities.
template <class T, class S> ctgrad::tensor<T, S> uniform01(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.05, 0.95);
  ctgrad::tensor<T, S> t{};
  for (auto& v : t) v = static_cast<T>(u(rng));
  return t;
}

}  // namespace test
