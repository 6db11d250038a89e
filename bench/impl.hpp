// SPDX-License-Identifier: BSL-1.0
// The benchmark's view of an implementation that lives outside ctgrad's type system
// (libtorch, ADOL-C): a network described by plain numbers, built once, then asked for one
// gradient at a time. Each is compiled in its own translation unit, with its own headers
// and flags, and reached only through this interface.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace bench {

enum class activation { relu, sigmoid, tanh };
enum class loss_kind { softmax_cross_entropy, mse };

/// An MLP and the values it is evaluated at, in ctgrad's layout: W[l] is sizes[l] x
/// sizes[l+1] row-major (z = a @ W + b), x is batch x sizes[0], y batch x sizes.back().
/// With residual, every hidden layer after the first adds its input: a = a + act(a @ W + b)
/// (so those layers are square).
struct mlp_spec {
  std::vector<std::size_t> sizes;
  std::size_t batch = 1;
  activation act = activation::relu;
  loss_kind loss = loss_kind::softmax_cross_entropy;
  bool residual = false;
  std::vector<std::vector<float>> W, b;
  std::vector<float> x, y;
};

/// One way of computing the gradient of the spec's loss with respect to every W and b.
class gradient_impl {
 public:
  virtual ~gradient_impl() = default;
  /// Called before the check and before each timing run, outside the timed loop: puts the
  /// implementation in the state a program that differentiates only this network would have
  /// (ADOL-C: a location store of this network's size, see impl_adolc.cpp).
  virtual void prepare() {}
  /// One full gradient (forward and reverse); returns the loss.
  virtual float gradient() = 0;
  /// The last gradient, in the spec's layout.
  virtual void read(std::vector<std::vector<float>>& dW, std::vector<std::vector<float>>& db) = 0;
};

/// The lesson's chain rule, L = sin(x^2)^2 (examples/chain_rule.cpp), at a fixed x.
class chain_rule_impl {
 public:
  virtual ~chain_rule_impl() = default;
  virtual void prepare() {}
  /// L and dL/dx (forward and reverse); returns L.
  virtual double gradient() = 0;
  /// dL/dx of the last gradient().
  virtual double derivative() const = 0;
};

// Defined by impl_torch.cpp and impl_adolc.cpp (and the two below), which bench/CMakeLists.txt
// builds (and then defines CTGRAD_BENCH_TORCH, CTGRAD_BENCH_ADOLC) only when it finds the library.
std::unique_ptr<gradient_impl> make_libtorch(mlp_spec const& spec);
std::unique_ptr<gradient_impl> make_adolc(mlp_spec const& spec, bool reuse_tape);
/// dlib's DNN (impl_dlib.cpp, CTGRAD_BENCH_DLIB) and FANN (impl_fann.cpp, CTGRAD_BENCH_FANN);
/// nullptr for a network the library cannot express (then the case runs without it).
std::unique_ptr<gradient_impl> make_dlib(mlp_spec const& spec);
std::unique_ptr<gradient_impl> make_fann(mlp_spec const& spec);
/// libtorch in float, or in double with f64.
std::unique_ptr<chain_rule_impl> make_libtorch_chain_rule(double x, bool f64);
std::unique_ptr<chain_rule_impl> make_adolc_chain_rule(double x, bool reuse_tape);

}  // namespace bench
