// SPDX-License-Identifier: BSL-1.0
//
// Hand-written fixed-size MLP backpropagation: the baseline that the ctgrad
// benchmarks compare against. It is deliberately what a competent engineer
// writes by hand for known shapes: plain loops over std::array with unit-stride
// inner loops (left to the compiler's auto-vectoriser), no heap, no virtual
// calls, no intrinsics, no blocking.
//
// Conventions (shared with ctgrad): batch-first row-major. X is [B][in];
// layer l has W_l [in_l][out_l] (W(k,j) = W[k*out_l + j]) and b_l [out_l];
// z_l = a_{l-1} @ W_l + b_l, a_l = act(z_l) for hidden layers, the last layer
// is linear (logits) and feeds the loss. The gradient w.r.t. X is not formed.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <tuple>
#include <utility>

namespace handwritten {

enum class act { relu, sigmoid, tanh };
enum class loss { softmax_cross_entropy, mse };

namespace detail {
template <std::size_t... S>
inline constexpr std::array<std::size_t, sizeof...(S)> dims{S...};

// Per-layer array types, generated from the layer index pack L = 0..layers-1.
template <class T, std::size_t Rows, class LayerSeq, std::size_t... S>
struct shapes;
template <class T, std::size_t Rows, std::size_t... L, std::size_t... S>
struct shapes<T, Rows, std::index_sequence<L...>, S...> {
  using weights = std::tuple<std::array<T, dims<S...>[L] * dims<S...>[L + 1]>...>;
  using biases = std::tuple<std::array<T, dims<S...>[L + 1]>...>;
  using outputs = std::tuple<std::array<T, Rows * dims<S...>[L + 1]>...>;  // [Rows][out_l]
};
}  // namespace detail

template <class T, std::size_t B, act Act, loss Loss, std::size_t... Sizes>
struct mlp {
  static_assert(sizeof...(Sizes) >= 2, "need at least an input and an output size");
  static_assert(B >= 1, "batch must be non-empty");

  static constexpr std::size_t layers = sizeof...(Sizes) - 1;
  static constexpr auto sizes = detail::dims<Sizes...>;
  static constexpr std::size_t in = sizes.front();
  static constexpr std::size_t out = sizes.back();

 private:
  using shapes = detail::shapes<T, B, std::make_index_sequence<layers>, Sizes...>;

 public:
  using input_type = std::array<T, B * in>;
  using target_type = std::array<T, B * out>;

  // Parameters (and, with the same type, their gradients). Value-initialised: all zero.
  struct params {
    typename shapes::weights weights{};
    typename shapes::biases biases{};

    template <std::size_t L> auto& W() { return std::get<L>(weights); }
    template <std::size_t L> auto const& W() const { return std::get<L>(weights); }
    template <std::size_t L> auto& b() { return std::get<L>(biases); }
    template <std::size_t L> auto const& b() const { return std::get<L>(biases); }
  };
  using grads = params;

  // Loss only: the forward pass with the same loops as grad(), minus backward.
  T forward(params const& p, input_type const& x, target_type const& y) {
    forward_all(p, x, std::make_index_sequence<layers>{});
    return head<false>(y);
  }

  // Loss and its gradient w.r.t. every parameter; g is overwritten.
  T grad(params const& p, input_type const& x, target_type const& y, params& g) {
    forward_all(p, x, std::make_index_sequence<layers>{});
    T const l = head<true>(y);
    backward_all(p, x, g, std::make_index_sequence<layers>{});
    return l;
  }

 private:
  // Workspace lives in the object so calls need neither heap nor big stack frames.
  // a_[l] is the output of layer l: post-activation for hidden layers, logits for
  // the last. d_[l] is dL/dz_l for the same layer.
  typename shapes::outputs a_{};
  typename shapes::outputs d_{};

  static T activate(T z) {
    if constexpr (Act == act::relu) return std::max(z, T(0));
    else if constexpr (Act == act::sigmoid) return T(1) / (T(1) + std::exp(-z));
    else return std::tanh(z);
  }
  // act'(z) written in terms of a = act(z), so only a needs caching.
  // For relu, a > 0 exactly when z > 0 (derivative 0 at z == 0).
  static T derivative(T a) {
    if constexpr (Act == act::relu) return a > T(0) ? T(1) : T(0);
    else if constexpr (Act == act::sigmoid) return a * (T(1) - a);
    else return T(1) - a * a;
  }

  // Input activations of layer L: x for the first layer, else the previous output.
  template <std::size_t L>
  auto const& input(input_type const& x) const {
    if constexpr (L == 0) return x;
    else return std::get<L - 1>(a_);
  }

  template <std::size_t... L>
  void forward_all(params const& p, input_type const& x, std::index_sequence<L...>) {
    (forward_layer<L>(p, x), ...);  // comma fold: layers 0, 1, ... in order
  }
  template <std::size_t... L>
  void backward_all(params const& p, input_type const& x, params& g, std::index_sequence<L...>) {
    (backward_layer<layers - 1 - L>(p, x, g), ...);  // last layer first
  }

  // z[r][j] = b[j] + sum_k a[r][k] * W[k][j]; j innermost so W rows stream with unit stride.
  template <std::size_t L>
  void forward_layer(params const& p, input_type const& x) {
    constexpr std::size_t K = sizes[L], N = sizes[L + 1];
    auto const& a = input<L>(x);
    auto const& W = p.template W<L>();
    auto const& bias = p.template b<L>();
    auto& z = std::get<L>(a_);
    for (std::size_t r = 0; r < B; ++r) {
      T* zr = z.data() + r * N;
      for (std::size_t j = 0; j < N; ++j) zr[j] = bias[j];
      for (std::size_t k = 0; k < K; ++k) {
        T const ark = a[r * K + k];
        T const* Wk = W.data() + k * N;
        for (std::size_t j = 0; j < N; ++j) zr[j] += ark * Wk[j];
      }
      if constexpr (L + 1 < layers)
        for (std::size_t j = 0; j < N; ++j) zr[j] = activate(zr[j]);
    }
  }

  // Loss of the logits; with Grad also writes dL/dz_last into d_.
  template <bool Grad>
  T head(target_type const& y) {
    auto const& z = std::get<layers - 1>(a_);
    auto& dz = std::get<layers - 1>(d_);
    T total = 0;
    if constexpr (Loss == loss::softmax_cross_entropy) {
      T const inv_b = T(1) / T(B);
      for (std::size_t r = 0; r < B; ++r) {
        T const* zr = z.data() + r * out;
        T const* yr = y.data() + r * out;
        T m = zr[0];  // subtract the row max so exp cannot overflow
        for (std::size_t j = 1; j < out; ++j) m = std::max(m, zr[j]);
        T s = 0;
        for (std::size_t j = 0; j < out; ++j) {
          T const e = std::exp(zr[j] - m);
          if constexpr (Grad) dz[r * out + j] = e;  // keep exp for the softmax below
          s += e;
        }
        T const lse = m + std::log(s);
        for (std::size_t j = 0; j < out; ++j) total += yr[j] * (lse - zr[j]);
        if constexpr (Grad) {
          T const inv_s = T(1) / s;
          for (std::size_t j = 0; j < out; ++j)
            dz[r * out + j] = (dz[r * out + j] * inv_s - yr[j]) * inv_b;  // (p - y) / B
        }
      }
      return total * inv_b;
    } else {
      constexpr std::size_t n = B * out;
      T const scale = T(2) / T(n);
      for (std::size_t i = 0; i < n; ++i) {
        T const diff = z[i] - y[i];
        total += diff * diff;
        if constexpr (Grad) dz[i] = scale * diff;
      }
      return total / T(n);
    }
  }

  // Given dz_L in d_: dW = a^T dz, db = column sums of dz, and (unless L is the
  // first layer) dz_{L-1} = (dz_L @ W^T) * act'(a_{L-1}).
  template <std::size_t L>
  void backward_layer(params const& p, input_type const& x, params& g) {
    constexpr std::size_t K = sizes[L], N = sizes[L + 1];
    auto const& a = input<L>(x);
    auto const& dz = std::get<L>(d_);
    auto& dW = g.template W<L>();
    auto& db = g.template b<L>();
    dW.fill(T(0));
    db.fill(T(0));
    for (std::size_t r = 0; r < B; ++r) {
      T const* dzr = dz.data() + r * N;
      for (std::size_t k = 0; k < K; ++k) {
        T const ark = a[r * K + k];
        T* dWk = dW.data() + k * N;
        for (std::size_t j = 0; j < N; ++j) dWk[j] += ark * dzr[j];
      }
      for (std::size_t j = 0; j < N; ++j) db[j] += dzr[j];
    }
    if constexpr (L > 0) {
      auto const& W = p.template W<L>();
      auto& da = std::get<L - 1>(d_);
      for (std::size_t r = 0; r < B; ++r) {
        T const* dzr = dz.data() + r * N;
        for (std::size_t k = 0; k < K; ++k) {
          T const* Wk = W.data() + k * N;
          T s = 0;  // dot product of a dz row with a W row, both unit stride
          for (std::size_t j = 0; j < N; ++j) s += dzr[j] * Wk[j];
          da[r * K + k] = s * derivative(a[r * K + k]);
        }
      }
    }
  }
};

}  // namespace handwritten
