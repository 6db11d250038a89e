// SPDX-License-Identifier: BSL-1.0
// + - * / and unary minus on the tape, elementwise, with ctgrad's broadcasting: equal
// shapes, or one operand a scalar or the trailing dimensions of the other (a bias row).
//   add  c = a + b   da = u              db = u
//   sub  c = a - b   da = u              db = -u
//   mul  c = a * b   da = u * b          db = u * a
//   div  c = a / b   da = u / b          db = -((u * a) / (b * b))      (u = dL/dc)
// An operand that was broadcast receives its rule summed over the repeated rows (ctgrad's
// sum_to, in the same order). With a number k (a constant, no gradient), ctgrad's rules
// once its simplifications have run:
//   a + k, k + a, a - k   dA = u        k - a   dA = -u        -a   dA = -u
//   k * a, a * k          c = k * a, dA = k * u
//   a / k                 c = (1/k) * a, dA = (1/k) * u    (ctgrad folds a/k to (1/k)*a)
//   k / a                 dA = (-k) * (u / (a * a))
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/div.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/tape/elementwise.hpp>
#include <ctgrad/tape/recorder.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad::tape {

namespace detail {

template <template <class...> class Node>
using binary_fn = Node<slot_node<0, shape<>>, slot_node<1, shape<>>>;

/// dk (+)= rule(u, a, b, c) for operand k of size SK: elementwise where it has the output's
/// size, summed over the rows it was repeated for where it was broadcast (zeroed first
/// when this is its first contribution, as sum_to does).
template <bool Acc, std::size_t SK, std::size_t SA, std::size_t SB, std::size_t SOut, class F,
          class T>
void send_operand(F rule, T* CTGRAD_RESTRICT dk, T const* u, T const* a, T const* b, T const* c) {
  constexpr std::size_t inner = kernels::inner_size<SOut, SA, SB>();
  constexpr std::size_t rows = SOut / inner;
  if constexpr (SK != SOut && !Acc)
    for (std::size_t k = 0; k < SK; ++k) dk[k] = T{};
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < inner; ++j) {
      std::size_t const o = r * inner + j;
      T const v = rule(u[o], a[kernels::operand_index<SA, SOut, inner>(r, j)],
                       b[kernels::operand_index<SB, SOut, inner>(r, j)], c[o]);
      if constexpr (SK == SOut) {
        kernels::store<Acc>(dk[o], v);
      } else {
        dk[kernels::operand_index<SK, SOut, inner>(r, j)] += v;
      }
    }
}

template <class Rule, class T, class SA, class SB>
void binary_backward(recorder<T>& t, record_t<T> const& r) {
  constexpr std::size_t sa = SA::size, sb = SB::size, so = broadcast_shape_t<SA, SB>::size;
  T const* const u = t.adjoint_of(r.out);
  T const* const a = t.value_of(r.in[0]);
  T const* const b = t.value_of(r.in[1]);
  T const* const c = t.value_of(r.out);
  t.send(r.in[0], [&](auto acc, T* da) {
    send_operand<decltype(acc)::value, sa, sa, sb, so>(
        [](T ui, T ai, T bi, T ci) { return Rule::da(ui, ai, bi, ci); }, da, u, a, b, c);
  });
  t.send(r.in[1], [&](auto acc, T* db) {
    send_operand<decltype(acc)::value, sb, sa, sb, so>(
        [](T ui, T ai, T bi, T ci) { return Rule::db(ui, ai, bi, ci); }, db, u, a, b, c);
  });
}

template <class Rule, class T, class SA, class SB>
var<T, broadcast_shape_t<SA, SB>> binary(var<T, SA> const& a, var<T, SB> const& b) {
  using S = broadcast_shape_t<SA, SB>;
  if constexpr (!broadcastable_v<SA, SB>) {
    static_assert(broadcastable_v<SA, SB>,
                  "ctgrad::tape: a + b, a - b, a * b, a / b: shapes must be equal, or one must be "
                  "a scalar or the trailing dimensions of the other");
    return {};
  } else {
    recorder<T>& t = tape_of(a, b);
    var<T, S> const c = t.template output<S>(a, b);
    kernels::zip<false, SA::size, SB::size, S::size>(
        [](T ai, T bi) { return static_cast<T>(Rule::forward(ai, bi)); }, t.data(c),
        t.value_of(a.id()), t.value_of(b.id()));
    t.record_step(&binary_backward<Rule, T, SA, SB>, c, a.id(), b.id());
    return c;
  }
}

struct add_rule {
  template <class T> static T forward(T a, T b) { return binary_fn<add_node>::forward(a, b); }
  template <class T> static T da(T u, T, T, T) { return u; }
  template <class T> static T db(T u, T, T, T) { return u; }
};
struct sub_rule {
  template <class T> static T forward(T a, T b) { return binary_fn<sub_node>::forward(a, b); }
  template <class T> static T da(T u, T, T, T) { return u; }
  template <class T> static T db(T u, T, T, T) { return -u; }
};
struct mul_rule {
  template <class T> static T forward(T a, T b) { return binary_fn<mul_node>::forward(a, b); }
  template <class T> static T da(T u, T, T b, T) { return u * b; }
  template <class T> static T db(T u, T a, T, T) { return u * a; }
};
struct div_rule {
  template <class T> static T forward(T a, T b) { return binary_fn<div_node>::forward(a, b); }
  template <class T> static T da(T u, T, T b, T) { return u / b; }
  template <class T> static T db(T u, T a, T b, T) { return -((u * a) / (b * b)); }
};

// With a number k, kept in the record (see unary in elementwise.hpp).
struct add_k_rule {  // a + k
  static constexpr bool reads_output = false;
  template <class T> static T forward(T a, T k) { return binary_fn<add_node>::forward(a, k); }
  template <class T> static T vjp(T u, T, T) { return u; }
};
struct k_add_rule {  // k + a
  static constexpr bool reads_output = false;
  template <class T> static T forward(T a, T k) { return binary_fn<add_node>::forward(k, a); }
  template <class T> static T vjp(T u, T, T) { return u; }
};
struct sub_k_rule {  // a - k
  static constexpr bool reads_output = false;
  template <class T> static T forward(T a, T k) { return binary_fn<sub_node>::forward(a, k); }
  template <class T> static T vjp(T u, T, T) { return u; }
};
struct k_sub_rule {  // k - a
  static constexpr bool reads_output = false;
  template <class T> static T forward(T a, T k) { return binary_fn<sub_node>::forward(k, a); }
  template <class T> static T vjp(T u, T, T) { return -u; }
};
struct scale_rule {  // k * a
  static constexpr bool reads_output = false;
  template <class T> static T forward(T a, T k) { return binary_fn<mul_node>::forward(k, a); }
  template <class T> static T vjp(T u, T, T k) { return k * u; }
};
struct k_div_rule {  // k / a
  static constexpr bool reads_output = false;
  template <class T> static T forward(T a, T k) { return binary_fn<div_node>::forward(k, a); }
  template <class T> static T vjp(T u, T a, T k) { return (-k) * (u / (a * a)); }
};
struct neg_rule {
  static constexpr bool reads_output = false;
  template <class T> static T forward(T a, T) { return scalar_fn<neg_node>::forward(a); }
  template <class T> static T vjp(T u, T, T) { return -u; }
};

}  // namespace detail

/// a + b elementwise (broadcasting a scalar or a trailing-dimension operand).
template <class T, class SA, class SB>
var<T, broadcast_shape_t<SA, SB>> operator+(var<T, SA> const& a, var<T, SB> const& b) {
  return detail::binary<detail::add_rule>(a, b);
}
/// a - b elementwise.
template <class T, class SA, class SB>
var<T, broadcast_shape_t<SA, SB>> operator-(var<T, SA> const& a, var<T, SB> const& b) {
  return detail::binary<detail::sub_rule>(a, b);
}
/// a * b elementwise.
template <class T, class SA, class SB>
var<T, broadcast_shape_t<SA, SB>> operator*(var<T, SA> const& a, var<T, SB> const& b) {
  return detail::binary<detail::mul_rule>(a, b);
}
/// a / b elementwise.
template <class T, class SA, class SB>
var<T, broadcast_shape_t<SA, SB>> operator/(var<T, SA> const& a, var<T, SB> const& b) {
  return detail::binary<detail::div_rule>(a, b);
}

/// -a elementwise.
template <class T, class S> var<T, S> operator-(var<T, S> const& a) {
  return detail::unary<detail::neg_rule>(a);
}

/// With a number k (no gradient): a + k, k + a, a - k, k - a, a * k, k * a, a / k, k / a.
template <class T, class S> var<T, S> operator+(var<T, S> const& a, std::type_identity_t<T> k) {
  return detail::unary<detail::add_k_rule>(a, k);
}
/// \copydoc operator+(var<T, S> const&, std::type_identity_t<T>)
template <class T, class S> var<T, S> operator+(std::type_identity_t<T> k, var<T, S> const& a) {
  return detail::unary<detail::k_add_rule>(a, k);
}
/// \copydoc operator+(var<T, S> const&, std::type_identity_t<T>)
template <class T, class S> var<T, S> operator-(var<T, S> const& a, std::type_identity_t<T> k) {
  return detail::unary<detail::sub_k_rule>(a, k);
}
/// \copydoc operator+(var<T, S> const&, std::type_identity_t<T>)
template <class T, class S> var<T, S> operator-(std::type_identity_t<T> k, var<T, S> const& a) {
  return detail::unary<detail::k_sub_rule>(a, k);
}
/// \copydoc operator+(var<T, S> const&, std::type_identity_t<T>)
template <class T, class S> var<T, S> operator*(var<T, S> const& a, std::type_identity_t<T> k) {
  return detail::unary<detail::scale_rule>(a, k);
}
/// \copydoc operator+(var<T, S> const&, std::type_identity_t<T>)
template <class T, class S> var<T, S> operator*(std::type_identity_t<T> k, var<T, S> const& a) {
  return detail::unary<detail::scale_rule>(a, k);
}
/// \copydoc operator+(var<T, S> const&, std::type_identity_t<T>)
template <class T, class S> var<T, S> operator/(var<T, S> const& a, std::type_identity_t<T> k) {
  return detail::unary<detail::scale_rule>(a, T{1} / k);
}
/// \copydoc operator+(var<T, S> const&, std::type_identity_t<T>)
template <class T, class S> var<T, S> operator/(std::type_identity_t<T> k, var<T, S> const& a) {
  return detail::unary<detail::k_div_rule>(a, k);
}

}  // namespace ctgrad::tape
