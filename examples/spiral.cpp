// SPDX-License-Identifier: BSL-1.0
// A classifier of 2-D points trained from scratch: three interleaved spirals (or two moons,
// --task moons), a 2-32-32-K MLP with tanh, softmax cross-entropy, Adam on the whole data set
// each step. The data are generated from a seed. Prints the loss and accuracy as training
// goes, the decision regions as text, and exits non-zero unless the training accuracy
// reaches 95%. With --out, writes the regions and the points as CSV, and a PNG when gnuplot
// is installed.
//   spiral [--task spiral|moons] [--steps 1000] [--lr 0.01] [--seed 3] [--out spiral]
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace ctgrad;

namespace {

constexpr std::size_t points = 300;  // the whole data set is one batch
constexpr std::size_t grid = 100;    // decision regions: grid x grid points, one row at a time
constexpr double extent = 1.2;       // ... over [-extent, extent]^2
constexpr double pi = 3.14159265358979323846;

template <std::size_t K> struct task {
  static constexpr auto X = input<"X", points, 2>;
  static constexpr auto Y = input<"Y", points, K>;
  static constexpr auto logits =
      sequential(X, layer::dense<32>, layer::tanh, layer::dense<32>, layer::tanh, layer::dense<K>);
  static constexpr auto loss = cross_entropy(softmax(logits), Y);
  // The same network on one row of the grid: the same parameter names and shapes.
  static constexpr auto Xg = input<"X", grid, 2>;
  static constexpr auto logits_grid =
      sequential(Xg, layer::dense<32>, layer::tanh, layer::dense<32>, layer::tanh, layer::dense<K>);
  using params_t = param_set<float, std::remove_cv_t<decltype(loss)>>;
  static_assert(
      std::is_same_v<params_t, param_set<float, std::remove_cv_t<decltype(logits_grid)>>>);

  tensor<float, shape<points, 2>> x{};
  tensor<float, shape<points, K>> y{};
  std::size_t label[points]{};
};

// Three arms of 100 points: radius from 0.1 to 1 (not 0, where the arms would share one
// point), angle turning by 8 radians (1.3 turns) along the arm, plus noise.
void make_spiral(task<3>& t, init::rng& r) {
  for (std::size_t i = 0; i < points; ++i) {
    std::size_t const c = i % 3, j = i / 3;
    double const radius = 0.1 + 0.9 * static_cast<double>(j) / (points / 3 - 1);
    double const angle = 2 * pi * c / 3 + 8 * radius + 0.15 * r.normal();
    t.x(i, 0) = static_cast<float>(radius * std::cos(angle));
    t.x(i, 1) = static_cast<float>(radius * std::sin(angle));
    t.label[i] = c;
    t.y(i, c) = 1;
  }
}

// Two interleaved half circles (as scikit-learn's make_moons), noise 0.1, centred.
void make_moons(task<2>& t, init::rng& r) {
  for (std::size_t i = 0; i < points; ++i) {
    std::size_t const c = i % 2;
    double const a = pi * r.uniform01();
    double px = c == 0 ? std::cos(a) : 1 - std::cos(a);
    double py = c == 0 ? std::sin(a) : 0.5 - std::sin(a);
    px = (px - 0.5) / 1.5 + 0.1 * r.normal() / 1.5;  // into about [-1, 1]
    py = (py - 0.25) / 1.5 + 0.1 * r.normal() / 1.5;
    t.x(i, 0) = static_cast<float>(px);
    t.x(i, 1) = static_cast<float>(py);
    t.label[i] = c;
    t.y(i, c) = 1;
  }
}

template <std::size_t K, class Out> std::size_t argmax_row(Out const& out, std::size_t row) {
  std::size_t best = 0;
  for (std::size_t c = 1; c < K; ++c)
    if (out(row, c) > out(row, best)) best = c;
  return best;
}

template <std::size_t K> double accuracy(task<K> const& t, typename task<K>::params_t const& ps) {
  auto const out = eval(task<K>::logits, ps, task<K>::X = t.x);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < points; ++i) correct += argmax_row<K>(out, i) == t.label[i];
  return static_cast<double>(correct) / points;
}

double grid_coord(std::size_t i) {
  return -extent + 2 * extent * static_cast<double>(i) / (grid - 1);
}

// The class of every grid point: regions[row][col], row 0 at the top (largest y).
template <std::size_t K>
void classify_grid(typename task<K>::params_t const& ps, unsigned char (&regions)[grid][grid]) {
  tensor<float, shape<grid, 2>> row{};
  for (std::size_t r = 0; r < grid; ++r) {
    for (std::size_t c = 0; c < grid; ++c) {
      row(c, 0) = static_cast<float>(grid_coord(c));
      row(c, 1) = static_cast<float>(grid_coord(grid - 1 - r));
    }
    auto const out = eval(task<K>::logits_grid, ps, task<K>::Xg = row);
    for (std::size_t c = 0; c < grid; ++c)
      regions[r][c] = static_cast<unsigned char>(argmax_row<K>(out, c));
  }
}

// The regions as text, every other grid row and column, with the data points on top.
template <std::size_t K>
void print_map(task<K> const& t, unsigned char const (&regions)[grid][grid]) {
  constexpr std::size_t step = 2, rows = grid / (2 * step), cols = grid / step;
  char map[rows][cols];
  char const region_char[] = {'.', '-', ':'}, point_char[] = {'o', 'x', '+'};
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) map[r][c] = region_char[regions[2 * step * r][step * c]];
  for (std::size_t i = 0; i < points; ++i) {
    auto cell = [](double v) {
      return static_cast<std::size_t>(std::lround((v + extent) / (2 * extent) * (grid - 1)));
    };
    std::size_t const gc = cell(t.x(i, 0)), gr = grid - 1 - cell(t.x(i, 1));
    if (gc < grid && gr < grid) map[gr / (2 * step)][gc / step] = point_char[t.label[i]];
  }
  for (auto const& line : map) std::printf("  %.*s\n", static_cast<int>(cols), line);
  std::printf("  regions:");
  for (std::size_t k = 0; k < K; ++k) std::printf(" '%c' class %zu", region_char[k], k);
  std::printf("; points:");
  for (std::size_t k = 0; k < K; ++k) std::printf(" '%c' class %zu", point_char[k], k);
  std::printf("\n");
}

template <std::size_t K>
void write_files(task<K> const& t, unsigned char const (&regions)[grid][grid],
                 std::string const& out) {
  std::ofstream rcsv(out + "_regions.csv");
  rcsv << "x,y,class\n";
  for (std::size_t r = 0; r < grid; ++r)
    for (std::size_t c = 0; c < grid; ++c)
      rcsv << grid_coord(c) << ',' << grid_coord(grid - 1 - r) << ',' << int{regions[r][c]} << '\n';
  std::ofstream pcsv(out + "_points.csv");
  pcsv << "x,y,label\n";
  for (std::size_t i = 0; i < points; ++i)
    pcsv << t.x(i, 0) << ',' << t.x(i, 1) << ',' << t.label[i] << '\n';
  rcsv.close();
  pcsv.close();
  std::string const png = out + ".png";
  // One gnuplot statement per line; \$ because the script sits inside the shell's "...".
  std::string const e = std::to_string(extent);
  std::string gp = "set terminal png size 600,600; set output '" + png + "'; ";
  gp += "set datafile separator ','; set size square; unset key; unset colorbox; ";
  gp += "set palette defined (0 '#f4cccc', 1 '#cfe2f3', 2 '#d9ead3'); set cbrange [0:2]; ";
  gp += "set xrange [-" + e + ":" + e + "]; set yrange [-" + e + ":" + e + "]; ";
  gp += "plot '" + out + "_regions.csv' every ::1 using 1:2:3 with image, ";
  gp += "'" + out + "_points.csv' every ::1 using 1:2:(\\$3 == 0 ? 0xcc0000 : \\$3 == 1 ? ";
  gp += "0x1c4587 : 0x38761d) with points pt 7 ps 0.7 lc rgb variable";  // darker than regions
  std::string const cmd =
      "command -v gnuplot >/dev/null 2>&1 && gnuplot -e \"" + gp + "\" 2>/dev/null";
  std::printf("files: %s_regions.csv, %s_points.csv", out.c_str(), out.c_str());
  if (std::system(cmd.c_str()) == 0)
    std::printf(", %s\n", png.c_str());
  else
    std::printf(" (install gnuplot for %s)\n", png.c_str());
}

template <std::size_t K>
int run(task<K>& t, int steps, float lr, unsigned seed, std::string const& out) {
  using params_t = typename task<K>::params_t;
  params_t ps{}, gs{};
  init::apply(ps, seed, init::xavier_normal_rule{});
  optim::adam<params_t> opt({.lr = lr});
  auto const start = std::chrono::steady_clock::now();
  int const report = steps / 6 > 0 ? steps / 6 : 1;
  for (int step = 1; step <= steps; ++step) {
    float const L = grad_into(task<K>::loss, gs, ps, task<K>::X = t.x, task<K>::Y = t.y);
    opt.step(ps, gs);
    if (step == 1 || step % report == 0 || step == steps)
      std::printf("step %5d  loss %.4f  train accuracy %5.1f%%\n", step, static_cast<double>(L),
                  100 * accuracy(t, ps));
  }
  double const secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double const acc = accuracy(t, ps);
  static unsigned char regions[grid][grid];
  classify_grid<K>(ps, regions);
  std::printf("\n");
  print_map(t, regions);
  if (!out.empty()) write_files(t, regions, out);
  std::printf("\ntraining: %d steps in %.2f s; final train accuracy %.1f%% (%s 95%%)\n", steps,
              secs, 100 * acc, acc >= 0.95 ? "at least" : "BELOW");
  return acc >= 0.95 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train a 2-32-32-K MLP on 2-D spirals or moons with ctgrad."};
  std::string task_name = "spiral", out;
  int steps = 1000;
  float lr = 0.01f;
  unsigned seed = 3;
  app.add_option("--task", task_name, "data set")->check(CLI::IsMember({"spiral", "moons"}));
  app.add_option("--steps", steps, "Adam steps, each on all 300 points")
      ->check(demo::whole_number(1));
  app.add_option("--lr", lr, "Adam learning rate")->check(demo::positive_number());
  app.add_option("--seed", seed, "seed of the data and the initialisation")
      ->check(demo::whole_number(0, 4294967295));
  app.add_option("--out", out, "prefix of the CSV files of regions and points (and PNG)");
  CLI11_PARSE(app, argc, argv);

  init::rng r{seed};
  if (task_name == "moons") {
    static task<2> t;
    make_moons(t, r);
    std::printf("two moons, %zu points, 2-32-32-2 tanh, Adam lr %g\n", points,
                static_cast<double>(lr));
    return run(t, steps, lr, seed, out);
  }
  static task<3> t;
  make_spiral(t, r);
  std::printf("three spirals, %zu points, 2-32-32-3 tanh, Adam lr %g\n", points,
              static_cast<double>(lr));
  return run(t, steps, lr, seed, out);
}
