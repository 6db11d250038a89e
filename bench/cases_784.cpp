// SPDX-License-Identifier: BSL-1.0
// 784-128-10 (MNIST-sized), ReLU, softmax cross-entropy, batch 1 and 32; 784-256-128-10 at
// batch 64.
#include "mlp_case.hpp"

namespace bench {
namespace {
using namespace ctgrad;
namespace hw = handwritten;

template <std::size_t B> struct mlp_784_128_10 {
  static constexpr auto X = input<"X", B, 784>;
  static constexpr auto Y = input<"Y", B, 10>;
  static constexpr auto W1 = param<"W1", 784, 128>;
  static constexpr auto b1 = param<"b1", 128>;
  static constexpr auto W2 = param<"W2", 128, 10>;
  static constexpr auto b2 = param<"b2", 10>;
  static constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);
  static constexpr std::tuple Ws{W1, W2};
  static constexpr std::tuple bs{b1, b2};
  using reference = hw::mlp<float, B, hw::act::relu, hw::loss::softmax_cross_entropy, 784, 128, 10>;
};

// 784-256-128-10 at batch 64 (64.5 MFLOP per gradient), the larger GEMM-class case of issue 20
// and issue 16's deeper MNIST-sized net (two hidden layers, 235 146 parameters).
template <std::size_t B> struct mlp_784_256_128_10 {
  static constexpr auto X = input<"X", B, 784>;
  static constexpr auto Y = input<"Y", B, 10>;
  static constexpr auto W1 = param<"W1", 784, 256>;
  static constexpr auto b1 = param<"b1", 256>;
  static constexpr auto W2 = param<"W2", 256, 128>;
  static constexpr auto b2 = param<"b2", 128>;
  static constexpr auto W3 = param<"W3", 128, 10>;
  static constexpr auto b3 = param<"b3", 10>;
  static constexpr auto loss =
      cross_entropy(softmax(dense(relu(dense(relu(dense(X, W1, b1)), W2, b2)), W3, b3)), Y);
  static constexpr std::tuple Ws{W1, W2, W3};
  static constexpr std::tuple bs{b1, b2, b3};
  using reference =
      hw::mlp<float, B, hw::act::relu, hw::loss::softmax_cross_entropy, 784, 256, 128, 10>;
};
}  // namespace

void add_784_cases(std::vector<case_entry>& cases) {
  add_case<mlp_784_128_10<1>>(cases, "mlp_784_128_10_b1", true);
  add_case<mlp_784_128_10<32>>(cases, "mlp_784_128_10_b32", true);
  add_case<mlp_784_256_128_10<64>>(cases, "mlp_784_256_128_10_b64", true);
}

}  // namespace bench
