// SPDX-License-Identifier: BSL-1.0
// The main demo: a 784-128-10 MLP trained on Fashion-MNIST with ctgrad's compile-time
// gradient; with --model gru, a GRU (hidden 64) reading each image as a sequence of 28 rows
// of 28 pixels, then a dense layer on its last state (row-sequential Fashion-MNIST). Per epoch it
// prints the training loss, the test accuracy, the time and the samples per second, and it writes
// the curves (CSV, and a PNG when gnuplot is installed).
//   fashion_mnist --data /path/to/uncompressed/idx/files --epochs 10
//   fashion_mnist --synthetic            (no dataset: a generated 10-class task)
// The loop is train::fit: a fresh seeded shuffle each epoch, mini-batches of 32, the last
// partial batch dropped (60000 = 1875 * 32, so with Fashion-MNIST nothing is), and the test
// set evaluated after every epoch as the validation set.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/idx.hpp>
#include <ctgrad/train/fit.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include "fashion_mnist_data.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace ctgrad;

namespace {

using demo::classes;
using demo::dataset;
using demo::pixels;
constexpr std::size_t batch = 32;

constexpr auto X = input<"X", batch, pixels>;
constexpr auto Y = input<"Y", batch, classes>;
constexpr auto logits = sequential(X, layer::dense<128>, layer::relu, layer::dense<classes>);
constexpr auto loss = cross_entropy(softmax(logits), Y);

// Row-sequential: [32, 784] -> 28 steps of [32, 28] -> GRU 64 -> its last state -> dense 10.
constexpr auto gru_logits = sequential(X, layer::as_sequence<28>, layer::gru<64, "gru.">,
                                       layer::last_step, layer::dense<classes>);
constexpr auto gru_loss = cross_entropy(softmax(gru_logits), Y);

}  // namespace

struct run_options {
  int epochs;
  float lr;
  unsigned seed;
};

template <class Loss, class Logits>
std::vector<train::epoch_stats> train_model(Loss, Logits, dataset const& train_set,
                                            dataset const& test_set, run_options const& o,
                                            demo::curves_file& curves) {
  using params_t = param_set<float, Loss>;
  auto ps = std::make_unique<params_t>();
  init::apply(*ps, o.seed, init::he_normal_rule{});
  // Recurrent weights and biases as PyTorch starts them: uniform in +-1/sqrt(hidden).
  init::rng r{o.seed + 1};
  ps->for_each([&](auto var, auto& t) {
    if (std::string_view(var.name).starts_with("gru.")) init::uniform(t, r, -0.125, 0.125);
  });
  auto opt = std::make_unique<optim::adam<params_t>>(optim::adam_options<float>{.lr = o.lr});

  // The learning rate follows a half cosine from lr down to lr/20 over the run: the late,
  // small steps settle the test accuracy (set for the next epoch as each one ends).
  optim::cosine_lr<float> const schedule{.base = o.lr, .period = o.epochs, .min = o.lr / 20};

  std::cout << "after each epoch, val = the " << test_set.size() << " test samples\n";
  return train::fit(train::classifier(X, Y, Loss{}, Logits{}), *ps, *opt, train_set.view(),
                    {.epochs = static_cast<std::size_t>(o.epochs),
                     .seed = o.seed,
                     .validation = test_set.view(),
                     .on_epoch = [&](train::epoch_stats const& s) {
                       opt->lr() = schedule(static_cast<long>(s.epoch));
                       curves.add(s);
                     }});
}

int main(int argc, char** argv) {
  CLI::App app{"Train a 784-128-10 MLP (or a GRU over the rows) on Fashion-MNIST with ctgrad."};
  std::string data_dir, out_prefix = "fashion_mnist", model = "mlp";
  int epochs = 0;
  float lr = 0;
  unsigned seed = 1;
  bool use_synthetic = false;
  std::size_t limit = 0;
  app.add_option("--model", model, "mlp (784-128-10) or gru (GRU 64 over the 28 rows)")
      ->check(CLI::IsMember({"mlp", "gru"}));
  app.add_option("--data", data_dir, "directory with the four uncompressed IDX files");
  app.add_flag("--synthetic", use_synthetic, "train on a generated 10-class task instead");
  app.add_option("--epochs", epochs, "passes over the training set (mlp 10, gru 8)")
      ->check(demo::whole_number(1));
  app.add_option("--lr", lr, "Adam learning rate (mlp 1e-3, gru 2e-3)")
      ->check(demo::positive_number());
  app.add_option("--seed", seed, "seed of the initialisation and the shuffles")
      ->check(demo::whole_number(0, 4294967295));
  app.add_option("--limit", limit, "use only the first N training and test samples (0: all)")
      ->check(demo::whole_number(0));
  app.add_option("--out", out_prefix, "prefix of the curve files (.csv, and .png with gnuplot)");
  bool check_only = false;
  app.add_flag("--check-options", check_only, "check the options and exit (for scripts/demo)");
  CLI11_PARSE(app, argc, argv);

  if (use_synthetic && !data_dir.empty()) {
    std::cerr << "fashion_mnist: --synthetic and --data exclude each other\n";
    return 2;
  }
  if (check_only) return 0;
  dataset train_set, test_set;
  std::string const data_name =
      use_synthetic || data_dir.empty() ? demo::synthetic_name : "Fashion-MNIST";
  try {
    if (use_synthetic || data_dir.empty()) {
      if (!use_synthetic)
        std::cout << "no --data given: training on a synthetic 10-class task instead\n";
      train_set = demo::synthetic(12000, seed);
      test_set = demo::synthetic(2000, seed + 1);
    } else {
      train_set =
          demo::load(data_dir + "/train-images-idx3-ubyte", data_dir + "/train-labels-idx1-ubyte");
      test_set =
          demo::load(data_dir + "/t10k-images-idx3-ubyte", data_dir + "/t10k-labels-idx1-ubyte");
    }
  } catch (io::error const& e) {
    std::cerr << "fashion_mnist: " << e.what() << "\n";
    return 1;
  }
  if (limit) {
    demo::limit(train_set, limit);
    demo::limit(test_set, limit);
  }
  bool const gru = model == "gru";
  if (epochs == 0) epochs = gru ? 8 : 10;
  if (lr == 0) lr = gru ? 2e-3f : 1e-3f;
  std::string const model_name =
      gru ? "GRU 64 over 28 rows of 28 pixels, dense 10" : "784-128-10 MLP";
  std::cout << "data " << data_name << "; model " << model_name << "; training samples "
            << train_set.size() << ", test samples " << test_set.size() << ", batch " << batch
            << ", Adam lr " << lr << " (cosine to " << lr / 20 << ")\n";
  run_options const o{epochs, lr, seed};
  std::vector<train::epoch_stats> history;
  demo::curves_file curves(out_prefix);
  try {
    history = gru ? train_model(gru_loss, gru_logits, train_set, test_set, o, curves)
                  : train_model(loss, logits, train_set, test_set, o, curves);
  } catch (train::diverged const& e) {
    std::cerr << "fashion_mnist: " << e.what() << "\n"
              << "fashion_mnist: learning rate too high? try --lr " << (gru ? "0.002" : "0.001")
              << " (the default) or lower\n";
    curves.keep_failed();
    return 1;
  } catch (std::exception const& e) {
    std::cerr << "fashion_mnist: " << e.what() << "\n";
    curves.keep_failed();
    return 1;
  }
  if (!curves.commit()) return 1;
  double const final_accuracy = history.back().val_accuracy;

  demo::plot_curves(out_prefix, data_name + ", " + model_name);
  std::printf("final test accuracy %.2f%%\n", 100.0 * final_accuracy);
  return 0;
}
