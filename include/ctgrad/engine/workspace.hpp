// SPDX-License-Identifier: BSL-1.0
// Where a computation's intermediate numbers live. eval caches every node's value; grad and
// grad_into also keep every adjoint and a scratch area for VJP rules. How many entries each
// needs is known at compile time:
//   ctgrad::eval_workspace_v<decltype(net)>            entries eval(net, ...) needs
//   ctgrad::grad_workspace_v<decltype(loss)>           entries grad(loss, params, ...) needs
//   ctgrad::workspace_for<float, decltype(loss)>       a workspace big enough for both
//   ctgrad::memory_report<float>(loss)                 bytes of each, and where they go
// A workspace is a plain object the caller places: static storage, the heap (allocated once,
// std::make_unique), a thread's stack, a memory pool. Pass it to the call:
//   auto ws = std::make_unique<ctgrad::workspace_for<float, decltype(loss)>>();
//   grad_into(loss, grads, *ws, params, X = x, Y = y);     eval(net, *ws, params, X = x)
// Without one, a call whose workspace fits in CTGRAD_STACK_WORKSPACE bytes (default 65536)
// keeps it on the caller's stack, as a local array; a larger one uses a buffer owned by the
// calling thread, allocated on that thread's first call for a workspace of that size and
// reused by every later call (so a training loop allocates once). Define
// CTGRAD_NO_IMPLICIT_HEAP to make that case a compile error naming the size instead.
#pragma once

#include <ctgrad/engine/plan.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/var_set.hpp>

#include <cstddef>
#include <memory>
#include <type_traits>

#ifndef CTGRAD_STACK_WORKSPACE
/// The stack budget in bytes (default 65536): a call whose workspace is larger uses a buffer of
/// the calling thread (or the workspace passed). Define it, the same in every translation unit,
/// to change it; see also CTGRAD_NO_IMPLICIT_HEAP.
#define CTGRAD_STACK_WORKSPACE 65536
#endif

namespace ctgrad {

/// N entries of T, 64-byte aligned, for the intermediate values of eval, grad and grad_into.
/// Not zeroed by the calls: every entry is written before it is read.
template <class T, std::size_t N> struct workspace {
  static_assert(std::is_floating_point_v<T>, "ctgrad::workspace<T, N>: T must be float or double");
  /// The element type, float or double.
  using value_type = T;
  /// Number of entries, N.
  static constexpr std::size_t size = N;
  alignas(64) T data[N + 1];  ///< + 1: never zero-sized
};

/// True when W is a workspace.
template <class W> inline constexpr bool is_workspace_v = false;
/// True: a workspace.
template <class T, std::size_t N> inline constexpr bool is_workspace_v<workspace<T, N>> = true;

namespace detail {

/// The largest of N... (0 for none).
template <std::size_t... N> constexpr std::size_t max_of() {
  std::size_t const values[] = {N..., 0};
  std::size_t largest = 0;
  for (std::size_t value : values) largest = value > largest ? value : largest;
  return largest;
}

// Regions of a workspace start on a multiple of 16 entries (64 bytes in float).
constexpr std::size_t round_up_16(std::size_t n) { return (n + 15) / 16 * 16; }

// True when a workspace of Bytes fits the stack budget. A template, so a failed check shows
// both numbers in the compiler's message.
template <std::size_t Bytes, std::size_t Limit> inline constexpr bool fits_stack_v = Bytes <= Limit;
inline constexpr std::size_t stack_workspace_bytes = CTGRAD_STACK_WORKSPACE;

// The checks, as functions of the numbers, so both compilers print them with the message.
template <std::size_t Have, std::size_t Need>
inline constexpr bool workspace_large_enough_v = Have >= Need;
template <std::size_t Have, std::size_t Need> constexpr bool require_grad_workspace() {
  static_assert(workspace_large_enough_v<Have, Need>,
                "ctgrad::grad_into(loss, grads, ws, ...): the workspace is too small (it holds "
                "the first number of entries, this gradient needs the second); use "
                "ctgrad::workspace_for<T, decltype(loss), decltype(grads)>");
  return Have >= Need;
}
template <std::size_t Have, std::size_t Need> constexpr bool require_eval_workspace() {
  static_assert(
      workspace_large_enough_v<Have, Need>,
      "ctgrad::eval(f, ws, ...): the workspace is too small (it holds the first "
      "number of entries, f needs the second); use ctgrad::workspace_for<T, decltype(f)>");
  return Have >= Need;
}
template <std::size_t Bytes, std::size_t Limit> constexpr bool require_grad_on_stack() {
  static_assert(fits_stack_v<Bytes, Limit>,
                "ctgrad::grad / grad_into: this gradient's workspace (first number, in bytes) "
                "is larger than CTGRAD_STACK_WORKSPACE (second number) and "
                "CTGRAD_NO_IMPLICIT_HEAP is defined: pass a workspace, e.g. auto ws = "
                "std::make_unique<ctgrad::workspace_for<float, decltype(loss)>>(); "
                "grad_into(loss, grads, *ws, ...)");
  return Bytes <= Limit;
}
template <std::size_t Bytes, std::size_t Limit> constexpr bool require_eval_on_stack() {
  static_assert(fits_stack_v<Bytes, Limit>,
                "ctgrad::eval(f, ...): f's workspace (first number, in bytes) is larger than "
                "CTGRAD_STACK_WORKSPACE (second number) and CTGRAD_NO_IMPLICIT_HEAP is "
                "defined: pass a workspace, e.g. auto ws = std::make_unique<ctgrad::"
                "workspace_for<float, decltype(f)>>(); eval(f, *ws, ...)");
  return Bytes <= Limit;
}

// The calling thread's buffer of N entries of T: allocated on the thread's first call for
// this size, kept until the thread ends. Not constexpr (thread_local): constant evaluation
// of a net this large is not possible anyway.
template <class T, std::size_t N> T* thread_workspace() {
  thread_local std::unique_ptr<workspace<T, N>> const ws = std::make_unique<workspace<T, N>>();
  return ws->data;
}

template <class Set> struct wanted_of {
  using type = Set;  // a type_list of variables
};
template <class T, class... Vars> struct wanted_of<var_set<T, Vars...>> {
  using type = typename var_set<T, Vars...>::variables;
};

}  // namespace detail

}  // namespace ctgrad
