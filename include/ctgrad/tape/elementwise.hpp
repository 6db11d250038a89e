// SPDX-License-Identifier: BSL-1.0
// Elementwise functions on the tape, a = f(z), shape(a) = shape(z). The forward is ctgrad's
// (each op's node forward, a function of one element, in kernels::map), the backward is
// the rule ctgrad derives for the node once simplified, written per element (u = dL/da):
//   relu     dz = u * (z > 0)           0 at z = 0, as ctgrad and PyTorch
//   sigmoid  dz = u * (a * (1 - a))     tanh  dz = u * (1 - a * a)     exp  dz = u * a
//   log      dz = u / z                 sin   dz = u * cos z           cos  dz = -(u * sin z)
//   sqrt     dz = u / (2 * a)           abs   dz = u * sign(z)         0 at z = 0
//   pow<N>   dz = N * (u * z^(N-1))     (integer N; z^k by ctgrad's exact repeated squaring)
// Rules read u and one of z or a, so the backward is kernels::zip over (u, z or a), the
// kernel ctgrad's fused rule evaluation amounts to. Parenthesisation is ctgrad's, so the
// results agree to the bit (floating-point products are not associative).
#pragma once

#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/abs.hpp>
#include <ctgrad/ops/cos.hpp>
#include <ctgrad/ops/exp.hpp>
#include <ctgrad/ops/log.hpp>
#include <ctgrad/ops/pow.hpp>
#include <ctgrad/ops/relu.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sign.hpp>
#include <ctgrad/ops/sin.hpp>
#include <ctgrad/ops/sqrt.hpp>
#include <ctgrad/ops/step.hpp>
#include <ctgrad/ops/tanh.hpp>
#include <ctgrad/tape/recorder.hpp>

namespace ctgrad::tape {

namespace detail {

// A primitive's node with one element as its input: its forward is the elementwise formula
// (the children of an elementwise node do not enter its forward).
template <template <class...> class Node> using scalar_fn = Node<slot_node<0, shape<>>>;

/// a = Rule::forward(z, c) elementwise, recorded with c (a constant operand, or unused).
/// A Rule has forward(z, c), vjp(u, v, c) where v is z, or a when reads_output.
template <class Rule, class T, class S> void unary_backward(recorder<T>& t, record_t<T> const& r) {
  T const* const u = t.adjoint_of(r.out);
  T const* const v = t.value_of(Rule::reads_output ? r.out : r.in[0]);
  T const c = r.aux;
  t.send(r.in[0], [&](auto acc, T* dz) {
    kernels::zip<decltype(acc)::value, S::size, S::size, S::size>(
        [c](T ui, T vi) { return Rule::vjp(ui, vi, c); }, dz, u, v);
  });
}

template <class Rule, class T, class S> var<T, S> unary(var<T, S> const& z, T c = T{}) {
  recorder<T>& t = detail::tape_of(z);
  var<T, S> const a = t.template output<S>(z);
  kernels::map<false, S::size>([c](T zi) { return static_cast<T>(Rule::forward(zi, c)); },
                               t.data(a), t.value_of(z.id()));
  t.record_step(&unary_backward<Rule, T, S>, a, z.id(), recorder<T>::none, recorder<T>::none, c);
  return a;
}

// One rule per primitive; forward is ctgrad's node's, vjp as in the table above.
template <template <class...> class Node> struct forward_of {
  template <class T> static T forward(T z, T) { return scalar_fn<Node>::forward(z); }
};

struct relu_rule : forward_of<relu_node> {
  static constexpr bool reads_output = false;
  template <class T> static T vjp(T u, T z, T) { return u * scalar_fn<step_node>::forward(z); }
};
struct sigmoid_rule : forward_of<sigmoid_node> {
  static constexpr bool reads_output = true;
  template <class T> static T vjp(T u, T a, T) { return u * (a * (T{1} - a)); }
};
struct tanh_rule : forward_of<tanh_node> {
  static constexpr bool reads_output = true;
  template <class T> static T vjp(T u, T a, T) { return u * (T{1} - a * a); }
};
struct exp_rule : forward_of<exp_node> {
  static constexpr bool reads_output = true;
  template <class T> static T vjp(T u, T a, T) { return u * a; }
};
struct log_rule : forward_of<log_node> {
  static constexpr bool reads_output = false;
  template <class T> static T vjp(T u, T z, T) { return u / z; }
};
struct sin_rule : forward_of<sin_node> {
  static constexpr bool reads_output = false;
  template <class T> static T vjp(T u, T z, T) { return u * math::cos(z); }
};
struct cos_rule : forward_of<cos_node> {
  static constexpr bool reads_output = false;
  template <class T> static T vjp(T u, T z, T) { return -(u * math::sin(z)); }
};
struct sqrt_rule : forward_of<sqrt_node> {
  static constexpr bool reads_output = true;
  template <class T> static T vjp(T u, T a, T) { return u / (T{2} * a); }
};
struct abs_rule : forward_of<abs_node> {
  static constexpr bool reads_output = false;
  template <class T> static T vjp(T u, T z, T) { return u * scalar_fn<sign_node>::forward(z); }
};
template <int N> struct pow_rule {
  template <int K> using power = pow_node<slot_node<0, shape<>>, K>;
  static constexpr bool reads_output = false;
  template <class T> static T forward(T z, T) { return power<N>::forward(z); }
  template <class T> static T vjp(T u, T z, T) {
    return static_cast<T>(N) * (u * power<N - 1>::forward(z));
  }
};

}  // namespace detail

/// max(z, 0) elementwise; its derivative at 0 is 0.
template <class T, class S> var<T, S> relu(var<T, S> const& z) {
  return detail::unary<detail::relu_rule>(z);
}
/// 1 / (1 + e^(-z)) elementwise.
template <class T, class S> var<T, S> sigmoid(var<T, S> const& z) {
  return detail::unary<detail::sigmoid_rule>(z);
}
/// tanh z elementwise.
template <class T, class S> var<T, S> tanh(var<T, S> const& z) {
  return detail::unary<detail::tanh_rule>(z);
}
/// e^z elementwise.
template <class T, class S> var<T, S> exp(var<T, S> const& z) {
  return detail::unary<detail::exp_rule>(z);
}
/// ln z elementwise.
template <class T, class S> var<T, S> log(var<T, S> const& z) {
  return detail::unary<detail::log_rule>(z);
}
/// sin z elementwise.
template <class T, class S> var<T, S> sin(var<T, S> const& z) {
  return detail::unary<detail::sin_rule>(z);
}
/// cos z elementwise.
template <class T, class S> var<T, S> cos(var<T, S> const& z) {
  return detail::unary<detail::cos_rule>(z);
}
/// √z elementwise.
template <class T, class S> var<T, S> sqrt(var<T, S> const& z) {
  return detail::unary<detail::sqrt_rule>(z);
}
/// |z| elementwise; its derivative at 0 is 0.
template <class T, class S> var<T, S> abs(var<T, S> const& z) {
  return detail::unary<detail::abs_rule>(z);
}

/// z^N for an integer N, elementwise.   pow<2>(x), pow<-1>(x)
/// As in ctgrad, pow<1>(z) is z itself and pow<0>(z) is 1 (a constant, no gradient).
template <int N, class T, class S> var<T, S> pow(var<T, S> const& z) {
  if constexpr (N == 1) {
    detail::tape_of(z);
    return z;
  } else if constexpr (N == 0) {
    recorder<T>& t = detail::tape_of(z);
    var<T, S> const one = t.template output<S>();  // no inputs: no gradient
    T* const out = t.data(one);
    for (std::size_t i = 0; i < S::size; ++i) out[i] = T{1};
    return one;
  } else {
    return detail::unary<detail::pow_rule<N>>(z);
  }
}
/// z².
template <class T, class S> var<T, S> square(var<T, S> const& z) { return pow<2>(z); }

}  // namespace ctgrad::tape
