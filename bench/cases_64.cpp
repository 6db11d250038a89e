// SPDX-License-Identifier: BSL-1.0
// 64-64-64-10, ReLU, softmax cross-entropy, batch 1 and 32.
#include "mlp_case.hpp"

namespace bench {
namespace {
using namespace ctgrad;
namespace hw = handwritten;

template <std::size_t B> struct mlp_64_64_64_10 {
  static constexpr auto X = input<"X", B, 64>;
  static constexpr auto Y = input<"Y", B, 10>;
  static constexpr auto W1 = param<"W1", 64, 64>;
  static constexpr auto b1 = param<"b1", 64>;
  static constexpr auto W2 = param<"W2", 64, 64>;
  static constexpr auto b2 = param<"b2", 64>;
  static constexpr auto W3 = param<"W3", 64, 10>;
  static constexpr auto b3 = param<"b3", 10>;
  static constexpr auto loss =
      cross_entropy(softmax(dense(relu(dense(relu(dense(X, W1, b1)), W2, b2)), W3, b3)), Y);
  static constexpr std::tuple Ws{W1, W2, W3};
  static constexpr std::tuple bs{b1, b2, b3};
  using reference =
      hw::mlp<float, B, hw::act::relu, hw::loss::softmax_cross_entropy, 64, 64, 64, 10>;
};
}  // namespace

void add_64_cases(std::vector<case_entry>& cases) {
  add_case<mlp_64_64_64_10<1>>(cases, "mlp_64_64_64_10_b1", true);
  add_case<mlp_64_64_64_10<32>>(cases, "mlp_64_64_64_10_b32", true);
}

}  // namespace bench
