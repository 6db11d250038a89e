// SPDX-License-Identifier: BSL-1.0
// The code of docs/guides/embedding.md, compiled and run by CTest (docs.snippet.embed_train):
// a fixed-architecture 2-16-2 classifier from its definition to a saved model and inference
// at batch 1. Exits 1 unless training reaches 95% and the reloaded model answers as trained.
//! [includes]
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/params_file.hpp>  // io::save, io::load: not in the umbrella header
#include <ctgrad/train/fit.hpp>       // train::fit: not in the umbrella header
//! [includes]

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

using namespace ctgrad;

//! [define]
// The architecture is a type: a batch of 32 rows of 2 features, one-hot targets of 2 classes.
constexpr auto X = input<"X", 32, 2>;
constexpr auto Y = input<"Y", 32, 2>;
constexpr auto logits = sequential(X, layer::dense<16>, layer::tanh, layer::dense<2>);
constexpr auto loss = cross_entropy(softmax(logits), Y);  // fused: gradient (p - y) / B
using params_t = param_set<float, std::remove_cv_t<decltype(loss)>>;  // W1 b1 W2 b2
//! [define]

int main() {
  //! [data]
  // Samples row after row: x is n x 2, y is n x 2 (one-hot). Class 1 inside the circle.
  std::size_t const n = 1024;
  std::vector<float> x(n * 2), y(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    float const a = std::sin(0.37f * static_cast<float>(i)) * 1.5f;
    float const b = std::cos(0.91f * static_cast<float>(i)) * 1.5f;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[2 * i + (a * a + b * b < 1.0f ? 1 : 0)] = 1.0f;
  }
  //! [data]

  //! [train]
  params_t params{};
  init::apply(params, 7, init::xavier_normal_rule{});  // weights from a seed, biases 0
  optim::adam<params_t> opt({.lr = 0.02f});
  auto const history = train::fit(train::classifier(X, Y, loss, logits), params, opt,
                                  train::samples<float>{x, y},
                                  {.epochs = 30, .show = train::progress::none});
  std::printf("after %zu epochs: loss %.4f, accuracy %.1f%%\n", history.size(),
              history.back().loss, 100.0 * history.back().accuracy);
  //! [train]

  //! [save]
  auto const path = (std::filesystem::temp_directory_path() / "ctgrad_embed.ctgrad").string();
  io::save(params, path, to_string(logits));  // names, shapes, values and the architecture
  params_t loaded{};
  io::load(loaded, path, to_string(logits));  // throws io::error naming the file if it differs
  //! [save]

  //! [infer]
  // The same net at batch 1 shares the parameter set's type: infer one sample at a time.
  constexpr auto one = rebatch<1>(logits);
  tensor<float, shape<1, 2>> sample{};
  sample(0, 0) = 0.1f;  // inside the circle: class 1
  sample(0, 1) = -0.2f;
  auto const out = eval(one, loaded, input<"X", 1, 2> = sample);
  int const answer = out(0, 1) > out(0, 0) ? 1 : 0;
  std::printf("(0.1, -0.2) is class %d\n", answer);
  //! [infer]

  std::filesystem::remove(path);
  bool const same = eval(one, params, input<"X", 1, 2> = sample)(0, 1) == out(0, 1);
  return history.back().accuracy >= 0.95 && answer == 1 && same ? 0 : 1;
}
