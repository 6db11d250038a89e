// SPDX-License-Identifier: BSL-1.0
// Batch norm's running statistics after a training step (train::fit calls it after every
// gradient): for each batch norm with a mode in the loss (ops/batch_norm.hpp, as
// layer::batch_norm builds it), the running mean and variance held in the parameter set as
// buffers move towards the statistics of the batch the step normalised, by PyTorch's
// momentum rule (m = 1/10, the variance unbiased):
//   train::update_running_statistics<decltype(loss)>(params, ws, x)
// The batch norm's input is read where the gradient's forward pass left it, in the
// workspace ws the gradient was computed in (grad_into(loss, grads, ws, ...)), or in x when
// it is the net's input XVar itself: no second forward pass, no heap.
#pragma once

#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/engine/plan.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/ops/batch_norm.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad::train {

namespace detail {
template <class N> struct is_running_norm : std::false_type {};
template <class X, class Mean, class Var, class Eps>
struct is_running_norm<normalize_running_node<X, Mean, Var, Eps>> : std::true_type {};
}  // namespace detail

/// The running statistics of every mode-switched batch norm of Loss, from the forward values
/// of the gradient just computed in ws (see the top); x is the value bound to XVar.
template <class Loss, class XVar, class T, class... Vars, class Ws, class SX>
void update_running_statistics(var_set<T, Vars...>& params, Ws const& ws, tensor<T, SX> const& x) {
  using order = topological_order_t<Loss>;
  using norms = ctgrad::detail::filter_t<detail::is_running_norm, order>;
  using P = ctgrad::detail::plan<order>;
  auto one = [&]<class X, class Mean, class Var, class Eps>(
                 normalize_running_node<X, Mean, Var, Eps>) {
    static_assert(!ctgrad::detail::is_var<X>::value || __is_same(X, XVar),
                  "ctgrad::train::update_running_statistics: a batch norm's input is a variable "
                  "other than the net's input");
    static_assert(var_set<T, Vars...>::template has<Mean> && var_set<T, Vars...>::template has<Var>,
                  "ctgrad::train::update_running_statistics: the running statistics must be in "
                  "the parameter set (ctgrad::buffer)");
    T const* from;
    if constexpr (ctgrad::detail::is_var<X>::value) {
      from = x.data.data();
    } else {
      from = ws.data + P::offsets[ctgrad::detail::index_of<order, X>::value];
    }
    normalize_running_node<X, Mean, Var, Eps>::update_running(
        params[Mean{}].data.data(), params[Var{}].data.data(), from, T(1) / T(10));
  };
  [&]<class... Ns>(ctgrad::detail::type_list<Ns...>) {
    bool const done[] = {(one(Ns{}), true)..., true};
    (void)done;
  }(norms{});
}

}  // namespace ctgrad::train
