// SPDX-License-Identifier: BSL-1.0
// The lesson's exercise 3: a 4-8-2 MLP with random weights. Print the backward program the
// compiler derived, then check the gradient against central differences, in float and in
// double.
#include <ctgrad/ctgrad.hpp>

#include "no_options.hpp"

#include <iostream>
#include <random>

using namespace ctgrad;

constexpr std::size_t batch = 5;
constexpr auto X = input<"X", batch, 4>;
constexpr auto Y = input<"Y", batch, 2>;
constexpr auto W1 = param<"W1", 4, 8>;
constexpr auto b1 = param<"b1", 8>;
constexpr auto W2 = param<"W2", 8, 2>;
constexpr auto b2 = param<"b2", 2>;
constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);

template <class T> bool check_in(unsigned seed, double tolerance) {
  std::mt19937 rng(seed);
  std::normal_distribution<T> normal(0, 1);
  auto ps = params<T>(loss);
  ps.for_each([&](auto, auto& t) {
    for (auto& v : t) v = normal(rng);
  });
  tensor<T, shape<batch, 4>> x;
  for (auto& v : x) v = normal(rng);
  tensor<T, shape<batch, 2>> y{};
  for (std::size_t r = 0; r < batch; ++r) y(r, rng() % 2) = 1;

  auto const report = check::gradcheck(loss, ps, X = x, Y = y);
  std::cout << (sizeof(T) == 4 ? "float:  " : "double: ") << report << '\n'
            << "        relative error < " << tolerance << ": "
            << (report.ok(tolerance) ? "yes" : "NO") << '\n';
  return report.ok(tolerance);
}

int main(int argc, char** argv) {
  demo::no_options(argc, argv,
                   "The lesson's exercise 3: the backward program ctgrad derives for a 4-8-2 MLP\n"
                   "(ReLU, softmax + cross-entropy), and its gradient against central\n"
                   "differences in float and in double; exits non-zero if they disagree.");
  std::cout << "4-8-2 MLP, batch " << batch << ", ReLU, softmax + cross-entropy\n\n"
            << "Backward program derived at compile time:\n"
            << explain(loss) << '\n';
  bool const ok = check_in<float>(1, 1e-5) && check_in<double>(2, 1e-7);
  return ok ? 0 : 1;
}
