// SPDX-License-Identifier: BSL-1.0
// The main demo: a 784-128-10 MLP trained on Fashion-MNIST with ctgrad's compile-time
// gradient. Per epoch it prints the training loss, the test accuracy, the time and the
// samples per second, and it writes the curves (CSV, and a PNG when gnuplot is installed).
//   fashion_mnist --data /path/to/uncompressed/idx/files --epochs 10
//   fashion_mnist --synthetic            (no dataset: a generated 10-class task)
// Mini-batches of 32 are drawn from a fresh shuffle each epoch (seeded); the last partial
// batch of an epoch is dropped (60000 = 1875 * 32, so with Fashion-MNIST nothing is).
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/idx.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

using namespace ctgrad;

namespace {

constexpr std::size_t batch = 32, eval_batch = 16, pixels = 784, classes = 10;

constexpr auto X = input<"X", batch, pixels>;
constexpr auto Y = input<"Y", batch, classes>;
constexpr auto logits = sequential(X, layer::dense<128>, layer::relu, layer::dense<classes>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
// The same network at the evaluation batch size: the same parameter names and shapes.
constexpr auto Xe = input<"X", eval_batch, pixels>;
constexpr auto logits_eval =
    sequential(Xe, layer::dense<128>, layer::relu, layer::dense<classes>);

using params_t = param_set<float, std::remove_cv_t<decltype(loss)>>;
static_assert(std::is_same_v<params_t, param_set<float, std::remove_cv_t<decltype(logits_eval)>>>);

struct dataset {
  std::vector<float> images;  // n * 784, in [0, 1]
  std::vector<std::uint8_t> labels;
  std::size_t size() const { return labels.size(); }
};

dataset load(std::string const& images, std::string const& labels) {
  auto const im = io::read_idx(images, {28, 28});
  auto const lb = io::read_idx(labels, {});
  if (im.items() != lb.items())
    throw io::error(images + " has " + std::to_string(im.items()) + " images but " + labels +
                    " has " + std::to_string(lb.items()) + " labels");
  dataset d;
  d.images.resize(im.data.size());
  for (std::size_t i = 0; i < im.data.size(); ++i) d.images[i] = im.data[i] / 255.0f;
  d.labels = lb.data;
  for (auto l : d.labels)
    if (l >= classes) throw io::error(labels + ": label " + std::to_string(l) + " is not below 10");
  return d;
}

// Ten classes of noisy prototype images, for machines without the dataset.
dataset synthetic(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.35f);
  std::vector<float> proto(classes * pixels);
  std::mt19937 prng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (auto& p : proto) p = u(prng);
  dataset d;
  d.images.resize(n * pixels);
  d.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto const c = static_cast<std::uint8_t>(i % classes);
    d.labels[i] = c;
    for (std::size_t p = 0; p < pixels; ++p)
      d.images[i * pixels + p] = std::clamp(proto[c * pixels + p] + noise(rng), 0.0f, 1.0f);
  }
  return d;
}

float accuracy(params_t const& ps, dataset const& d) {
  auto x = std::make_unique<tensor<float, shape<eval_batch, pixels>>>();
  std::size_t correct = 0, seen = 0;
  for (std::size_t b = 0; b + eval_batch <= d.size(); b += eval_batch) {
    std::copy_n(d.images.begin() + static_cast<long>(b * pixels), eval_batch * pixels, x->data.begin());
    auto const out = eval(logits_eval, ps, Xe = *x);
    for (std::size_t r = 0; r < eval_batch; ++r) {
      std::size_t best = 0;
      for (std::size_t c = 1; c < classes; ++c)
        if (out(r, c) > out(r, best)) best = c;
      correct += best == d.labels[b + r];
    }
    seen += eval_batch;
  }
  return seen ? static_cast<float>(correct) / static_cast<float>(seen) : 0.0f;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train a 784-128-10 MLP on Fashion-MNIST with ctgrad."};
  std::string data_dir, out_prefix = "fashion_mnist";
  int epochs = 10;
  float lr = 1e-3f;
  unsigned seed = 1;
  bool use_synthetic = false;
  std::size_t limit = 0;
  app.add_option("--data", data_dir, "directory with the four uncompressed IDX files");
  app.add_flag("--synthetic", use_synthetic, "train on a generated 10-class task instead");
  app.add_option("--epochs", epochs, "passes over the training set")->check(CLI::PositiveNumber);
  app.add_option("--lr", lr, "Adam learning rate")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "seed of the initialisation and the shuffles");
  app.add_option("--limit", limit, "use only the first N training and test samples (0: all)");
  app.add_option("--out", out_prefix, "prefix of the curve files (.csv, and .png with gnuplot)");
  CLI11_PARSE(app, argc, argv);

  dataset train, test;
  try {
    if (use_synthetic || data_dir.empty()) {
      if (!use_synthetic)
        std::cout << "no --data given: training on a synthetic 10-class task instead\n";
      train = synthetic(12000, seed);
      test = synthetic(2000, seed + 1);
    } else {
      train = load(data_dir + "/train-images-idx3-ubyte", data_dir + "/train-labels-idx1-ubyte");
      test = load(data_dir + "/t10k-images-idx3-ubyte", data_dir + "/t10k-labels-idx1-ubyte");
    }
  } catch (io::error const& e) {
    std::cerr << "fashion_mnist: " << e.what() << "\n";
    return 1;
  }
  if (limit) {
    auto cut = [&](dataset& d) {
      std::size_t const n = std::min(limit, d.size());
      d.labels.resize(n);
      d.images.resize(n * pixels);
    };
    cut(train);
    cut(test);
  }
  std::cout << "training samples " << train.size() << ", test samples " << test.size()
            << ", batch " << batch << ", Adam lr " << lr << "\n";

  auto ps = std::make_unique<params_t>(), gs = std::make_unique<params_t>();
  init::apply(*ps, seed, init::he_normal_rule{});
  auto opt = std::make_unique<optim::adam<params_t>>(optim::adam_options<float>{.lr = lr});
  auto x = std::make_unique<tensor<float, shape<batch, pixels>>>();
  auto y = std::make_unique<tensor<float, shape<batch, classes>>>();

  std::vector<std::size_t> order(train.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937 shuffler(seed);
  bool const tty = ::isatty(fileno(stdout));
  std::ofstream csv(out_prefix + ".csv");
  csv << "epoch,train_loss,test_accuracy,seconds\n";
  float final_accuracy = 0;
  std::size_t const batches = train.size() / batch;

  for (int epoch = 1; epoch <= epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), shuffler);
    auto const start = std::chrono::steady_clock::now();
    double loss_sum = 0;
    for (std::size_t b = 0; b < batches; ++b) {
      *y = {};
      for (std::size_t r = 0; r < batch; ++r) {
        std::size_t const i = order[b * batch + r];
        std::copy_n(train.images.begin() + static_cast<long>(i * pixels), pixels,
                    x->data.begin() + static_cast<long>(r * pixels));
        (*y)(r, train.labels[i]) = 1.0f;
      }
      loss_sum += grad_into(loss, *gs, *ps, X = *x, Y = *y);
      opt->step(*ps, *gs);
      if (tty && (b % 25 == 0 || b + 1 == batches)) {
        double const secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        int const width = 30, done = static_cast<int>(width * (b + 1) / batches);
        std::printf("\repoch %2d [%s%s] %5zu/%zu  loss %.4f  %.0f samples/s", epoch,
                    std::string(static_cast<std::size_t>(done), '#').c_str(),
                    std::string(static_cast<std::size_t>(width - done), '.').c_str(), b + 1,
                    batches, loss_sum / static_cast<double>(b + 1),
                    secs > 0 ? static_cast<double>((b + 1) * batch) / secs : 0.0);
        std::fflush(stdout);
      }
    }
    double const secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    final_accuracy = accuracy(*ps, test);
    double const mean_loss = batches ? loss_sum / static_cast<double>(batches) : 0.0;
    if (tty) std::printf("\r%*s\r", 100, "");
    std::printf("epoch %2d  loss %.4f  test accuracy %.2f%%  %.2f s  %.0f samples/s\n", epoch,
                mean_loss, 100.0 * final_accuracy, secs,
                secs > 0 ? static_cast<double>(batches * batch) / secs : 0.0);
    csv << epoch << ',' << mean_loss << ',' << final_accuracy << ',' << secs << '\n';
  }
  csv.close();

  // The curves as an image, when gnuplot is there.
  std::string const png = out_prefix + ".png";
  std::string const cmd =
      "command -v gnuplot >/dev/null 2>&1 && gnuplot -e \"set terminal png size 900,400; "
      "set output '" + png + "'; set datafile "
      "separator ','; set multiplot layout 1,2; set xlabel 'epoch'; set title 'training loss'; "
      "plot '" + out_prefix + ".csv' every ::1 using 1:2 with linespoints notitle; set title "
      "'test accuracy'; plot '" + out_prefix + ".csv' every ::1 using 1:3 with linespoints "
      "notitle; unset multiplot\" 2>/dev/null";
  if (std::system(cmd.c_str()) == 0)
    std::cout << "curves: " << out_prefix << ".csv, " << png << "\n";
  else
    std::cout << "curves: " << out_prefix << ".csv (install gnuplot for " << png << ")\n";
  std::printf("final test accuracy %.2f%%\n", 100.0 * final_accuracy);
  return 0;
}
