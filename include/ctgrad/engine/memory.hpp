// SPDX-License-Identifier: BSL-1.0
// How much memory a network's calls need, known at compile time (engine/workspace.hpp says
// where it goes):
//   ctgrad::eval_workspace_v<decltype(net)>     entries of workspace eval(net, ...) needs
//   ctgrad::grad_workspace_v<decltype(loss)>    entries grad / grad_into need (with respect
//                                               to the parameters; or name a var_set type)
//   ctgrad::workspace_for<float, decltype(loss)>   a workspace large enough for both
//   std::cout << ctgrad::to_string(ctgrad::memory_report<float>(loss));
#pragma once

#include <ctgrad/engine/evaluate.hpp>
#include <ctgrad/engine/sweep.hpp>
#include <ctgrad/engine/workspace.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/var_set.hpp>

#include <cstddef>
#include <string>
#include <type_traits>

namespace ctgrad {

/// Entries of workspace that eval(f, ...) needs (every computed node's value).
template <class F>
inline constexpr std::size_t eval_workspace_v = detail::eval_size_v<std::remove_cv_t<F>>;

/// Entries of workspace that grad / grad_into need for the gradient of Loss with respect to
/// the variables of Set (a var_set type or a type_list; by default Loss's parameters):
/// forward values, adjoints and the scratch of VJP rules.
template <class Loss, class Set = params_of_t<Loss>>
inline constexpr std::size_t grad_workspace_v =
    detail::sweep_of<std::remove_cv_t<Loss>,
                     typename detail::wanted_of<std::remove_cv_t<Set>>::type>::total;

/// A workspace for eval(net, ...) and for grad / grad_into of net with respect to its
/// parameters, or to each of the var_set types Sets... when given.
///   auto ws = std::make_unique<ctgrad::workspace_for<float, decltype(loss)>>();
template <class T, class Net, class... Sets>
using workspace_for =
    workspace<T, (sizeof...(Sets) == 0
                      ? detail::max_of<eval_workspace_v<Net>, grad_workspace_v<Net>>()
                      : detail::max_of<eval_workspace_v<Net>, grad_workspace_v<Net, Sets>...>())>;

/// The memory of a network's calls in bytes, for element type T.
struct memory_info {
  std::size_t nodes = 0;              ///< distinct nodes of the graph
  std::size_t parameter_bytes = 0;    ///< one parameter set; a gradient set is the same size
  std::size_t eval_bytes = 0;         ///< eval's workspace
  std::size_t grad_bytes = 0;         ///< grad / grad_into's workspace
  std::size_t stack_limit_bytes = 0;  ///< CTGRAD_STACK_WORKSPACE: larger workspaces leave the stack
  std::size_t call_stack_bytes = 0;   ///< besides a workspace: the per-node pointer tables of grad
  /// True when eval's workspace fits the stack budget (then it is a local array).
  constexpr bool eval_on_stack() const { return eval_bytes <= stack_limit_bytes; }
  /// True when grad's workspace fits the stack budget.
  constexpr bool grad_on_stack() const { return grad_bytes <= stack_limit_bytes; }
};

/// The memory report of net in element type T.
///   std::cout << to_string(memory_report<float>(loss));
template <class T, Expression Net> constexpr memory_info memory_report(Net) {
  using order = topological_order_t<Net>;
  memory_info m;
  m.nodes = order::size;
  m.parameter_bytes = param_set<T, Net>::scalar_count * sizeof(T);
  m.eval_bytes = (eval_workspace_v<Net> + 1) * sizeof(T);
  if constexpr (shape_of_t<Net>::rank == 0) m.grad_bytes = (grad_workspace_v<Net> + 1) * sizeof(T);
  m.stack_limit_bytes = detail::stack_workspace_bytes;
  // grad keeps two pointers per node (value, adjoint) and one per gradient tensor.
  m.call_stack_bytes = 2 * order::size * sizeof(T*) + params_of_t<Net>::size * sizeof(T*);
  return m;
}

/// The report as a few lines of text.
inline std::string to_string(memory_info const& m) {
  auto kib = [](std::size_t bytes) {
    std::string s = std::to_string(bytes / 1024) + "." + std::to_string(bytes % 1024 * 10 / 1024);
    return s + " KiB";
  };
  auto where = [&](bool on_stack) {
    return on_stack ? std::string("the caller's stack")
                    : "the calling thread's buffer (above " + kib(m.stack_limit_bytes) +
                          "), or a workspace you pass";
  };
  std::string s;
  s += "nodes:            " + std::to_string(m.nodes) + "\n";
  s += "parameters:       " + kib(m.parameter_bytes) + " (a gradient set: the same)\n";
  s += "eval workspace:   " + kib(m.eval_bytes) + " on " + where(m.eval_on_stack()) + "\n";
  if (m.grad_bytes != 0)
    s += "grad workspace:   " + kib(m.grad_bytes) + " on " + where(m.grad_on_stack()) + "\n";
  s += "call stack:       " + kib(m.call_stack_bytes) + " of pointer tables besides\n";
  return s;
}

}  // namespace ctgrad
