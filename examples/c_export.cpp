// SPDX-License-Identifier: BSL-1.0
// The Fashion-MNIST MLP (784-128-10) exported as C99: trained here with train::fit, written
// as C by codegen::c_export, compiled with the C compiler (-std=c99 -Wall -Wextra -Werror
// -pedantic), and run on the test set by a small C driver. Both count the correct
// predictions and time inference over the whole test set in batches of 32 (processor time,
// std::clock on both sides, best of --repeat runs); the accuracies must be equal.
//   c_export --data /path/to/uncompressed/idx/files --epochs 2 --out c_export_out
//   c_export --synthetic                   (no dataset: a generated 10-class task)
#include <ctgrad/codegen/c_export.hpp>
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/idx.hpp>
#include <ctgrad/train/fit.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace ctgrad;

namespace {

constexpr std::size_t batch = 32, pixels = 784, classes = 10;

constexpr auto X = input<"X", batch, pixels>;
constexpr auto Y = input<"Y", batch, classes>;
constexpr auto logits = sequential(X, layer::dense<128>, layer::relu, layer::dense<classes>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
using params_t = param_set<float, std::remove_cv_t<decltype(loss)>>;

struct dataset {
  std::vector<float> images;   // n * 784, in [0, 1]
  std::vector<float> targets;  // n * 10, one-hot
  std::vector<unsigned char> labels;
  std::size_t size() const { return labels.size(); }
  train::samples<float> view() const { return {images, targets}; }
};

dataset from_labels(std::vector<float> images, std::vector<unsigned char> labels) {
  dataset d{std::move(images), std::vector<float>(labels.size() * classes, 0.0f),
            std::move(labels)};
  for (std::size_t i = 0; i < d.labels.size(); ++i) d.targets[i * classes + d.labels[i]] = 1.0f;
  return d;
}

dataset load(std::string const& images, std::string const& labels) {
  auto const im = io::read_idx(images, {28, 28});
  auto const lb = io::read_idx(labels, {});
  std::vector<float> x(im.data.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = im.data[i] / 255.0f;
  for (unsigned char l : lb.data)
    if (l >= classes) throw io::error(labels + ": label " + std::to_string(l) + " is not below 10");
  return from_labels(std::move(x), std::vector<unsigned char>(lb.data.begin(), lb.data.end()));
}

// Ten classes of noisy prototype images, for machines without the dataset.
dataset synthetic(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed), prng(7);
  std::normal_distribution<float> noise(0.0f, 0.35f);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> proto(classes * pixels);
  for (auto& p : proto) p = u(prng);
  std::vector<float> x(n * pixels);
  std::vector<unsigned char> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = static_cast<unsigned char>(i % classes);
    for (std::size_t p = 0; p < pixels; ++p)
      x[i * pixels + p] = std::clamp(proto[labels[i] * pixels + p] + noise(rng), 0.0f, 1.0f);
  }
  return from_labels(std::move(x), std::move(labels));
}

// The C side: reads the test set, runs name_forward over batches of 32 (the last one padded
// with zeros), counts correct arg-maxes, and times the whole pass (best of its repeat count).
char const* const driver = R"(#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "fmnist.h"

static fmnist_workspace ws;
static float x[32 * 784], out[32 * 10];

int main(int argc, char **argv) {
  FILE *f;
  unsigned long n, i, b, r, rep, repeat, correct = 0;
  float *images;
  unsigned char *labels;
  double best = 1e300;
  if (argc != 3) return 2;
  repeat = strtoul(argv[2], 0, 10);
  f = fopen(argv[1], "rb");
  if (!f || fread(&n, sizeof n, 1, f) != 1) return 3;
  images = malloc(n * 784 * sizeof *images);
  labels = malloc(n);
  if (!images || !labels || fread(images, sizeof *images, n * 784, f) != n * 784 || fread(labels, 1, n, f) != n) return 4;
  fclose(f);
  for (rep = 0; rep < repeat; ++rep) {
    clock_t start = clock();
    double seconds;
    correct = 0;
    for (b = 0; b < n; b += 32) {
      for (i = 0; i < 32 * 784; ++i) x[i] = b * 784 + i < n * 784 ? images[b * 784 + i] : 0.0f;
      fmnist_forward(&fmnist_trained, &ws, x, out);
      for (r = 0; r < 32 && b + r < n; ++r) {
        unsigned long k, best_k = 0;
        for (k = 1; k < 10; ++k) if (out[r * 10 + k] > out[r * 10 + best_k]) best_k = k;
        correct += best_k == labels[b + r];
      }
    }
    seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    if (seconds < best) best = seconds;
  }
  printf("%lu %.9f\n", correct, best);
  free(images);
  free(labels);
  return 0;
}
)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Train the Fashion-MNIST MLP, export it as C99, and compare the C program with ctgrad."};
  std::string data_dir, out_dir = "c_export_out", cc = "cc", cflags = "-O3";
  int epochs = 2, repeat = 5;
  unsigned seed = 1;
  bool use_synthetic = false;
  std::size_t limit = 0;
  app.add_option("--data", data_dir, "directory with the four uncompressed IDX files");
  app.add_flag("--synthetic", use_synthetic, "train on a generated 10-class task instead");
  app.add_option("--epochs", epochs, "passes over the training set")->check(demo::whole_number(1));
  app.add_option("--limit", limit, "use only the first N training and test samples (0: all)")
      ->check(demo::whole_number(0));
  app.add_option("--out", out_dir, "directory for fmnist.h, fmnist.c, the driver and the program");
  app.add_option("--cc", cc, "the C compiler");
  app.add_option("--cflags", cflags, "its optimisation flags (compare with this program's)");
  app.add_option("--repeat", repeat, "timed passes over the test set, the best counts")
      ->check(demo::whole_number(1));
  CLI11_PARSE(app, argc, argv);

  dataset train_set, test_set;
  try {
    if (use_synthetic || data_dir.empty()) {
      std::cout << "training on a synthetic 10-class task (--data DIR for Fashion-MNIST)\n";
      train_set = synthetic(6000, seed);
      test_set = synthetic(2000, seed + 1);
    } else {
      train_set =
          load(data_dir + "/train-images-idx3-ubyte", data_dir + "/train-labels-idx1-ubyte");
      test_set = load(data_dir + "/t10k-images-idx3-ubyte", data_dir + "/t10k-labels-idx1-ubyte");
    }
  } catch (io::error const& e) {
    std::cerr << "c_export: " << e.what() << "\n";
    return 1;
  }
  if (limit) {
    for (dataset* d : {&train_set, &test_set}) {
      std::size_t const n = std::min(limit, d->size());
      d->images.resize(n * pixels);
      d->targets.resize(n * classes);
      d->labels.resize(n);
    }
  }

  auto ps = std::make_unique<params_t>();
  init::apply(*ps, seed, init::he_normal_rule{});
  auto opt = std::make_unique<optim::adam<params_t>>(optim::adam_options<float>{.lr = 1e-3f});
  auto const history =
      train::fit(train::classifier(X, Y, loss, logits), *ps, *opt, train_set.view(),
                 {.epochs = static_cast<std::size_t>(epochs), .seed = seed});
  std::cout << "trained " << epochs << " epochs, last training loss " << history.back().loss
            << "\n";

  // ctgrad: the same batches as the C driver, timed the same way.
  std::size_t const n = test_set.size();
  auto x = std::make_unique<tensor<float, shape<batch, pixels>>>();
  // The intermediate values in a workspace of their own, as the C code has (name_workspace),
  // and as bench/c_export.cpp times it.
  auto ws = std::make_unique<workspace_for<float, std::remove_cv_t<decltype(logits)>>>();
  std::size_t correct = 0;
  double best = 1e300;
  for (int rep = 0; rep < repeat; ++rep) {
    std::clock_t const start = std::clock();  // processor time, as the C driver measures
    correct = 0;
    for (std::size_t b = 0; b < n; b += batch) {
      for (std::size_t i = 0; i < batch * pixels; ++i)
        x->data[i] = b * pixels + i < n * pixels ? test_set.images[b * pixels + i] : 0.0f;
      auto const out = eval(logits, *ws, *ps, X = *x);
      for (std::size_t r = 0; r < batch && b + r < n; ++r) {
        std::size_t best_k = 0;
        for (std::size_t k = 1; k < classes; ++k)
          if (out(r, k) > out(r, best_k)) best_k = k;
        correct += best_k == test_set.labels[b + r];
      }
    }
    best = std::min(best, double(std::clock() - start) / CLOCKS_PER_SEC);
  }

  // C: export, compile, run.
  namespace fs = std::filesystem;
  fs::create_directories(out_dir);
  codegen::c_export(logits, "fmnist", *ps).write(out_dir);
  std::ofstream(out_dir + "/driver.c") << driver;
  {
    std::ofstream bin(out_dir + "/test.bin", std::ios::binary);
    unsigned long const count = n;
    bin.write(reinterpret_cast<char const*>(&count), sizeof count);
    bin.write(reinterpret_cast<char const*>(test_set.images.data()),
              static_cast<std::streamsize>(n * pixels * sizeof(float)));
    bin.write(reinterpret_cast<char const*>(test_set.labels.data()),
              static_cast<std::streamsize>(n));
  }
  std::string const compile = cc + " -std=c99 -Wall -Wextra -Werror -pedantic " + cflags + " " +
                              out_dir + "/fmnist.c " + out_dir + "/driver.c -lm -o " + out_dir +
                              "/fmnist";
  std::cout << "C: " << compile << "\n";
  if (std::system(compile.c_str()) != 0) {
    std::cerr << "c_export: the C compiler failed\n";
    return 1;
  }
  std::string const run = out_dir + "/fmnist " + out_dir + "/test.bin " + std::to_string(repeat) +
                          " > " + out_dir + "/result.txt";
  unsigned long c_correct = 0;
  double c_seconds = 0;
  if (std::system(run.c_str()) != 0 ||
      !(std::ifstream(out_dir + "/result.txt") >> c_correct >> c_seconds)) {
    std::cerr << "c_export: the C program failed\n";
    return 1;
  }
  std::printf("test accuracy: ctgrad %.2f%% (%zu of %zu), C %.2f%% (%lu of %zu): %s\n",
              100.0 * double(correct) / double(n), correct, n,
              100.0 * double(c_correct) / double(n), c_correct, n,
              c_correct == correct ? "equal" : "DIFFERENT");
  std::printf(
      "inference over the test set (best of %d): ctgrad %.3f ms, C %.3f ms, C / ctgrad = %.2f\n",
      repeat, best * 1e3, c_seconds * 1e3, c_seconds / best);
  return c_correct == correct ? 0 : 1;
}
