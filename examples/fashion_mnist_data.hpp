// SPDX-License-Identifier: BSL-1.0
// Fashion-MNIST for the demos (fashion_mnist, fashion_mnist_cnn): the IDX files read into
// float images in [0, 1] (784 per sample, row-major 28 x 28) and one-hot targets, or a
// synthetic 10-class task of noisy prototype images for machines without the dataset.
#pragma once

#include <ctgrad/io/idx.hpp>
#include <ctgrad/train/fit.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <utility>
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

/// The data set's name in banners and plot titles when the demos train without Fashion-MNIST.
inline constexpr char const* synthetic_name = "synthetic 10-class task (not Fashion-MNIST)";

/// The curve file of a run, written as the epochs end under <prefix>.csv.part (so an
/// interrupted run keeps what it did) and renamed to <prefix>.csv only by commit(): a run
/// that failed (diverged, interrupted) never replaces the curves of a good one.
class curves_file {
 public:
  explicit curves_file(std::string prefix)
      : prefix_(std::move(prefix)), out_(prefix_ + ".csv.part") {
    out_ << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n";
  }
  void add(train::epoch_stats const& s) {
    out_ << s.epoch << ',' << s.loss << ',' << s.accuracy << ',' << s.val_loss << ','
         << s.val_accuracy << ',' << s.seconds << std::endl;
  }
  /// Renames the finished file to <prefix>.csv; false (and says so) if that failed.
  bool commit() {
    out_.close();
    if (!out_ || std::rename((prefix_ + ".csv.part").c_str(), (prefix_ + ".csv").c_str()) != 0) {
      std::cerr << "could not write " << prefix_ << ".csv\n";
      return false;
    }
    return true;
  }
  /// Says where the curves of a failed run are, and that the last good ones were kept.
  void keep_failed() {
    out_.close();
    std::cerr << "the curves of this run are in " << prefix_ << ".csv.part; " << prefix_
              << ".csv and .png (if any) are those of the last complete run\n";
  }

 private:
  std::string prefix_;
  std::ofstream out_;
};

/// The curves of <out_prefix>.csv as <out_prefix>.png, when gnuplot is there; says which.
/// Loss and accuracy side by side under one title (the data set and the model), accuracy in
/// percent as the console prints it, the legends below the plots so that they cover no
/// curve. gnuplot writes <out_prefix>.png.part, renamed when it succeeded.
inline void plot_curves(std::string const& out_prefix, std::string const& title) {
  std::string const png = out_prefix + ".png", csv = out_prefix + ".csv";
  // Single quotes inside the gnuplot program; the title may not contain any.
  std::string t = title;
  std::replace(t.begin(), t.end(), '\'', ' ');
  std::string const script = "set terminal png size 1000,450; set output '" + png +
                             ".part'; "
                             "set datafile separator ','; "
                             "set multiplot layout 1,2 title '" +
                             t +
                             "'; "
                             "set xlabel 'epoch'; set key below horizontal; set grid; "
                             "set title 'loss'; set ylabel 'cross-entropy loss'; "
                             "plot '" +
                             csv +
                             "' every ::1 using 1:2 with linespoints title 'train', "
                             "'' every ::1 using 1:4 with linespoints title 'test'; "
                             "set title 'accuracy'; set ylabel 'accuracy (%)'; "
                             "plot '" +
                             csv +
                             "' every ::1 using 1:($3*100) with linespoints title 'train', "
                             "'' every ::1 using 1:($5*100) with linespoints title 'test'; "
                             "unset multiplot";
  // The program goes through the shell in double quotes: $ must not be expanded there.
  std::string quoted;
  for (char c : script) {
    if (c == '$' || c == '"' || c == '\\' || c == '`') quoted += '\\';
    quoted += c;
  }
  std::string const cmd = "command -v gnuplot >/dev/null 2>&1 && gnuplot -e \"" + quoted +
                          "\" 2>/dev/null && mv -f '" + png + ".part' '" + png + "'";
  if (std::system(cmd.c_str()) == 0) {
    std::cout << "curves: " << csv << ", " << png << "\n";
  } else {
    std::remove((png + ".part").c_str());
    std::cout << "curves: " << csv << " (install gnuplot for " << png << ")\n";
  }
}

}  // namespace demo
