// SPDX-License-Identifier: BSL-1.0
// Fashion-MNIST for the demos (fashion_mnist, fashion_mnist_cnn): the IDX files read into
// float images in [0, 1] (784 per sample, row-major 28 x 28) and one-hot targets, or a
// synthetic 10-class task of noisy prototype images for machines without the dataset.
#pragma once

#include <ctgrad/io/idx.hpp>
#include <ctgrad/train/fit.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace demo {

using namespace ctgrad;

inline constexpr std::size_t pixels = 784, classes = 10;

struct dataset {
  std::vector<float> images;   // n * 784, in [0, 1]
  std::vector<float> targets;  // n * 10, one-hot
  std::size_t size() const { return targets.size() / classes; }
  train::samples<float> view() const { return {images, targets}; }
};

inline dataset load(std::string const& images, std::string const& labels) {
  auto const im = io::read_idx(images, {28, 28});
  auto const lb = io::read_idx(labels, {});
  if (im.items() != lb.items())
    throw io::error(images + " has " + std::to_string(im.items()) + " images but " + labels +
                    " has " + std::to_string(lb.items()) + " labels");
  dataset d;
  d.images.resize(im.data.size());
  for (std::size_t i = 0; i < im.data.size(); ++i) d.images[i] = im.data[i] / 255.0f;
  d.targets.assign(lb.data.size() * classes, 0.0f);
  for (std::size_t i = 0; i < lb.data.size(); ++i) {
    if (lb.data[i] >= classes)
      throw io::error(labels + ": label " + std::to_string(lb.data[i]) + " is not below 10");
    d.targets[i * classes + lb.data[i]] = 1.0f;
  }
  return d;
}

// Ten classes of noisy prototype images, for machines without the dataset.
inline dataset synthetic(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.35f);
  std::vector<float> proto(classes * pixels);
  std::mt19937 prng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (auto& p : proto) p = u(prng);
  dataset d;
  d.images.resize(n * pixels);
  d.targets.assign(n * classes, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t const c = i % classes;
    d.targets[i * classes + c] = 1.0f;
    for (std::size_t p = 0; p < pixels; ++p)
      d.images[i * pixels + p] = std::clamp(proto[c * pixels + p] + noise(rng), 0.0f, 1.0f);
  }
  return d;
}

/// Keeps only the first n samples.
inline void limit(dataset& d, std::size_t n) {
  n = std::min(n, d.size());
  d.targets.resize(n * classes);
  d.images.resize(n * pixels);
}

/// The curves of <out_prefix>.csv as <out_prefix>.png, when gnuplot is there; says which.
inline void plot_curves(std::string const& out_prefix) {
  std::string const png = out_prefix + ".png";
  std::string const cmd =
      "command -v gnuplot >/dev/null 2>&1 && gnuplot -e \"set terminal png size 900,400; "
      "set output '" +
      png +
      "'; set datafile "
      "separator ','; set multiplot layout 1,2; set xlabel 'epoch'; set key bottom right; set "
      "title 'loss'; "
      "plot '" +
      out_prefix +
      ".csv' every ::1 using 1:2 with linespoints title 'train', '' every ::1 using 1:4 with "
      "linespoints title 'test'; set title "
      "'accuracy'; plot '" +
      out_prefix +
      ".csv' every ::1 using 1:3 with linespoints title "
      "'train', '' every ::1 using 1:5 with linespoints title 'test'; unset multiplot\" "
      "2>/dev/null";
  if (std::system(cmd.c_str()) == 0)
    std::cout << "curves: " << out_prefix << ".csv, " << png << "\n";
  else
    std::cout << "curves: " << out_prefix << ".csv (install gnuplot for " << png << ")\n";
}

}  // namespace demo
