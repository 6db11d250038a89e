// SPDX-License-Identifier: BSL-1.0
// C export: a network's forward pass, or a loss with its gradient and an SGD step, as
// dependency-free C99 (a header and a source), for targets whose toolchain has no C++20. The node
// types are walked once, children first, as eval does; each node becomes one loop over fixed-size
// arrays in a workspace struct.
//   auto c = ctgrad::codegen::c_export(net, "mnist", params);   // or c_export<float>(net, "mnist")
//   c.write("out/");      // out/mnist.h, out/mnist.c: gcc -std=c99 -c mnist.c (needs -lm)
// The generated API (for net = relu(X @ W1 + b1) @ W2 + b2 named "mnist"):
//   typedef struct { float W1[784 * 128]; float b1[128]; ... } mnist_params;
//   typedef struct { ... } mnist_workspace;               // every intermediate value
//   extern const mnist_params mnist_trained;               // the values given, if any
//   void mnist_forward(const mnist_params *p, mnist_workspace *ws,
//                      const float *X /* [32][784] */, float *out /* [32][10] */);
// For training, c_export_training(loss, "name", params) gives name_loss_grad(p, ws, inputs...,
// g) (returns the loss, writes dL/dW for every parameter into g, a name_params) and
// name_sgd_step(p, g, lr): the gradient is d(loss, W) for each parameter, derived at compile
// time, its nodes shared with the loss's and emitted like any others (the backward program
// explain prints, as code). Inputs are arguments in the order the net first uses them; the
// parameters a struct in param_set's order (row-major, ctgrad's layouts). Supported nodes: inputs,
// parameters, constants, + - * / (equal shapes, a trailing-dimension or scalar operand), unary
// minus, pow<N>, sum_to, broadcast_to, the fused cross_entropy(softmax(z), y), dense, matmul,
// transpose, relu, leaky_relu, sigmoid, tanh, exp, log, sqrt, abs, step,
// sign, softmax, log_softmax, named intermediates, and for inference loops (scan and the
// recurrent layers: a C for loop over the steps running the body, derived once) with the
// nodes that read them (a gate's columns, last_step, states<K>); anything else is a
// static_assert naming the node. A loop's gradient is run by grad, not built by d, so
// c_export_training of a net with a loop stops at d's static_assert. Values agree with eval to
// float rounding (the C library's exp and tanh against ctgrad's, and dense's sums in another order:
// tested to 1e-6).
#pragma once

#include <ctgrad/detail/detect.hpp>
#include <ctgrad/engine/derive.hpp>
#include <ctgrad/engine/loop.hpp>
#include <ctgrad/engine/print.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/named.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/losses/cross_entropy.hpp>
#include <ctgrad/ops/abs.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/dense.hpp>
#include <ctgrad/ops/div.hpp>
#include <ctgrad/ops/exp.hpp>
#include <ctgrad/ops/leaky_relu.hpp>
#include <ctgrad/ops/log.hpp>
#include <ctgrad/ops/log_softmax.hpp>
#include <ctgrad/ops/matmul.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/pow.hpp>
#include <ctgrad/ops/relu.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sign.hpp>
#include <ctgrad/ops/softmax.hpp>
#include <ctgrad/ops/sqrt.hpp>
#include <ctgrad/ops/step.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/ops/sum.hpp>
#include <ctgrad/ops/tanh.hpp>
#include <ctgrad/ops/transpose.hpp>

#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ctgrad::codegen {

/// The generated pair: name.h and name.c.
struct c_program {
  /// The name given: the files are name.h and name.c, the functions name_forward, ...
  std::string name, header, source;
  /** \var c_program::header
      The text of name.h. */
  /** \var c_program::source
      The text of name.c. */
  /// Writes dir/name.h and dir/name.c; throws std::runtime_error naming a file it cannot write.
  void write(std::string const& dir) const {
    for (auto const& [file, text] : {std::pair{dir + "/" + name + ".h", &header},
                                     std::pair{dir + "/" + name + ".c", &source}}) {
      std::ofstream out(file, std::ios::binary);
      out << *text;
      out.close();
      if (!out)
        throw std::runtime_error("ctgrad::codegen::c_program::write: cannot write \"" + file +
                                 "\"");
    }
  }
};

namespace detail {

using ctgrad::detail::index_of;
using ctgrad::detail::index_of_v;
using ctgrad::detail::type_list;

template <class T> struct c_type;
template <> struct c_type<float> {
  static constexpr char const* name = "float";
  static constexpr char const* suffix = "f";  // expf, tanhf, ...
};
template <> struct c_type<double> {
  static constexpr char const* name = "double";
  static constexpr char const* suffix = "";
};

/// A C literal that reads back as exactly v (in T).
template <class T> std::string literal(T v) {
  if (std::isnan(v)) return "NAN";
  if (std::isinf(v)) return v > 0 ? "INFINITY" : "(-INFINITY)";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", std::is_same_v<T, float> ? 9 : 17, static_cast<double>(v));
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  if (std::is_same_v<T, float>) s += "f";
  return s[0] == '-' ? "(" + s + ")" : s;
}

/// A C identifier for a ctgrad name ("enc.W1" -> "enc_W1").
inline std::string identifier(std::string_view name) {
  std::string s;
  for (char ch : name)
    s += (std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_') ? ch : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) != 0) s = "v_" + s;
  return s;
}

template <class N> inline constexpr bool is_input_v = false;
template <class Name, class S>
inline constexpr bool is_input_v<var_node<Name, S, input_role>> = true;

// A loop's body as an order of its own (body_scope<Outer, Loop>): its nodes are emitted
// inside the loop over the steps t, each in the workspace array lK_tI (K the loop's index
// in the outer order, I the node's in the body), its carried states in lK_sC, a step
// input at row t of its sequence, its free variables where the outer order keeps them.
template <class Outer, class Loop> struct body_scope {
  using order = typename Loop::body_order;
  using is_body_scope = void;
};
// (Probes, not requires-expressions: an order prints as its whole graph; detail/detect.hpp.)
using ctgrad::detail::detected_v;
template <class Order> using body_scope_of = typename Order::is_body_scope;
template <class Order> inline constexpr bool is_body_scope_v = detected_v<body_scope_of, Order>;
template <class C> using node_function_of = decltype(C::function());
template <class C> using node_pieces_of = decltype(C::pieces());

template <class Order, class N> std::string buffer();

// The name of computed node N's workspace array.
template <class Order, class N> std::string work_name() {
  if constexpr (is_body_scope_v<Order>) {
    return Order::prefix() + std::string("_t") +
           std::to_string(index_of<typename Order::order, N>::value);
  } else {
    // std::string first: g++ 12 -O3 warns (-Wrestrict, a false positive, GCC bug 105329)
    // for "literal" + std::string&&.
    return std::string("t") + std::to_string(index_of<Order, N>::value);
  }
}

// Where a node's value lives in the generated code.
template <class Order, class N> std::string buffer() {
  if constexpr (is_body_scope_v<Order>) {
    return Order::template buffer<N>();
  } else if constexpr (ctgrad::detail::is_var<N>::value) {
    return ctgrad::detail::is_par<N>::value ? "p->" + identifier(N::name) : identifier(N::name);
  } else {
    return std::string("ws->") + work_name<Order, N>();
  }
}

// Child C's entry for entry i of an elementwise result of Size entries.
template <class T, class Order, class C, std::size_t Size> std::string at(char const* i) {
  if constexpr (ctgrad::detail::is_constant<C>::value) {
    return literal(C::template value<T>());
  } else if constexpr (shape_of_t<C>::size == Size) {
    return buffer<Order, C>() + "[" + i + "]";
  } else if constexpr (shape_of_t<C>::size == 1) {
    return buffer<Order, C>() + "[0]";
  } else {
    return buffer<Order, C>() + "[" + i + " % " + std::to_string(shape_of_t<C>::size) + "]";
  }
}

inline std::string loop(std::size_t n, std::string const& body) {
  return "  for (i = 0; i < " + std::to_string(n) + "; ++i) " + body + "\n";
}

template <class T> std::string fn(char const* f) { return std::string(f) + c_type<T>::suffix; }

// a * b + c in the products' inner loops, as a fused multiply-add where the target has a fast
// one. C compilers in ISO C mode do not contract a * b + c into an FMA (gcc's -std=c99 means
// -ffp-contract=off, and gcc ignores #pragma STDC FP_CONTRACT), while C++ compilers do by
// default: the Fashion-MNIST MLP's C inference took 1.4x ctgrad's time for that (gcc 12,
// -O3 -march=native, znver3: vmulps + vaddps instead of vfmadd). FP_FAST_FMAF (math.h) says
// fmaf is a single instruction; without it, fmaf would be a slow library call.
// The dense kernels are also kept out of line (CTGRAD_NOINLINE, GNU C's noinline where the
// compiler has it): inlined into name_forward, gcc 12 lost their restrict qualifiers, copied
// the bias with memmove and stored the output row after every two products instead of
// keeping it in registers (another 1.5x; kernels/dense.hpp is outlined likewise). Measured
// with both fixes: 90 us for C, 88 us for ctgrad (CPU time, median of 5).
template <class T> std::string madd() {
  return std::is_same_v<T, float> ? "CTGRAD_MADDF" : "CTGRAD_MADD";
}
inline constexpr char const* madd_macros =
    "#ifndef CTGRAD_NOINLINE\n"
    "#ifdef __GNUC__\n#define CTGRAD_NOINLINE __attribute__((noinline))\n"
    "#else\n#define CTGRAD_NOINLINE\n#endif\n#endif\n"
    "#ifndef CTGRAD_MADDF\n"
    "#ifdef FP_FAST_FMAF\n#define CTGRAD_MADDF(a, b, c) fmaf(a, b, c)\n"
    "#else\n#define CTGRAD_MADDF(a, b, c) ((a) * (b) + (c))\n#endif\n"
    "#ifdef FP_FAST_FMA\n#define CTGRAD_MADD(a, b, c) fma(a, b, c)\n"
    "#else\n#define CTGRAD_MADD(a, b, c) ((a) * (b) + (c))\n#endif\n"
    "#endif\n\n";

// The statements computing node N into out (its buffer), children already computed.
template <class T, class Order, class N> struct c_node {
  static_assert(ctgrad::detail::always_false<N>,
                "ctgrad::codegen::c_export: this node has no C form yet (see the list at the top "
                "of codegen/c_export.hpp)");
  static std::string emit(std::string const&) { return {}; }
};

// Unary elementwise nodes: out[i] = f(z[i]).
template <class T, class Order, class N, class Z>
std::string unary(std::string const& out, std::string const& f) {
  constexpr std::size_t n = shape_of_t<N>::size;
  std::string const z = at<T, Order, Z, n>("i");
  std::string body = f;
  for (std::size_t pos; (pos = body.find('@')) != std::string::npos;) body.replace(pos, 1, z);
  return loop(n, out + "[i] = " + body + ";");
}
#define CTGRAD_C_UNARY(node_tpl, expr)                                            \
  template <class T, class Order, class Z> struct c_node<T, Order, node_tpl<Z>> { \
    static std::string emit(std::string const& out) {                             \
      return unary<T, Order, node_tpl<Z>, Z>(out, expr);                          \
    }                                                                             \
  };
CTGRAD_C_UNARY(neg_node, "-(@)")
CTGRAD_C_UNARY(relu_node, "((@) > 0 || (@) != (@) ? (@) : 0)")  // NaN propagates, as ctgrad
CTGRAD_C_UNARY(sigmoid_node, std::string("1 / (1 + ") + fn<T>("exp") + "(-(@)))")
CTGRAD_C_UNARY(tanh_node, fn<T>("tanh") + "(@)")
CTGRAD_C_UNARY(exp_node, fn<T>("exp") + "(@)")
CTGRAD_C_UNARY(log_node, fn<T>("log") + "(@)")
CTGRAD_C_UNARY(sqrt_node, fn<T>("sqrt") + "(@)")
CTGRAD_C_UNARY(abs_node, fn<T>("fabs") + "(@)")
CTGRAD_C_UNARY(step_node, "((@) > 0 ? 1 : 0)")
CTGRAD_C_UNARY(sign_node, "((@) > 0 ? 1 : (@) < 0 ? -1 : (@))")
#undef CTGRAD_C_UNARY

template <class T, class Order, class Z, class Slope>
struct c_node<T, Order, leaky_relu_node<Z, Slope>> {
  static std::string emit(std::string const& out) {
    return unary<T, Order, leaky_relu_node<Z, Slope>, Z>(
        out, "((@) > 0 ? (@) : " + literal(Slope::template value<T>()) + " * (@))");
  }
};

// Binary elementwise nodes, a trailing-dimension or scalar operand broadcast.
template <class T, class Order, class N, class A, class B>
std::string binary(std::string const& out, char op) {
  constexpr std::size_t n = shape_of_t<N>::size;
  return loop(
      n, out + "[i] = " + at<T, Order, A, n>("i") + " " + op + " " + at<T, Order, B, n>("i") + ";");
}
template <class T, class Order, class A, class B> struct c_node<T, Order, add_node<A, B>> {
  static std::string emit(std::string const& out) {
    return binary<T, Order, add_node<A, B>, A, B>(out, '+');
  }
};
// A long sum's terms side by side (ops/add_n.hpp), added left to right.
template <class T, class Order, class... Ts> struct c_node<T, Order, add_n_node<Ts...>> {
  static std::string emit(std::string const& out) {
    constexpr std::size_t n = shape_of_t<add_n_node<Ts...>>::size;
    std::string sum;
    ((sum += (sum.empty() ? "" : " + ") + at<T, Order, Ts, n>("i")), ...);
    return loop(n, out + "[i] = " + sum + ";");
  }
};
template <class T, class Order, class A, class B> struct c_node<T, Order, sub_node<A, B>> {
  static std::string emit(std::string const& out) {
    return binary<T, Order, sub_node<A, B>, A, B>(out, '-');
  }
};
template <class T, class Order, class A, class B> struct c_node<T, Order, mul_node<A, B>> {
  static std::string emit(std::string const& out) {
    return binary<T, Order, mul_node<A, B>, A, B>(out, '*');
  }
};
template <class T, class Order, class A, class B> struct c_node<T, Order, div_node<A, B>> {
  static std::string emit(std::string const& out) {
    return binary<T, Order, div_node<A, B>, A, B>(out, '/');
  }
};

template <class T, class Order, class Name, class A> struct c_node<T, Order, named_node<Name, A>> {
  static std::string emit(std::string const& out) {
    return "  /* " + std::string(Name::view()) + " */\n" +
           loop(shape_of_t<A>::size, out + "[i] = " + buffer<Order, A>() + "[i];");
  }
};

// z = x @ W + b: each output row starts from the bias and adds the row's products in k
// order (kernels/dense.hpp's loop), in a function of its own whose pointers are restrict
// parameters: with block-scope restrict pointers gcc 12 still versions the loop for
// aliasing, and the versioned loop is slower than ctgrad's own.
template <class T, class Order, class X, class W, class Bias>
struct c_node<T, Order, dense_node<X, W, Bias>> {
  using N = dense_node<X, W, Bias>;
  static std::string function_name() {
    return std::string("dense_") + c_type<T>::name + "_" + std::to_string(N::rows) + "_" +
           std::to_string(N::in) + "_" + std::to_string(N::out);
  }
  static std::string function() {
    std::string const rows = std::to_string(N::rows), in = std::to_string(N::in),
                      outs = std::to_string(N::out);
    std::string const t = c_type<T>::name;
    return "CTGRAD_NOINLINE static void " + function_name() + "(" + t + " *restrict z, const " + t +
           " *restrict x, const " + t + " *restrict w, const " + t +
           " *restrict b) {\n"
           "  long r, j, k;\n"
           "  for (r = 0; r < " +
           rows +
           "; ++r) {\n"
           "    " +
           t + " *zr = z + r * " + outs +
           ";\n"
           "    for (j = 0; j < " +
           outs +
           "; ++j) zr[j] = b[j];\n"
           "    for (k = 0; k < " +
           in +
           "; ++k) {\n"
           "      const " +
           t + " xk = x[r * " + in +
           " + k];\n"
           "      for (j = 0; j < " +
           outs + "; ++j) zr[j] = " + madd<T>() + "(xk, w[k * " + outs +
           " + j], zr[j]);\n"
           "    }\n"
           "  }\n"
           "}\n\n";
  }
  static std::string emit(std::string const& out) {
    return "  " + function_name() + "(" + out + ", " + buffer<Order, X>() + ", " +
           buffer<Order, W>() + ", " + buffer<Order, Bias>() + ");\n";
  }
};

template <class T, class Order, class A, class B, class Layout>
struct c_node<T, Order, matmul_node<A, B, Layout>> {
  static std::string emit(std::string const& out) {
    using SA = shape_of_t<A>;
    using SB = shape_of_t<B>;
    constexpr bool ta = std::is_same_v<Layout, kernels::tn>,
                   tb = std::is_same_v<Layout, kernels::nt>;
    constexpr std::size_t m = ta ? SA::dims[1] : SA::dims[0], kk = ta ? SA::dims[0] : SA::dims[1];
    constexpr std::size_t n = tb ? SB::dims[0] : SB::dims[1];
    std::string const a = buffer<Order, A>(), b = buffer<Order, B>();
    std::string const ai =
        ta ? a + "[k * " + std::to_string(m) + " + r]" : a + "[r * " + std::to_string(kk) + " + k]";
    std::string const bi =
        tb ? b + "[j * " + std::to_string(kk) + " + k]" : b + "[k * " + std::to_string(n) + " + j]";
    return "  for (r = 0; r < " + std::to_string(m) +
           "; ++r)\n"
           "    for (j = 0; j < " +
           std::to_string(n) +
           "; ++j) {\n"
           "      " +
           c_type<T>::name +
           " s = 0;\n"
           "      for (k = 0; k < " +
           std::to_string(kk) + "; ++k) s = " + madd<T>() + "(" + ai + ", " + bi +
           ", s);\n"
           "      " +
           out + "[r * " + std::to_string(n) +
           " + j] = s;\n"
           "    }\n";
  }
};

template <class T, class Order, class A> struct c_node<T, Order, transpose_node<A>> {
  static std::string emit(std::string const& out) {
    using S = shape_of_t<A>;
    std::string const rows = std::to_string(S::dims[0]), cols = std::to_string(S::dims[1]);
    return "  for (r = 0; r < " + rows + "; ++r)\n    for (j = 0; j < " + cols + "; ++j) " + out +
           "[j * " + rows + " + r] = " + buffer<Order, A>() + "[r * " + cols + " + j];\n";
  }
};

// Rows of softmax / log_softmax, the row's maximum subtracted first (as kernels/softmax.hpp).
template <class T, class Order, class Z>
std::string softmax_rows(std::string const& out, bool log) {
  using L = ctgrad::detail::rows_of<shape_of_t<Z>>;
  std::string const cols = std::to_string(L::cols), z = buffer<Order, Z>();
  std::string const t = c_type<T>::name;
  std::string s = "  for (r = 0; r < " + std::to_string(L::rows) +
                  "; ++r) {\n"
                  "    const " +
                  t + " *zr = " + z + " + r * " + cols +
                  ";\n"
                  "    " +
                  t +
                  " m = zr[0], s = 0;\n"
                  "    for (j = 1; j < " +
                  cols +
                  "; ++j) if (zr[j] > m || zr[j] != zr[j]) m = zr[j];\n"
                  "    for (j = 0; j < " +
                  cols + "; ++j) s += " + fn<T>("exp") + "(zr[j] - m);\n";
  if (log)
    s += "    for (j = 0; j < " + cols + "; ++j) " + out + "[r * " + cols +
         " + j] = zr[j] - (m + " + fn<T>("log") + "(s));\n";
  else
    s += "    for (j = 0; j < " + cols + "; ++j) " + out + "[r * " + cols +
         " + j] = " + fn<T>("exp") + "(zr[j] - m) / s;\n";
  return s + "  }\n";
}
template <class T, class Order, class Z> struct c_node<T, Order, softmax_node<Z>> {
  static std::string emit(std::string const& out) { return softmax_rows<T, Order, Z>(out, false); }
};
template <class T, class Order, class Z> struct c_node<T, Order, log_softmax_node<Z>> {
  static std::string emit(std::string const& out) { return softmax_rows<T, Order, Z>(out, true); }
};

// Text inside a C comment: "*/" would end it.
inline std::string comment(std::string s) {
  for (std::size_t pos; (pos = s.find("*/")) != std::string::npos;) s.replace(pos, 2, "* /");
  return s;
}

template <class T, class Order, class A, int N> struct c_node<T, Order, pow_node<A, N>> {
  static std::string emit(std::string const& out) {
    std::string e = N < 0 ? "1 / (" : "(";
    for (int k = 0; k < (N < 0 ? -N : N); ++k) e += (k ? " * (@)" : "(@)");
    if (N == 0) e += "1";
    return unary<T, Order, pow_node<A, N>, A>(out, e + ")");
  }
};

// Sum over leading dimensions down to the trailing shape S.
template <class T, class Order, class A, class S> struct c_node<T, Order, sum_to_node<A, S>> {
  static std::string emit(std::string const& out) {
    std::string const n = std::to_string(S::size), a = buffer<Order, A>();
    return "  for (j = 0; j < " + n + "; ++j) " + out +
           "[j] = 0;\n"
           "  for (i = 0; i < " +
           std::to_string(shape_of_t<A>::size / S::size) +
           "; ++i)\n"
           "    for (j = 0; j < " +
           n + "; ++j) " + out + "[j] += " + a + "[i * " + n + " + j];\n";
  }
};
template <class T, class Order, class A, class S> struct c_node<T, Order, broadcast_to_node<A, S>> {
  static std::string emit(std::string const& out) {
    return loop(S::size, out + "[i] = " + at<T, Order, A, S::size>("i") + ";");
  }
};

// The fused cross_entropy(softmax(z), y): mean over rows of logsumexp(z) - sum_j y_j z_j.
template <class T, class Order, class Z, class P, class Y>
struct c_node<T, Order, softmax_cross_entropy_node<Z, P, Y>> {
  static std::string emit(std::string const& out) {
    using L = ctgrad::detail::rows_of<shape_of_t<Z>>;
    std::string const cols = std::to_string(L::cols), t = c_type<T>::name;
    std::string const z = buffer<Order, Z>(), y = buffer<Order, Y>();
    return "  {\n    " + t +
           " total = 0;\n"
           "    for (r = 0; r < " +
           std::to_string(L::rows) +
           "; ++r) {\n"
           "      const " +
           t + " *zr = " + z + " + r * " + cols + ", *yr = " + y + " + r * " + cols +
           ";\n"
           "      " +
           t +
           " m = zr[0], s = 0, lse;\n"
           "      for (j = 1; j < " +
           cols +
           "; ++j) if (zr[j] > m || zr[j] != zr[j]) m = zr[j];\n"
           "      for (j = 0; j < " +
           cols + "; ++j) s += " + fn<T>("exp") +
           "(zr[j] - m);\n"
           "      lse = m + " +
           fn<T>("log") +
           "(s);\n"
           "      for (j = 0; j < " +
           cols +
           "; ++j) if (yr[j] != 0) total += yr[j] * (lse - zr[j]);\n"
           "    }\n    " +
           out + "[0] = total / " + std::to_string(L::rows) + ";\n  }\n";
  }
};

template <class N>
inline constexpr bool is_computed_v =
    !ctgrad::detail::is_var<N>::value && !ctgrad::detail::is_constant<N>::value;

// Count chunks of Chunk entries, the r-th read at Offset + r * Stride of the child (a gate's
// columns, a loop's last step or one of its states).
template <class T, class Order, class E, std::size_t Offset, std::size_t Chunk, std::size_t Stride,
          std::size_t Count, class Shape, class Name>
struct c_node<
    T, Order,
    gather_node<E, ctgrad::detail::gather_spec<Offset, Chunk, Stride, Count, Shape, Name>>> {
  static std::string emit(std::string const& out) {
    return "  for (r = 0; r < " + std::to_string(Count) + "; ++r)\n    for (j = 0; j < " +
           std::to_string(Chunk) + "; ++j) " + out + "[r * " + std::to_string(Chunk) +
           " + j] = " + buffer<Order, E>() + "[" + std::to_string(Offset) + " + r * " +
           std::to_string(Stride) + " + j];\n";
  }
};

// The pieces every program shares: the parameters' fields, the inputs' arguments, the
// workspace's arrays and the statements computing every node of Order, children first.
struct c_pieces {
  std::string fields, inputs, work, body, functions;
  std::vector<std::string> function_list;  // functions one by one, to merge without repeats
};
template <class N> inline constexpr bool is_bundle_v = false;
template <class... Es> inline constexpr bool is_bundle_v<bundle_node<Es...>> = true;
template <class T, class Order, class... Ns> c_pieces emit_nodes(type_list<Ns...>);

// A loop (scan, the recurrent layers) for inference: the states start at their initial
// values; for t = 0 ... T-1 the body runs on them and step t's inputs, its next states are
// written to row t of the loop's value and become the states.
template <class T, class Order, class Spec, class... Cs>
struct c_node<T, Order, loop_node<Spec, Cs...>> {
  using L = loop_node<Spec, Cs...>;
  static_assert(!is_body_scope_v<Order>,
                "ctgrad::codegen::c_export: a loop inside a loop's body has no C form yet");
  struct scope : body_scope<Order, L> {
    static std::string prefix() {
      return std::string("l") + std::to_string(index_of<Order, L>::value);
    }
    template <class N> static std::string buffer() {
      using sources = typename L::sources;
      if constexpr (!ctgrad::detail::is_var<N>::value) {
        return std::string("ws->") + work_name<scope, N>();
      } else {
        constexpr std::size_t at_ = index_of<sources, N>::value;
        if constexpr (at_ < L::carries) {
          return std::string("ws->") + prefix() + "_s" + std::to_string(at_);
        } else if constexpr (at_ < L::carries + L::steps) {
          using sequence = ctgrad::detail::at_t<at_, type_list<Cs...>>;
          return std::string("(") + codegen::detail::buffer<Order, sequence>() + " + t * " +
                 std::to_string(shape_of_t<N>::size) + ")";
        } else {
          return codegen::detail::buffer<Order, N>();
        }
      }
    }
  };
  using next = typename ctgrad::detail::next_states<typename L::body, typename L::carry_vars>::type;

  static c_pieces pieces() {
    c_pieces body = emit_nodes<T, scope>(typename L::body_order{});
    [&]<std::size_t... Cks>(std::index_sequence<Cks...>) {
      ((body.work +=
        "  " + std::string(c_type<T>::name) + " " + scope::prefix() + "_s" + std::to_string(Cks) +
        "[" + std::to_string(shape_of_t<ctgrad::detail::at_t<Cks, typename L::carry_vars>>::size) +
        "];\n"),
       ...);
    }
    (std::make_index_sequence<L::carries>{});
    return body;
  }
  static std::string emit(std::string const& out) {
    c_pieces const body = emit_nodes<T, scope>(typename L::body_order{});
    std::string s;
    std::string const rows = std::to_string(L::state_size);
    [&]<std::size_t... Cks>(std::index_sequence<Cks...>) {
      // Initial states.
      ((s += "  for (i = 0; i < " +
             std::to_string(shape_of_t<ctgrad::detail::at_t<Cks, type_list<Cs...>>>::size) +
             "; ++i) ws->" + scope::prefix() + "_s" + std::to_string(Cks) + "[i] = " +
             at<T, Order, ctgrad::detail::at_t<Cks, type_list<Cs...>>,
                shape_of_t<ctgrad::detail::at_t<Cks, typename L::carry_vars>>::size>("i") +
             ";\n"),
       ...);
      s += "  for (t = 0; t < " + std::to_string(L::trip) + "; ++t) {\n" + body.body;
      // The next states to row t first (they may read the states), then back to the states.
      ((s += "  for (i = 0; i < " +
             std::to_string(shape_of_t<ctgrad::detail::at_t<Cks, typename L::carry_vars>>::size) +
             "; ++i) " + out + "[t * " + rows + " + " + std::to_string(L::carry_at[Cks]) +
             " + i] = " +
             at<T, scope, ctgrad::detail::at_t<Cks, next>,
                shape_of_t<ctgrad::detail::at_t<Cks, typename L::carry_vars>>::size>("i") +
             ";\n"),
       ...);
      ((s += "  for (i = 0; i < " +
             std::to_string(shape_of_t<ctgrad::detail::at_t<Cks, typename L::carry_vars>>::size) +
             "; ++i) ws->" + scope::prefix() + "_s" + std::to_string(Cks) + "[i] = " + out +
             "[t * " + rows + " + " + std::to_string(L::carry_at[Cks]) + " + i];\n"),
       ...);
      s += "  }\n";
    }
    (std::make_index_sequence<L::carries>{});
    return s;
  }
};

// Every node of Order, children first (emit_nodes declared above).
template <class T, class Order, class... Ns> c_pieces emit_nodes(type_list<Ns...>) {
  std::string const t = c_type<T>::name;
  c_pieces c;
  bool const done[] = {([&] {
                         using N = Ns;
                         if constexpr (is_bundle_v<N>) {
                           // A loop body's next states: the loop copies its parts.
                         } else if constexpr (ctgrad::detail::is_par<N>::value) {
                           c.fields += "  " + t + " " + identifier(N::name) + "[" +
                                       std::to_string(shape_of_t<N>::size) + "]; /* " +
                                       shape_of_t<N>::to_string() + " */\n";
                         } else if constexpr (is_input_v<N>) {
                           c.inputs += ", const " + t + " *" + identifier(N::name) + " /* " +
                                       shape_of_t<N>::to_string() + " */";
                         } else if constexpr (is_computed_v<N>) {
                           c.work += "  " + t + " " + work_name<Order, N>() + "[" +
                                     std::to_string(shape_of_t<N>::size) + "];\n";
                           c.body += "  /* " + comment(to_string(N{})) + " */\n" +
                                     c_node<T, Order, N>::emit(buffer<Order, N>());
                           // A node may need a function of its own, once per name (one per
                           // distinct shape of dense layer).
                           if constexpr (detected_v<node_function_of, c_node<T, Order, N>>) {
                             std::string const f = c_node<T, Order, N>::function();
                             if (c.functions.find(f) == std::string::npos) {
                               c.functions += f;
                               c.function_list.push_back(f);
                             }
                           }
                           // A loop brings its body's arrays and functions.
                           if constexpr (detected_v<node_pieces_of, c_node<T, Order, N>>) {
                             auto const body = c_node<T, Order, N>::pieces();
                             c.work += body.work;
                             for (std::string const& f : body.function_list)
                               if (c.functions.find(f) == std::string::npos) {
                                 c.functions += f;
                                 c.function_list.push_back(f);
                               }
                           }
                         }
                         return true;
                       }())...,
                       true};
  (void)done;
  // The fields come in Order's order of parameters, which is param_set's: the initializer of
  // name_trained lists the set's tensors in that order.
  if (c.fields.empty()) c.fields = "  char unused; /* the network has no parameters */\n";
  if (c.work.empty()) c.work = "  char unused;\n";
  return c;
}

// Copies root R's value into out (a computed node, a variable or a constant).
template <class T, class Order, class R> std::string copy_out(std::string const& out) {
  constexpr std::size_t n = shape_of_t<R>::size;
  if constexpr (is_computed_v<R>) {
    return loop(n, out + "[i] = " + buffer<Order, R>() + "[i];");
  } else {
    return loop(n, out + "[i] = " + at<T, Order, R, n>("i") + ";");
  }
}

inline std::string header_start(std::string const& name, std::string const& net) {
  std::string const guard = identifier(name) + "_H";
  return "/* Generated by ctgrad::codegen::c_export: C99, no dependencies but <math.h> (link "
         "-lm).\n"
         " * The network: " +
         comment(net) + "\n */\n#ifndef " + guard + "\n#define " + guard + "\n\n";
}

inline std::string trained_values(std::string const& api, std::vector<std::string> const& values) {
  if (values.empty()) return {};
  std::string s = "const " + api + "_params " + api + "_trained = {\n";
  for (std::string const& v : values) s += "  {" + v + "},\n";
  return s + "};\n\n";
}

template <class T, class Net>
c_program generate(std::string const& name, std::vector<std::string> const& values) {
  using order = topological_order_t<Net>;
  std::string const t = c_type<T>::name, api = identifier(name);
  c_pieces const p = emit_nodes<T, order>(order{});
  c_program c{name, header_start(name, to_string(Net{})), {}};
  constexpr std::size_t out_size = shape_of_t<Net>::size;
  c.header += "typedef struct {\n" + p.fields + "} " + api + "_params;\n\n";
  c.header += "typedef struct {\n" + p.work + "} " + api + "_workspace;\n\n";
  c.header += "#define " + api + "_OUTPUT_SIZE " + std::to_string(out_size) + " /* " +
              shape_of_t<Net>::to_string() + " */\n\n";
  if (!values.empty()) c.header += "extern const " + api + "_params " + api + "_trained;\n\n";
  std::string const signature = "void " + api + "_forward(const " + api + "_params *p, " + api +
                                "_workspace *ws" + p.inputs + ", " + t + " *out /* " +
                                shape_of_t<Net>::to_string() + " */)";
  c.header +=
      "/* The network's output for the given inputs; ws holds every intermediate value. */\n" +
      signature + ";\n\n#endif\n";
  c.source = "/* Generated by ctgrad::codegen::c_export. */\n#include \"" + name +
             ".h\"\n#include <math.h>\n\n" + madd_macros + trained_values(api, values) +
             p.functions + signature + " {\n  long i, r, j, k, t;\n" + p.body +
             copy_out<T, order, Net>("out") +
             "  (void)p; (void)ws; (void)i; (void)r; (void)j; (void)k; (void)t;\n}\n";
  return c;
}

// The loss, its gradient with respect to every parameter (derived by d, sharing nodes) and
// an SGD step.
template <class T, class Loss, class... Ps>
c_program generate_training(type_list<Ps...>, std::string const& name,
                            std::vector<std::string> const& values) {
  using order = topological_order_t<Loss, decltype(d(Loss{}, Ps{}))...>;
  std::string const t = c_type<T>::name, api = identifier(name);
  c_pieces const p = emit_nodes<T, order>(order{});
  c_program c{name, header_start(name, to_string(Loss{})), {}};
  c.header += "typedef struct {\n" + p.fields + "} " + api + "_params;\n\n";
  c.header += "typedef struct {\n" + p.work + "} " + api + "_workspace;\n\n";
  if (!values.empty()) c.header += "extern const " + api + "_params " + api + "_trained;\n\n";
  std::string const grad_sig = t + " " + api + "_loss_grad(const " + api + "_params *p, " + api +
                               "_workspace *ws" + p.inputs + ", " + api + "_params *g)";
  std::string const step_sig =
      "void " + api + "_sgd_step(" + api + "_params *p, const " + api + "_params *g, " + t + " lr)";
  c.header +=
      "/* The loss for the given inputs, and its gradient with respect to each parameter in g. "
      "*/\n" +
      grad_sig + ";\n/* p := p - lr * g */\n" + step_sig + ";\n\n#endif\n";
  std::string grads, step;
  bool const done[] = {
      (grads += "  /* dL/d" + std::string(Ps::name) + " */\n" +
                copy_out<T, order, decltype(d(Loss{}, Ps{}))>("g->" + identifier(Ps::name)),
       step += loop(shape_of_t<Ps>::size, "p->" + identifier(Ps::name) + "[i] -= lr * g->" +
                                              identifier(Ps::name) + "[i];"),
       true)...,
      true};
  (void)done;
  c.source = "/* Generated by ctgrad::codegen::c_export_training. */\n#include \"" + name +
             ".h\"\n#include <math.h>\n\n" + madd_macros + trained_values(api, values) +
             p.functions + grad_sig + " {\n  long i, r, j, k;\n" + p.body + grads +
             "  (void)p; (void)ws; (void)i; (void)r; (void)j; (void)k;\n  return " +
             (is_computed_v<Loss> ? buffer<order, Loss>() + "[0]" : std::string("0")) + ";\n}\n\n" +
             step_sig + " {\n  long i;\n" + step + "  (void)p; (void)g; (void)lr; (void)i;\n}\n";
  return c;
}

template <class T, class... Vars>
std::vector<std::string> values_of(var_set<T, Vars...> const& params) {
  std::vector<std::string> values;
  params.for_each([&](auto, auto const& tensor) {
    std::string v;
    for (std::size_t i = 0; i < tensor.size; ++i) v += (i ? ", " : "") + literal(tensor.data[i]);
    values.push_back(v);
  });
  return values;
}

}  // namespace detail

/// C99 source for net's forward pass in element type T (float or double), its functions and
/// types prefixed with name.   auto c = ctgrad::codegen::c_export<float>(net, "mnist");
template <class T, Expression Net> c_program c_export(Net, std::string const& name) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "ctgrad::codegen::c_export<T>: T must be float or double");
  return detail::generate<T, Net>(name, {});
}

/// c_export with the parameters' values as name_trained.   c_export(net, "mnist", params)
template <Expression Net, class T, class... Vars>
c_program c_export(Net, std::string const& name, var_set<T, Vars...> const& params) {
  if constexpr (!std::is_same_v<var_set<T, Vars...>, param_set<T, Net>>) {
    static_assert(std::is_same_v<var_set<T, Vars...>, param_set<T, Net>>,
                  "ctgrad::codegen::c_export(net, name, params): params must be the network's "
                  "parameter set (ctgrad::params<T>(net))");
    return {};
  } else {
    return detail::generate<T, Net>(name, detail::values_of(params));
  }
}

/// C99 source for training: name_loss_grad(p, ws, inputs..., g) returns the loss and writes
/// its gradient with respect to every parameter into g (derived at compile time by d, the
/// nodes shared); name_sgd_step(p, g, lr) does p -= lr * g.  Values as name_trained.
///   auto c = ctgrad::codegen::c_export_training(loss, "mnist_train", params);
template <Expression Loss, class T, class... Vars>
c_program c_export_training(Loss, std::string const& name, var_set<T, Vars...> const& params) {
  if constexpr (shape_of_t<Loss>::rank != 0) {
    static_assert(shape_of_t<Loss>::rank == 0,
                  "ctgrad::codegen::c_export_training: the loss must be a scalar");
    return {};  // nothing more is instantiated: one error, not a cascade
  } else if constexpr (!std::is_same_v<var_set<T, Vars...>, param_set<T, Loss>>) {
    static_assert(std::is_same_v<var_set<T, Vars...>, param_set<T, Loss>>,
                  "ctgrad::codegen::c_export_training(loss, name, params): params must be the "
                  "loss's parameter set (ctgrad::params<T>(loss))");
    return {};
  } else {
    return detail::generate_training<T, Loss>(params_of_t<Loss>{}, name, detail::values_of(params));
  }
}

}  // namespace ctgrad::codegen
