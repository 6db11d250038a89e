// SPDX-License-Identifier: BSL-1.0
// Losses on the tape, reducing to a scalar as ctgrad's losses do (u = dL/dloss):
//   cross_entropy(p, y)   rows of p [B, C] (or one row [C]) against targets y, mean over rows
//     p = softmax(z) recorded on this tape: ctgrad's fused node (stable, through logsumexp):
//       L = (1/B) sum_rows sum_j y_j (logsumexp(z) - z_j)
//       dz = (1/B) * ((p - y) * u)      dy = (-1/B) * (log_softmax(z) * u)      nothing to p
//       (p - y holds when each row of y sums to 1, one-hot or soft: ctgrad's contract too)
//     any other p:  L = (-1/B) * sum(y * clamped_log(p))      (log 0 = -100, ops/clamped_log.hpp)
//       dp = (g * y) / max(p, 1e-12)    dy = g * clamped_log(p)      with g = (-1/B) * u
//   softmax_cross_entropy(z, y) = cross_entropy(softmax(z), y), from the logits
//   mse(a, y)   L = (1/n) * sum((a - y)^2) over all n elements
//       da = 2 * (g * (a - y))          dy = -da                     with g = (1/n) * u
// The constants are ctgrad's (1/B is constant<1, B> as T), and so is the order of every
// sum and product.
#pragma once

#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/losses/cross_entropy.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/clamped_log.hpp>
#include <ctgrad/ops/log_softmax.hpp>
#include <ctgrad/ops/softmax.hpp>
#include <ctgrad/tape/recorder.hpp>
#include <ctgrad/tape/softmax.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ctgrad::tape {

namespace detail {

template <std::intmax_t N, std::size_t D, class T> T ratio() {
  return constant_node<N, static_cast<std::intmax_t>(D)>::template value<T>();
}

template <class T, class S>
void softmax_cross_entropy_backward(recorder<T>& t, record_t<T> const& r) {
  using layout = ctgrad::detail::rows_of<S>;
  T const u = t.adjoint_of(r.out)[0];
  T const* const z = t.value_of(r.in[0]);
  T const* const p = t.value_of(r.in[1]);
  T const* const y = t.value_of(r.in[2]);
  t.send(r.in[0], [&](auto acc, T* dz) {
    T const k = ratio<1, layout::rows, T>();
    for (std::size_t i = 0; i < S::size; ++i)
      kernels::store<decltype(acc)::value>(dz[i], k * ((p[i] - y[i]) * u));
  });
  t.send(r.in[2], [&](auto acc, T* dy) {
    T const k = ratio<-1, layout::rows, T>();
    std::array<T, layout::cols> ls;  // one row of log_softmax(z)
    for (std::size_t row = 0; row < layout::rows; ++row) {
      log_softmax_node<slot_node<0, shape<layout::cols>>>::template forward_into<false>(
          ls.data(), z + row * layout::cols);
      for (std::size_t j = 0; j < layout::cols; ++j)
        kernels::store<decltype(acc)::value>(dy[row * layout::cols + j], k * (ls[j] * u));
    }
  });
}

template <class T, class S> void cross_entropy_backward(recorder<T>& t, record_t<T> const& r) {
  T const g = ratio<-1, ctgrad::detail::rows_of<S>::rows, T>() * t.adjoint_of(r.out)[0];
  T const* const p = t.value_of(r.in[0]);
  T const* const y = t.value_of(r.in[1]);
  using log_node = clamped_log_node<slot_node<0, S>>;
  using log_backward = clamped_log_backward_node<slot_node<0, S>, slot_node<1, S>>;
  t.send(r.in[0], [&](auto acc, T* dp) {
    for (std::size_t i = 0; i < S::size; ++i)
      kernels::store<decltype(acc)::value>(dp[i], log_backward::forward(p[i], g * y[i]));
  });
  t.send(r.in[1], [&](auto acc, T* dy) {
    for (std::size_t i = 0; i < S::size; ++i)
      kernels::store<decltype(acc)::value>(dy[i], g * log_node::forward(p[i]));
  });
}

template <class T, class S> void mse_backward(recorder<T>& t, record_t<T> const& r) {
  T const g = ratio<1, S::size, T>() * t.adjoint_of(r.out)[0];
  T const* const a = t.value_of(r.in[0]);
  T const* const y = t.value_of(r.in[1]);
  t.send(r.in[0], [&](auto acc, T* da) {
    for (std::size_t i = 0; i < S::size; ++i)
      kernels::store<decltype(acc)::value>(da[i], T{2} * (g * (a[i] - y[i])));
  });
  t.send(r.in[1], [&](auto acc, T* dy) {
    for (std::size_t i = 0; i < S::size; ++i)
      kernels::store<decltype(acc)::value>(dy[i], -(T{2} * (g * (a[i] - y[i]))));
  });
}

}  // namespace detail

/// -mean over rows of sum_j y_j log p_j (log clamped at -100); fused and stable when
/// p = softmax(z).
template <class T, class S, class SY>
var<T, shape<>> cross_entropy(var<T, S> const& p, var<T, SY> const& y) {
  if constexpr (!__is_same(S, SY) || S::rank == 0 || S::rank > 2) {
    static_assert(same_shape_v<S, SY> && S::rank >= 1 && S::rank <= 2,
                  "ctgrad::tape::cross_entropy(p, y): p and y must have the same shape, a vector "
                  "[C] or a batch [B, C]");
    return {};
  } else {
    using layout = ctgrad::detail::rows_of<S>;
    recorder<T>& t = detail::tape_of(p, y);
    std::uint32_t const z = t.softmax_of(p.id());
    if (z != recorder<T>::none) {
      using fused = softmax_cross_entropy_node<slot_node<0, S>, slot_node<1, S>, slot_node<2, S>>;
      bool const needs_grad = t.needs_grad(z) || t.needs_grad(y.id());
      var<T, shape<>> const loss = t.template make_output<shape<>>(needs_grad);
      fused::template forward_into<false>(t.data(loss), t.value_of(z), t.value_of(p.id()),
                                          t.value_of(y.id()));
      t.record_step(&detail::softmax_cross_entropy_backward<T, S>, loss, z, p.id(), y.id());
      return loss;
    }
    var<T, shape<>> const loss = t.template output<shape<>>(p, y);
    T const* const pv = t.value_of(p.id());
    T const* const yv = t.value_of(y.id());
    T s{};
    for (std::size_t i = 0; i < S::size; ++i)
      s += yv[i] * clamped_log_node<slot_node<0, S>>::forward(pv[i]);
    *t.data(loss) = detail::ratio<-1, layout::rows, T>() * s;
    t.record_step(&detail::cross_entropy_backward<T, S>, loss, p.id(), y.id());
    return loss;
  }
}

/// cross_entropy(softmax(z), y), from the logits z.
template <class T, class S, class SY>
var<T, shape<>> softmax_cross_entropy(var<T, S> const& z, var<T, SY> const& y) {
  return cross_entropy(softmax(z), y);
}

/// mean((a - y)^2) over all elements.
template <class T, class S, class SY> var<T, shape<>> mse(var<T, S> const& a, var<T, SY> const& y) {
  if constexpr (!__is_same(S, SY)) {
    static_assert(same_shape_v<S, SY>,
                  "ctgrad::tape::mse(prediction, target): the shapes must be equal");
    return {};
  } else {
    recorder<T>& t = detail::tape_of(a, y);
    var<T, shape<>> const loss = t.template output<shape<>>(a, y);
    T const* const av = t.value_of(a.id());
    T const* const yv = t.value_of(y.id());
    T s{};
    for (std::size_t i = 0; i < S::size; ++i) {
      T const d = av[i] - yv[i];
      s += d * d;  // ctgrad's pow<2>: 1 * (d * d), the same number
    }
    *t.data(loss) = detail::ratio<1, S::size, T>() * s;
    t.record_step(&detail::mse_backward<T, S>, loss, a.id(), y.id());
    return loss;
  }
}

}  // namespace ctgrad::tape
