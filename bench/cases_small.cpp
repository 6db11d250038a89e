// SPDX-License-Identifier: BSL-1.0
// The small cases: 4-8-2 (ReLU, softmax cross-entropy; float and double) and 2-16-16-1
// (sigmoid, MSE).
#include "mlp_case.hpp"

namespace bench {
namespace {
using namespace ctgrad;
namespace hw = handwritten;

template <class T> struct mlp_4_8_2 {
  static constexpr auto X = input<"X", 1, 4>;
  static constexpr auto Y = input<"Y", 1, 2>;
  static constexpr auto W1 = param<"W1", 4, 8>;
  static constexpr auto b1 = param<"b1", 8>;
  static constexpr auto W2 = param<"W2", 8, 2>;
  static constexpr auto b2 = param<"b2", 2>;
  static constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);
  static constexpr std::tuple Ws{W1, W2};
  static constexpr std::tuple bs{b1, b2};
  using reference = hw::mlp<T, 1, hw::act::relu, hw::loss::softmax_cross_entropy, 4, 8, 2>;
};

struct mlp_2_16_16_1 {
  static constexpr auto X = input<"X", 1, 2>;
  static constexpr auto Y = input<"Y", 1, 1>;
  static constexpr auto W1 = param<"W1", 2, 16>;
  static constexpr auto b1 = param<"b1", 16>;
  static constexpr auto W2 = param<"W2", 16, 16>;
  static constexpr auto b2 = param<"b2", 16>;
  static constexpr auto W3 = param<"W3", 16, 1>;
  static constexpr auto b3 = param<"b3", 1>;
  static constexpr auto loss =
      mse(dense(sigmoid(dense(sigmoid(dense(X, W1, b1)), W2, b2)), W3, b3), Y);
  static constexpr std::tuple Ws{W1, W2, W3};
  static constexpr std::tuple bs{b1, b2, b3};
  using reference = hw::mlp<float, 1, hw::act::sigmoid, hw::loss::mse, 2, 16, 16, 1>;
};
}  // namespace

void add_small_cases(std::vector<case_entry>& cases) {
  add_case<mlp_4_8_2<float>>(cases, "mlp_4_8_2_b1", true);
  add_case<mlp_4_8_2<double>>(cases, "mlp_4_8_2_b1_f64", true);
  add_case<mlp_2_16_16_1>(cases, "mlp_2_16_16_1_b1", false);
}

}  // namespace bench
