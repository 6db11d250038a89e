// SPDX-License-Identifier: BSL-1.0
// A deep narrow net (issue 16): 32 inputs, twelve hidden layers of 32 (ReLU), 4 outputs,
// softmax cross-entropy, batch 8. Thirteen small products per pass: what a compile-time
// gradient should do best, and where any per-layer overhead shows.
#include "mlp_case.hpp"

namespace bench {
namespace {
using namespace ctgrad;
namespace hw = handwritten;

struct mlp_deep_32x12 {
  static constexpr auto X = input<"X", 8, 32>;
  static constexpr auto Y = input<"Y", 8, 4>;
  static constexpr auto W1 = param<"W1", 32, 32>;
  static constexpr auto b1 = param<"b1", 32>;
  static constexpr auto W2 = param<"W2", 32, 32>;
  static constexpr auto b2 = param<"b2", 32>;
  static constexpr auto W3 = param<"W3", 32, 32>;
  static constexpr auto b3 = param<"b3", 32>;
  static constexpr auto W4 = param<"W4", 32, 32>;
  static constexpr auto b4 = param<"b4", 32>;
  static constexpr auto W5 = param<"W5", 32, 32>;
  static constexpr auto b5 = param<"b5", 32>;
  static constexpr auto W6 = param<"W6", 32, 32>;
  static constexpr auto b6 = param<"b6", 32>;
  static constexpr auto W7 = param<"W7", 32, 32>;
  static constexpr auto b7 = param<"b7", 32>;
  static constexpr auto W8 = param<"W8", 32, 32>;
  static constexpr auto b8 = param<"b8", 32>;
  static constexpr auto W9 = param<"W9", 32, 32>;
  static constexpr auto b9 = param<"b9", 32>;
  static constexpr auto W10 = param<"W10", 32, 32>;
  static constexpr auto b10 = param<"b10", 32>;
  static constexpr auto W11 = param<"W11", 32, 32>;
  static constexpr auto b11 = param<"b11", 32>;
  static constexpr auto W12 = param<"W12", 32, 32>;
  static constexpr auto b12 = param<"b12", 32>;
  static constexpr auto W13 = param<"W13", 32, 4>;
  static constexpr auto b13 = param<"b13", 4>;
  // relu(dense(... relu(dense(X, W1, b1)) ..., W12, b12)), then dense(., W13, b13)
  static constexpr auto loss = cross_entropy(
      softmax(dense(
          relu(dense(
              relu(dense(
                  relu(dense(
                      relu(dense(
                          relu(dense(
                              relu(dense(
                                  relu(dense(
                                      relu(dense(
                                          relu(dense(relu(dense(relu(dense(relu(dense(X, W1, b1)),
                                                                           W2, b2)),
                                                                W3, b3)),
                                                     W4, b4)),
                                          W5, b5)),
                                      W6, b6)),
                                  W7, b7)),
                              W8, b8)),
                          W9, b9)),
                      W10, b10)),
                  W11, b11)),
              W12, b12)),
          W13, b13)),
      Y);
  static constexpr std::tuple Ws{W1, W2, W3, W4, W5, W6, W7, W8, W9, W10, W11, W12, W13};
  static constexpr std::tuple bs{b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13};
  using reference = hw::mlp<float, 8, hw::act::relu, hw::loss::softmax_cross_entropy, 32, 32, 32,
                            32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 4>;
};
}  // namespace

void add_deep_cases(std::vector<case_entry>& cases) {
  add_case<mlp_deep_32x12>(cases, "mlp_deep_32x12_b8", true);
}

}  // namespace bench
