// SPDX-License-Identifier: BSL-1.0
// One benchmark case: a network written with ctgrad and the same network in
// bench/handwritten.hpp, holding identical parameter values and inputs, so that the
// gradients can be compared before anything is timed and the timings are comparable.
//
// A network description Net provides:
//   static constexpr X, Y        the input and target variables (batch-first)
//   static constexpr loss        the ctgrad loss expression
//   static constexpr Ws, bs      std::tuples of the weight and bias variables, layer order
//   using reference = handwritten::mlp<float, B, act, loss, Sizes...>;
#pragma once

#include "handwritten.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace bench {

struct check_result {
  double grad_rel;  // max over tensors of ||a - h|| / (||a|| + ||h||)
  double loss_rel;  // |La - Lh| / (|La| + |Lh|)
};

struct case_entry {
  std::string name;
  std::function<check_result()> check;
  std::function<void()> register_benchmarks;
};

// One per translation unit, so that the heavy instantiations are spread over several files.
void add_small_cases(std::vector<case_entry>& cases);
void add_64_cases(std::vector<case_entry>& cases);
void add_784_cases(std::vector<case_entry>& cases);

template <class A, class B> double relative_difference(A const& a, B const& b) {
  static_assert(std::tuple_size_v<A> == std::tuple_size_v<B>, "tensors of different sizes");
  double diff = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double const x = a[i], y = b[i];
    diff += (x - y) * (x - y);
    na += x * x;
    nb += y * y;
  }
  double const den = std::sqrt(na) + std::sqrt(nb);
  return den == 0 ? 0 : std::sqrt(diff) / den;
}

template <class Net> class mlp_case {
 public:
  using T = float;
  using net_t = std::remove_cv_t<decltype(Net::loss)>;
  using set_t = ctgrad::param_set<T, net_t>;
  using reference_t = typename Net::reference;
  using x_t = ctgrad::tensor<T, ctgrad::shape_of_t<std::remove_cv_t<decltype(Net::X)>>>;
  using y_t = ctgrad::tensor<T, ctgrad::shape_of_t<std::remove_cv_t<decltype(Net::Y)>>>;
  static constexpr std::size_t layers = reference_t::layers;
  static constexpr std::size_t batch = x_t::shape_type::dims[0];
  static constexpr std::size_t outputs = y_t::shape_type::dims[1];

  // Both descriptions must hold the same number of scalars, or the copy below misses some.
  static_assert(std::tuple_size_v<decltype(Net::Ws)> == layers &&
                std::tuple_size_v<decltype(Net::bs)> == layers);
  static_assert(set_t::scalar_count == sizeof(typename reference_t::params) / sizeof(T));

  explicit mlp_case(bool one_hot_targets, unsigned seed = 42) {
    std::mt19937 rng(seed);
    std::normal_distribution<T> normal(0, 1);
    // Scaled by 1/sqrt(fan_in) so activations stay O(1) and ReLUs are neither all on nor off.
    params_.for_each([&](auto var, auto& t) {
      using shape = ctgrad::shape_of_t<decltype(var)>;
      T const scale = shape::rank == 2 ? T(1) / std::sqrt(T(shape::dims[0])) : T(0.1);
      for (auto& v : t) v = scale * normal(rng);
    });
    for (auto& v : x_) v = normal(rng);
    if (one_hot_targets) {
      std::uniform_int_distribution<std::size_t> cls(0, outputs - 1);
      for (std::size_t r = 0; r < batch; ++r) y_(r, cls(rng)) = 1;
    } else {
      for (auto& v : y_) v = normal(rng);
    }
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      ((ref_params_.template W<L>() = params_[std::get<L>(Net::Ws)].data,
        ref_params_.template b<L>() = params_[std::get<L>(Net::bs)].data),
       ...);
    }(std::make_index_sequence<layers>{});
  }

  T run_ctgrad() { return ctgrad::grad_into(Net::loss, grads_, params_, Net::X = x_, Net::Y = y_); }
  T run_handwritten() { return ref_.grad(ref_params_, x_.data, y_.data, ref_grads_); }
  T run_forward_only() { return ref_.forward(ref_params_, x_.data, y_.data); }

  check_result check() {
    T const la = run_ctgrad();
    T const lh = run_handwritten();
    check_result r{0, 0};
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      ((r.grad_rel = std::max(
            {r.grad_rel,
             relative_difference(grads_[std::get<L>(Net::Ws)].data, ref_grads_.template W<L>()),
             relative_difference(grads_[std::get<L>(Net::bs)].data, ref_grads_.template b<L>())})),
       ...);
    }(std::make_index_sequence<layers>{});
    double const den = std::abs(double(la)) + std::abs(double(lh));
    r.loss_rel = den == 0 ? 0 : std::abs(double(la) - double(lh)) / den;
    return r;
  }

 private:
  set_t params_{};
  set_t grads_{};
  x_t x_{};
  y_t y_{};
  reference_t ref_{};
  typename reference_t::params ref_params_{};
  typename reference_t::grads ref_grads_{};
};

// The loop every implementation is timed with: the loss escapes, and the memory clobber
// makes the gradients written in this iteration observable, so neither is optimised away.
template <class F> void time_loop(benchmark::State& state, F&& f) {
  for (auto _ : state) {
    auto loss = f();
    benchmark::DoNotOptimize(loss);
    benchmark::ClobberMemory();
  }
}

// Adds the case `name`; its three implementations are registered next to each other.
template <class Net>
void add_case(std::vector<case_entry>& cases, std::string const& name, bool one_hot_targets) {
  // Shared with the benchmark closures; on the heap because the largest sets are ~400 KB.
  auto c = std::make_shared<mlp_case<Net>>(one_hot_targets);
  auto register_benchmarks = [c, name] {
    benchmark::RegisterBenchmark((name + "/ctgrad").c_str(), [c](benchmark::State& s) {
      time_loop(s, [&] { return c->run_ctgrad(); });
    });
    benchmark::RegisterBenchmark((name + "/handwritten").c_str(), [c](benchmark::State& s) {
      time_loop(s, [&] { return c->run_handwritten(); });
    });
    benchmark::RegisterBenchmark((name + "/forward_only").c_str(), [c](benchmark::State& s) {
      time_loop(s, [&] { return c->run_forward_only(); });
    });
  };
  cases.push_back({name, [c] { return c->check(); }, register_benchmarks});
}

}  // namespace bench
