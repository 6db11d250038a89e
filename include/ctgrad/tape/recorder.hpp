// SPDX-License-Identifier: BSL-1.0
// recorder<T>: a reverse-mode tape. Every operation on tape handles runs at once and, when
// its result needs a gradient, appends a record (a backward function, the node ids of its
// output and inputs, one scalar) to a list; backward(loss) walks that list in reverse,
// seeding dL/dL = 1. The graph is whatever ran: built anew by every call, so control flow
// may differ from one call to the next (the dynamic graph of PyTorch's autograd).
//   ctgrad::tape::recorder<float> t;
//   auto W = t.param(w);  auto b = t.param(bias);  auto X = t.input(x);  auto Y = t.input(y);
//   auto loss = cross_entropy(softmax(dense(X, W, b)), Y);
//   t.backward(loss);   t.grad(W)(i, j) is dL/dW[i, j]   ...   t.clear();  (next call)
//
// What is shared with ctgrad's compile-time path, and what is not. This tape exists so that
// a benchmark against ctgrad measures the cost of a dynamic graph and nothing else:
//   - the same kernels: an operation's forward is ctgrad's own (the node's forward_into, or
//     its scalar forward in kernels::map / kernels::zip, instantiated on the same abstract
//     node the compile-time evaluator uses), and its backward calls the kernels ctgrad's
//     rules reduce to (kernels::matmul in the nt and tn layouts, sum_to, softmax_backward)
//     or evaluates ctgrad's simplified VJP rule, written out by hand, per element;
//   - static shapes: a handle carries its shape as a type (var<T, shape<32, 784>>), so each
//     operation still calls the fixed-size kernel, as ctgrad does;
//   - dynamic everything else: nodes, records, values and adjoints live in growable arrays
//     owned by the tape, the backward sweep is a loop over function pointers, and which
//     adjoints exist is decided at run time.
// The tape never uses ctgrad's derivation (engine/: derive, backprop, evaluate): its VJPs are
// run-time code, so it can check the compile-time engine rather than share its mistakes.
//
// What a good tape does, and this one does:
//   - only what needs a gradient is recorded: a result needs one when an input does (a
//     parameter or a variable does; an input or a constant does not), so the data batch's
//     own gradient (dX in the first layer) is never computed, as in ctgrad and PyTorch;
//   - the first contribution to an adjoint assigns and later ones add (a flag per node),
//     so no adjoint is zero-filled; a node nothing reached reads as zero;
//   - records whose output received no adjoint are skipped;
//   - buffer reuse across calls: clear() forgets the graph but keeps every buffer (nodes,
//     records, values, adjoints), so a call that records no more than an earlier call did
//     allocates nothing. The first call allocates, growing geometrically; a larger call
//     grows the buffers again. release_memory() gives the memory back.
// Parameters and inputs are read where the caller keeps them (param(), input(): no copy,
// the caller's tensor must outlive the call); variable() and constant() copy a value in.
// Gradients live in the tape: grad(v) is a view, valid until the next clear(). backward()
// overwrites adjoints; it does not accumulate across calls (add them up yourself, or keep
// one graph for the micro-batches). Values and gradients are those ctgrad computes, bit for
// bit when the tape records the expression's nodes one for one, in ctgrad's order (children
// left to right; C++ leaves unspecified which operand of an overloaded operator is evaluated
// first, so a statement per operand fixes it), and the compiler contracts nothing into an
// FMA differently in the two programs (tested in test/tape/). A tape is single-threaded.
#pragma once

#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/tape/arena.hpp>
#include <ctgrad/tape/var.hpp>
#include <ctgrad/tape/view.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace ctgrad::tape {

/// A reverse-mode tape, the benchmarks' runtime baseline: each operation on handles runs at once
/// and appends a record; backward(loss) replays the records in reverse.
/// Example: `auto W = t.param(w); ...; t.backward(loss); t.grad(W)(i, j); t.clear();`
template <class T> class recorder {
  static_assert(std::is_floating_point_v<T>,
                "ctgrad::tape::recorder<T>: T must be float or double");

 public:
  /// The element type, float or double.
  using value_type = T;
  /// The id of no node (an unused input of a record).
  static constexpr std::uint32_t none = ~std::uint32_t{0};

  struct record;
  /// A primitive's backward step: reads the record's output adjoint, sends to its inputs.
  using backward_fn = void (*)(recorder&, record const&);
  /// One recorded operation: its backward step, its output and inputs, a scalar it keeps.
  struct record {
    /// The operation's backward step.
    backward_fn backward;
    /// The output node's id.
    std::uint32_t out;
    /// The input nodes' ids.
    std::array<std::uint32_t, 3> in;  ///< unused entries are `none`
    T aux;                            ///< a scalar the primitive keeps (x * c keeps c)
  };

  /// An empty tape.
  recorder() = default;
  /// Not copyable: handles point at their tape, which must not move while they are in use.
  recorder(recorder const&) = delete;
  /// Not assignable, for the same reason.
  recorder& operator=(recorder const&) = delete;

  // ---- leaves
  /// A trainable parameter read from the caller's storage (no copy); has a gradient.
  template <class S> var<T, S> param(tensor<T, S> const& w) { return leaf<S>(w.data.data(), true); }
  /// The same for S::size values at data.   t.param<shape<4, 8>>(raw)
  template <class S> var<T, S> param(T const* data) { return leaf<S>(data, true); }
  /// An input (data, targets) read from the caller's storage (no copy); no gradient.
  template <class S> var<T, S> input(tensor<T, S> const& x) {
    return leaf<S>(x.data.data(), false);
  }
  /// The same for S::size values at data.
  template <class S> var<T, S> input(T const* data) { return leaf<S>(data, false); }
  /// The tape reads a parameter or an input where it is, later: not from a temporary.
  template <class S> var<T, S> param(tensor<T, S> const&&) = delete;
  /// Not from a temporary either.
  template <class S> var<T, S> input(tensor<T, S> const&&) = delete;
  /// A value copied into the tape, with a gradient.   auto x = t.variable(2.0);
  template <class S> var<T, S> variable(tensor<T, S> const& x) {
    return copied<S>(x.data.data(), true);
  }
  /// A scalar copied into the tape, with a gradient.
  var<T, shape<>> variable(T x) { return copied<shape<>>(&x, true); }
  /// A value copied into the tape, without a gradient.
  template <class S> var<T, S> constant(tensor<T, S> const& x) {
    return copied<S>(x.data.data(), false);
  }
  /// A scalar copied into the tape, without a gradient.
  var<T, shape<>> constant(T x) { return copied<shape<>>(&x, false); }

  // ---- the reverse sweep and its results
  /// Runs the records backward from dloss/dloss = 1 and returns the loss. Adjoints are
  /// overwritten, not accumulated, when called again.
  T backward(var<T, shape<>> loss) {
    check(loss);
    adjoints_.assign_uninitialised(adjoint_size_);
    for (node& n : nodes_) n.written = false;
    node& l = nodes_[loss.id()];
    if (l.requires_grad) {
      adjoints_.data()[l.adjoint] = T{1};
      l.written = true;
      for (std::size_t k = records_.size(); k-- != 0;) {
        record const& r = records_[k];
        if (nodes_[r.out].written) r.backward(*this, r);
      }
    }
    backward_done_ = true;
    return value_of(loss.id())[0];
  }

  /// dloss/dv after backward(loss), for any v with a gradient (zero if loss does not
  /// depend on v). Valid until clear().
  template <class S> view<T const, S> grad(var<T, S> v) {
    check(v);
    node& n = nodes_[v.id()];
    if (!n.requires_grad)
      throw std::logic_error(
          "ctgrad::tape::recorder::grad(v): v has no gradient (an input or a "
          "constant, or computed from those only)");
    // (Nodes made after the last backward have no room yet.)
    if (!backward_done_ || n.adjoint + S::size > adjoints_.size())
      throw std::logic_error("ctgrad::tape::recorder::grad(v): call backward(loss) first");
    T* g = adjoints_.data() + n.adjoint;
    if (!n.written) {
      for (std::size_t i = 0; i < S::size; ++i) g[i] = T{};
      n.written = true;
    }
    return view<T const, S>(g);
  }

  /// v's value. Valid until the next operation is recorded or clear().
  template <class S> view<T const, S> value(var<T, S> v) const {
    check(v);
    return view<T const, S>(value_of(v.id()));
  }

  /// Does v have a gradient (is it a parameter or variable, or computed from one)?
  template <class S> bool requires_grad(var<T, S> v) const {
    check(v);
    return nodes_[v.id()].requires_grad;
  }

  // ---- reuse
  /// Forgets the graph and every handle made so far; keeps all memory for the next call.
  void clear() {
    nodes_.clear();
    records_.clear();
    values_.clear();
    adjoint_size_ = 0;
    backward_done_ = false;
    ++generation_;
  }
  /// clear(), and returns the memory.
  void release_memory() {
    clear();
    nodes_.shrink_to_fit();
    records_.shrink_to_fit();
    values_.release_memory();
    adjoints_.release_memory();
  }

  /// Number of nodes recorded since the last clear().
  std::size_t node_count() const { return nodes_.size(); }
  /// Number of records (operations with a gradient) since the last clear().
  std::size_t record_count() const { return records_.size(); }

  // ---- for primitives (the operations in tape/*.hpp, or a user's own)
  /// Throws std::logic_error unless v is a current handle of this tape.
  template <class S> void check(var<T, S> const& v) const {
    if (v.tape() != this)
      throw std::logic_error(v.tape() == nullptr
                                 ? "ctgrad::tape: an empty handle was used"
                                 : "ctgrad::tape: handles from two different tapes were combined");
    if (v.generation() != generation_)
      throw std::logic_error("ctgrad::tape: a handle was used after its tape's clear()");
  }

  /// A new computed node of shape S; it needs a gradient when one of the inputs does.
  template <class S, class... In> var<T, S> output(In const&... inputs) {
    return make_output<S>((false || ... || nodes_[inputs.id()].requires_grad));
  }
  /// A new computed node of shape S, with a gradient or not.
  template <class S> var<T, S> make_output(bool needs_gradient) {
    return make<S>(nullptr, needs_gradient);
  }
  /// Where an output's value is written. Valid until the next node is made.
  template <class S> T* data(var<T, S> const& out) {
    return values_.data() + nodes_[out.id()].value;
  }
  /// Node id's value (inputs of a primitive's forward and backward).
  T const* value_of(std::uint32_t id) const {
    node const& n = nodes_[id];
    return n.external != nullptr ? n.external : values_.data() + n.value;
  }

  /// Appends out's backward step, unless out needs no gradient.
  template <class S>
  void record_step(backward_fn f, var<T, S> const& out, std::uint32_t in0, std::uint32_t in1 = none,
                   std::uint32_t in2 = none, T aux = T{}) {
    if (!nodes_[out.id()].requires_grad) return;
    record& r = records_.emplace_back();
    r.backward = f;
    r.out = out.id();
    r.in[0] = in0;
    r.in[1] = in1;
    r.in[2] = in2;
    r.aux = aux;
  }

  /// In a backward step: node id's adjoint (its output's, which has been written).
  T const* adjoint_of(std::uint32_t id) const { return adjoints_.data() + nodes_[id].adjoint; }

  /// In a backward step: if node id needs a gradient, calls f(acc, dv) with dv its adjoint
  /// and acc a std::bool_constant, true when earlier contributions are there to add to
  /// (the first contribution assigns).
  template <class F> void send(std::uint32_t id, F&& f) {
    node& n = nodes_[id];
    if (!n.requires_grad) return;
    T* const dv = adjoints_.data() + n.adjoint;
    if (n.written) {
      f(std::true_type{}, dv);
    } else {
      n.written = true;
      f(std::false_type{}, dv);
    }
  }
  /// True when node id needs a gradient (it depends on a parameter or a variable).
  bool needs_grad(std::uint32_t id) const { return nodes_[id].requires_grad; }

  /// Marks p as softmax(z), so that cross_entropy(p, y) can use the fused rule.
  void set_softmax_of(std::uint32_t p, std::uint32_t z) { nodes_[p].softmax_of = z; }
  /// The z of p = softmax(z), or `none`.
  std::uint32_t softmax_of(std::uint32_t p) const { return nodes_[p].softmax_of; }

 private:
  struct node {
    T const* external;         // the caller's storage (param, input), else null
    std::size_t value;         // offset in values_ (computed and copied nodes)
    std::size_t adjoint;       // offset in adjoints_ (nodes that need a gradient)
    std::uint32_t softmax_of;  // z when this node is softmax(z), else none
    bool requires_grad;
    bool written;  // the adjoint holds a contribution (reset by backward)
  };

  template <class S> var<T, S> make(T const* external, bool grad) {
    std::size_t const value = external == nullptr ? values_.allocate(S::size) : 0;
    std::size_t const adjoint = adjoint_size_;
    if (grad) adjoint_size_ += arena<T>::round_up(S::size);
    // Built in place, field by field: a node assembled on the stack and copied in makes
    // the copy's wide load wait for the narrow stores to the stack (store forwarding
    // fails), on the path every recorded operation takes.
    node& n = nodes_.emplace_back();
    n.external = external;
    n.value = value;
    n.adjoint = adjoint;
    n.softmax_of = none;
    n.requires_grad = grad;
    n.written = false;
    return var<T, S>(this, static_cast<std::uint32_t>(nodes_.size() - 1), generation_);
  }
  template <class S> var<T, S> leaf(T const* data, bool grad) { return make<S>(data, grad); }
  template <class S> var<T, S> copied(T const* data, bool grad) {
    var<T, S> v = make<S>(nullptr, grad);
    T* out = values_.data() + nodes_[v.id()].value;
    for (std::size_t i = 0; i < S::size; ++i) out[i] = data[i];
    return v;
  }

  std::vector<node> nodes_;
  std::vector<record> records_;
  arena<T> values_;
  arena<T> adjoints_;
  std::size_t adjoint_size_ = 0;
  std::uint32_t generation_ = 0;
  bool backward_done_ = false;
};

/// One record of recorder<T> (what a primitive's backward step receives).
template <class T> using record_t = typename recorder<T>::record;

namespace detail {
/// The tape of a primitive's operands, after checking that they are current handles of
/// one tape.
template <class T, class S, class... Rest>
recorder<T>& tape_of(var<T, S> const& first, Rest const&... rest) {
  if (first.tape() == nullptr) throw std::logic_error("ctgrad::tape: an empty handle was used");
  recorder<T>& t = *first.tape();
  t.check(first);
  (t.check(rest), ...);
  return t;
}
}  // namespace detail

}  // namespace ctgrad::tape
