// SPDX-License-Identifier: BSL-1.0
// Every node template, declared once, so rules in one primitive's header can recognise
// another primitive's node (a*a -> a^2 needs pow_node) without include order mattering.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/fixed_string.hpp>

#include <cstdint>

namespace ctgrad {

template <std::intmax_t N, std::intmax_t D> struct constant_node;
template <class Name, class Shape, class Role> struct var_node;
template <class Name, class A> struct named_node;

template <class A, class B> struct add_node;
template <class A, class B> struct sub_node;
template <class A, class B> struct mul_node;
template <class A, class B> struct div_node;
template <class A> struct neg_node;
template <class A, int N> struct pow_node;
template <class A, class S> struct broadcast_to_node;

template <class Z> struct exp_node;
template <class Z> struct log_node;
template <class P> struct clamped_log_node;
template <class Z> struct sin_node;
template <class Z> struct cos_node;
template <class Z> struct tanh_node;
template <class Z> struct sigmoid_node;
template <class Z> struct relu_node;
template <class Z> struct step_node;
template <class Z> struct sqrt_node;
template <class Z> struct abs_node;
template <class Z> struct sign_node;

// Declared here because mul's rule t^m * t^n = t^(m+n) names it before ops/pow.hpp is read.
template <int N, Expression A> constexpr auto pow(A a);

}  // namespace ctgrad
