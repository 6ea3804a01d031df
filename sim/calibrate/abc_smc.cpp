// ABC-SMC (adaptive population Monte Carlo ABC, Lenormand et al. 2013; PMC-ABC
// of Beaumont et al. 2009 with quantile-adapted tolerances): algorithm,
// parallel particle evaluation, per-generation resume and the result folder.
// See include/blocsim/calibrate.h for the algorithm and docs/ODD.md
// "Calibration" for the choices.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "calibrate/abc_detail.h"
#include "blocsim/output/format.h"
#include "blocsim/io/error.h"
#include "blocsim/parallel.h"
#include "blocsim/output/progress.h"
#include "blocsim/engine/rng.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/sweep/sweep.h"

namespace fs = std::filesystem;

namespace blocsim::calib {
namespace detail {

std::string num(double v) { return format_number(v); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw RunError("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_atomic(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw RunError("cannot write " + tmp.string());
    out << content;
    out.flush();
    if (!out) throw RunError("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == sep) {
      out.push_back(cur);
      cur.clear();
    } else if (ch != '\r') {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace detail

namespace {

using namespace detail;

// ---------------------------------------------------------------------------
// Priors in internal coordinates (u = log θ for log-uniform priors, else θ)
// ---------------------------------------------------------------------------

double norm_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

double to_u(const Prior& p, double theta) { return p.kind == PriorKind::log_uniform ? std::log(theta) : theta; }
double to_theta(const Prior& p, double u) {
  if (p.kind != PriorKind::log_uniform) return u;
  return std::clamp(std::exp(u), p.min, p.max);
}
double u_lo(const Prior& p) { return p.kind == PriorKind::log_uniform ? std::log(p.min) : p.min; }
double u_hi(const Prior& p) { return p.kind == PriorKind::log_uniform ? std::log(p.max) : p.max; }

//! Normalised prior density of one component in internal coordinates.
double prior_density(const Prior& p, double u) {
  const double a = u_lo(p), b = u_hi(p);
  if (u < a || u > b) return 0.0;
  if (p.kind != PriorKind::normal) return 1.0 / (b - a);
  const double z = (u - p.mean) / p.sd;
  const double mass = norm_cdf((b - p.mean) / p.sd) - norm_cdf((a - p.mean) / p.sd);
  return kInvSqrt2Pi * std::exp(-0.5 * z * z) / p.sd / mass;
}

double draw_prior(const Prior& p, Rng& rng) {
  const double a = u_lo(p), b = u_hi(p);
  if (p.kind != PriorKind::normal) return a + (b - a) * rng.uniform();
  for (int attempt = 0; attempt < 100000; ++attempt) {
    const double u = p.mean + p.sd * rng.normal();
    if (u >= a && u <= b) return u;
  }
  return a + (b - a) * rng.uniform();  // prior mass inside [a, b] is negligible: fall back to uniform
}

// ---------------------------------------------------------------------------
// Folder: files and resume
// ---------------------------------------------------------------------------

std::string particles_header(const CalibSpec& spec) {
  std::string h = "generation,index,kept";
  for (const auto& p : spec.priors) {
    h += ',';
    h += csv_field(p.path);
  }
  h += ",distance,weight,weight_raw,brier,log_score,spearman,shares,change,failed\n";
  return h;
}

std::string particle_row(const Particle& p, bool kept, double wnorm) {
  std::string r = std::to_string(p.born) + "," + std::to_string(p.index) + "," + (kept ? "1" : "0");
  auto add = [&r](double v) {
    r += ',';
    r += num(v);
  };
  for (double v : p.theta) add(v);
  add(p.distance);
  add(kept ? wnorm : 0.0);
  add(p.weight);
  for (double v : p.parts) add(v);
  r += p.failed ? ",1\n" : ",0\n";
  return r;
}

double parse_num(const std::string& s) {
  if (s == "inf") return kInf;
  if (s == "-inf") return -kInf;
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(s.c_str(), nullptr);
}

std::vector<Particle> read_kept(const fs::path& file, std::size_t nparams) {
  std::vector<Particle> out;
  const auto lines = split(read_text(file), '\n');
  for (std::size_t l = 1; l < lines.size(); ++l) {
    if (lines[l].empty()) continue;
    const auto c = split(lines[l], ',');
    if (c.size() != 3 + nparams + 9) throw RunError(file.string() + ": malformed row " + std::to_string(l + 1));
    if (c[2] != "1") continue;
    Particle p;
    p.born = std::stoi(c[0]);
    p.index = std::stoi(c[1]);
    for (std::size_t d = 0; d < nparams; ++d) p.theta.push_back(parse_num(c[3 + d]));
    p.distance = parse_num(c[3 + nparams]);
    p.weight = parse_num(c[5 + nparams]);
    for (std::size_t k = 0; k < 5; ++k) p.parts[k] = parse_num(c[6 + nparams + k]);
    p.failed = c[11 + nparams] == "1";
    out.push_back(std::move(p));
  }
  return out;
}

std::string gen_file(int g) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen_%03d.csv", g);
  return buf;
}

std::string history_header() { return "generation,epsilon,acceptance,ess,simulations,proposed,kept,failed\n"; }
std::string history_row(const GenerationInfo& g, int proposed, int kept, int failed) {
  return std::to_string(g.generation) + "," + num(g.epsilon) + "," + num(g.acceptance) + "," + num(g.ess) + "," +
         std::to_string(g.simulations) + "," + std::to_string(proposed) + "," + std::to_string(kept) + "," +
         std::to_string(failed) + "\n";
}

//! YAML of the calibrated scenario: extends the calibrated scenario, sets the
//! fixed overrides and the posterior medians.
std::string calibrated_yaml(const CalibSpec& spec, const ScenarioConfig& cfg, const fs::path& out,
                            const std::vector<std::pair<std::string, double>>& values) {
  // section → nested key path → value
  std::map<std::string, std::map<std::string, double>> model_like;          // model / network / top
  std::map<std::string, std::map<std::string, double>> powers;              // id → key → value
  for (const auto& [path, v] : values) {
    const auto dot = path.find('.');
    const std::string head = dot == std::string::npos ? "" : path.substr(0, dot);
    if (head == "powers") {
      const std::string rest = path.substr(dot + 1);
      const auto d2 = rest.find('.');
      powers[rest.substr(0, d2)][rest.substr(d2 + 1)] = v;
    } else {
      model_like[head][dot == std::string::npos ? path : path.substr(dot + 1)] = v;
    }
  }
  auto emit_nested = [](std::ostringstream& os, const std::map<std::string, double>& kv, int indent) {
    // keys like "export_controls.strictness": group by the first component
    std::map<std::string, std::map<std::string, double>> sub;
    for (const auto& [k, v] : kv) {
      const auto d = k.find('.');
      if (d == std::string::npos)
        os << std::string(static_cast<std::size_t>(indent), ' ') << k << ": " << num(v) << "\n";
      else
        sub[k.substr(0, d)][k.substr(d + 1)] = v;
    }
    for (const auto& [k, m] : sub) {
      os << std::string(static_cast<std::size_t>(indent), ' ') << k << ":\n";
      for (const auto& [k2, v] : m) os << std::string(static_cast<std::size_t>(indent + 2), ' ') << k2 << ": " << num(v) << "\n";
    }
  };
  std::ostringstream os;
  os << "# Written by `blocsim calibrate " << spec.file.filename().string() << "`: the scenario with the\n"
     << "# calibration's fixed settings and the posterior medians of the estimated parameters\n"
     << "# (posterior_summary.csv has the 90% intervals). Run it with `blocsim run`.\n";
  os << "name: " << cfg.name << "_calibrated\n";
  os << "extends: " << fs::relative(fs::absolute(spec.scenario), fs::absolute(out)).generic_string() << "\n";
  if (auto it = model_like.find(""); it != model_like.end())
    for (const auto& [k, v] : it->second) os << k << ": " << num(v) << "\n";
  for (const auto& [sec, kv] : model_like) {
    if (sec.empty()) continue;
    os << sec << ":\n";
    emit_nested(os, kv, 2);
  }
  if (!powers.empty()) {
    os << "powers:\n";
    for (const auto& [id, kv] : powers) {
      os << "  - id: " << id << "\n";
      emit_nested(os, kv, 4);
    }
  }
  return os.str();
}

double weighted_quantile(std::vector<std::pair<double, double>> vw, double q) {
  // vw: (value, weight); type-7-like interpolation on the weighted CDF midpoints
  std::sort(vw.begin(), vw.end());
  double total = 0;
  for (const auto& [v, w] : vw) total += w;
  if (vw.empty() || total <= 0) return std::numeric_limits<double>::quiet_NaN();
  double cum = 0;
  std::vector<double> mid(vw.size());
  for (std::size_t i = 0; i < vw.size(); ++i) {
    mid[i] = (cum + 0.5 * vw[i].second) / total;
    cum += vw[i].second;
  }
  if (q <= mid.front()) return vw.front().first;
  if (q >= mid.back()) return vw.back().first;
  for (std::size_t i = 1; i < vw.size(); ++i)
    if (q <= mid[i]) {
      const double t = (q - mid[i - 1]) / (mid[i] - mid[i - 1]);
      return vw[i - 1].first + t * (vw[i].first - vw[i - 1].first);
    }
  return vw.back().first;
}

}  // namespace

void apply_fast(CalibSpec& spec) {
  spec.particles = std::min(spec.particles, 40);
  spec.max_generations = std::min(spec.max_generations, 3);
  spec.replicates = std::min(spec.replicates, 2);
  spec.predictive = std::min(spec.predictive, 10);
  if (static_cast<int>(std::floor(spec.alpha * spec.particles)) < 2) spec.alpha = 0.5;
}

CalibOutcome run_calibration(const CalibSpec& spec, const CalibOptions& opt_in) {
  CalibOptions opt = opt_in;
  const auto t_start = std::chrono::steady_clock::now();
  if (opt.threads > 0) set_threads(opt.threads);
  const Setup s = make_setup(spec);
  const std::size_t D = spec.priors.size();
  const int N = spec.particles;
  const int Nk = static_cast<int>(std::floor(spec.alpha * N));
  CalibOutcome res;
  res.out = opt.out.empty() ? fs::path("results") / "calibrations" / spec.name : opt.out;
  for (const auto& p : spec.priors) res.params.push_back(p.path);

  // The folder's identity: the calibration file, the resolved scenario and the
  // effective algorithm settings. A folder with another identity is refused.
  std::ostringstream ident;
  ident << "calibration: " << spec.file.filename().string() << "\nsha256: " << sha256_hex(spec.source_text)
        << "\nscenario_sha256: " << sha256_hex(resolved_yaml(s.cfg)) << "\nparticles: " << N
        << "\nkept: " << Nk << "\nalpha: " << num(spec.alpha) << "\nmin_acceptance: " << num(spec.min_acceptance)
        << "\nmax_generations: " << spec.max_generations << "\nreplicates: " << spec.replicates
        << "\npredictive: " << spec.predictive << "\nseed: " << spec.seed << "\n";
  // the bytes of every world file read (the resolved scenario names files, not contents)
  for (std::size_t i = 0; i < s.cfg.world.source_files.size(); ++i)
    ident << "data: " << fs::path(s.cfg.world.source_files[i]).filename().string() << " "
          << (i < s.cfg.world.source_sha256.size() ? s.cfg.world.source_sha256[i] : std::string()) << "\n";
  if (!spec.observed.empty()) ident << "observed_sha256: " << sha256_file(spec.observed) << "\n";
  const fs::path gdir = res.out / "generations";
  // Rank 0 alone writes; the others wait for its setup before reading the history.
  const bool writer = opt.rank == 0;
  auto put = [writer](const fs::path& path, const std::string& content) {
    if (writer) write_atomic(path, content);
  };
  if (opt.size > 1 && !opt.allreduce) {
    // shards: separate processes meet through files beside the result folder
    if (opt.fresh) throw RunError("--fresh cannot be combined with --shard (delete " + res.out.string() + " instead)");
    opt.allreduce = file_exchange(res.out.string() + ".shards", sha256_hex(ident.str()).substr(0, 16), opt.rank,
                                  opt.size, opt.shard_timeout);
  }
  auto barrier = [&opt](const std::string& key) {
    if (opt.size <= 1) return;
    std::vector<double> one{1.0};
    opt.allreduce(one, key);
  };
  const fs::path idfile = res.out / "calibration.id";
  if (fs::exists(res.out) && !opt.fresh) {
    if (!fs::exists(idfile) || read_text(idfile) != ident.str())
      throw RunError(res.out.string() +
                     " holds a different calibration (or another settings/--fast); use --fresh to replace it or -o elsewhere");
  }
  barrier("checked");  // every rank has checked the folder before rank 0 changes it
  if (writer && opt.fresh && fs::exists(res.out)) fs::remove_all(res.out);
  if (writer) fs::create_directories(gdir);
  put(idfile, ident.str());
  put(res.out / "calibration.yaml", spec.source_text);
  put(res.out / "scenario.resolved.yaml", resolved_yaml(s.cfg));
  {
    std::ostringstream obs;
    obs << "year,set,iso3,axis,class\n";
    for (int set = 0; set < 2; ++set)
      for (const auto& o : set == 0 ? s.fit : s.held)
        for (std::size_t i = 0; i < o.country.size(); ++i)
          obs << o.year << "," << (set == 0 ? "fit" : "held_out") << ","
              << s.cfg.world.countries[static_cast<std::size_t>(o.country[i])].iso3 << "," << num(o.axis[i]) << ","
              << (o.cls[i] == 0 ? std::string("nonaligned") : o.cls[i] == 1 ? spec.low : spec.high) << "\n";
    put(res.out / "observed.csv", obs.str());
  }

  barrier("setup");
  // Resume: generations listed in generations.csv are complete.
  std::vector<Particle> kept;
  std::string history = history_header();
  double eps = kInf;
  bool done = false;
  int next_gen = 0;
  const fs::path hfile = res.out / "generations.csv";
  if (fs::exists(hfile)) {
    const auto lines = split(read_text(hfile), '\n');
    for (std::size_t l = 1; l < lines.size(); ++l) {
      if (lines[l].empty()) continue;
      const auto c = split(lines[l], ',');
      GenerationInfo g;
      g.generation = std::stoi(c[0]);
      g.epsilon = parse_num(c[1]);
      g.acceptance = parse_num(c[2]);
      g.ess = parse_num(c[3]);
      g.simulations = std::stoll(c[4]);
      res.generations.push_back(g);
      history += lines[l] + "\n";
    }
    if (!res.generations.empty()) {
      const GenerationInfo& g = res.generations.back();
      kept = read_kept(gdir / gen_file(g.generation), D);
      eps = g.epsilon;
      next_gen = g.generation + 1;
      res.resumed_from = g.generation;
      done = (g.generation > 0 && g.acceptance < spec.min_acceptance) || next_gen >= spec.max_generations;
      if (!opt.quiet)
        std::fprintf(stderr, "calibrate: resuming after generation %d (epsilon %.4g)\n", g.generation, g.epsilon);
    }
  }

  while (!done) {
    const int g = next_gen;
    const auto t0 = std::chrono::steady_clock::now();
    const int nnew = g == 0 ? N : N - Nk;
    std::vector<Particle> props(static_cast<std::size_t>(nnew));
    // kernel: component-wise Gaussian, variance 2 × weighted variance of the kept population
    std::vector<double> sigma(D, 0.0), wn;
    std::vector<std::vector<double>> ku;  // kept particles in internal coordinates
    if (g > 0) {
      double wsum = 0;
      for (const auto& p : kept) wsum += p.weight;
      for (const auto& p : kept) wn.push_back(p.weight / wsum);
      for (const auto& p : kept) {
        std::vector<double> u(D);
        for (std::size_t d = 0; d < D; ++d) u[d] = to_u(spec.priors[d], p.theta[d]);
        ku.push_back(std::move(u));
      }
      for (std::size_t d = 0; d < D; ++d) {
        double m = 0, v = 0;
        for (std::size_t j = 0; j < kept.size(); ++j) m += wn[j] * ku[j][d];
        for (std::size_t j = 0; j < kept.size(); ++j) v += wn[j] * (ku[j][d] - m) * (ku[j][d] - m);
        const double range = u_hi(spec.priors[d]) - u_lo(spec.priors[d]);
        sigma[d] = std::max(std::sqrt(2.0 * v), 1e-6 * range);
      }
    }
    std::vector<double> cdf(wn.size());
    std::partial_sum(wn.begin(), wn.end(), cdf.begin());
    // kernel mass of parent j inside the prior support
    std::vector<double> zmass(kept.size(), 1.0);
    for (std::size_t j = 0; j < kept.size(); ++j)
      for (std::size_t d = 0; d < D; ++d)
        zmass[j] *= norm_cdf((u_hi(spec.priors[d]) - ku[j][d]) / sigma[d]) -
                    norm_cdf((u_lo(spec.priors[d]) - ku[j][d]) / sigma[d]);
    for (int i = 0; i < nnew; ++i) {
      Particle& p = props[static_cast<std::size_t>(i)];
      p.born = g;
      p.index = i;
      Rng rng(spec.seed, static_cast<std::uint64_t>(g), static_cast<std::uint64_t>(i), static_cast<std::uint32_t>(kStream));
      std::vector<double> u(D);
      if (g == 0) {
        for (std::size_t d = 0; d < D; ++d) u[d] = draw_prior(spec.priors[d], rng);
        p.weight = 1.0;
      } else {
        const double r = rng.uniform() * cdf.back();
        const std::size_t j = std::min<std::size_t>(
            static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), r) - cdf.begin()), kept.size() - 1);
        for (std::size_t d = 0; d < D; ++d) {
          const double a = u_lo(spec.priors[d]), b = u_hi(spec.priors[d]);
          double x = ku[j][d];
          for (int attempt = 0; attempt < 100000; ++attempt) {
            x = ku[j][d] + sigma[d] * rng.normal();
            if (x >= a && x <= b) break;
            x = std::clamp(x, a, b);  // used only if every attempt fell outside (never in practice)
          }
          u[d] = x;
        }
      }
      for (std::size_t d = 0; d < D; ++d) p.theta.push_back(to_theta(spec.priors[d], u[d]));
      if (g > 0) {
        // importance weight π(θ*) / Σ_j ŵ_j K(θ* | θ_j) / Z_j, in internal coordinates of θ* as stored
        double prior = 1.0;
        std::vector<double> us(D);
        for (std::size_t d = 0; d < D; ++d) {
          us[d] = to_u(spec.priors[d], p.theta[d]);
          prior *= prior_density(spec.priors[d], us[d]);
        }
        double q = 0;
        for (std::size_t j = 0; j < kept.size(); ++j) {
          double k = 1.0;
          for (std::size_t d = 0; d < D; ++d) {
            const double z = (us[d] - ku[j][d]) / sigma[d];
            k *= kInvSqrt2Pi * std::exp(-0.5 * z * z) / sigma[d];
          }
          q += wn[j] * k / zmass[j];
        }
        p.weight = q > 0 ? prior / q : 0.0;
      }
    }
    // The prior densities are normalised, so gen-0 weights (1) and later weights π/q share a scale:
    // π/π = 1 ⇔ q = π. Kept old particles keep their weights.
    Progress progress(static_cast<std::int64_t>(nnew) * spec.replicates, opt.quiet,
                      "calibrate gen " + std::to_string(g), "runs");
    evaluate_all(s, props, spec.replicates, progress, opt, "gen_" + gen_file(g).substr(4, 3));
    progress.finish();

    int accepted = 0, failed = 0;
    for (const auto& p : props) {
      if (p.distance < eps) ++accepted;
      if (p.failed) ++failed;
    }
    GenerationInfo info;
    info.generation = g;
    info.acceptance = g == 0 ? 1.0 : static_cast<double>(accepted) / nnew;
    info.simulations = static_cast<std::int64_t>(nnew) * spec.replicates;
    // pool: kept (in their order) then new proposals; keep the Nk closest (stable)
    std::vector<Particle> pool = kept;
    pool.insert(pool.end(), props.begin(), props.end());
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return pool[a].distance < pool[b].distance; });
    std::vector<char> keep(pool.size(), 0);
    for (int i = 0; i < Nk; ++i) keep[order[static_cast<std::size_t>(i)]] = 1;
    std::vector<Particle> next;
    for (std::size_t i = 0; i < pool.size(); ++i)
      if (keep[i]) next.push_back(pool[i]);
    // drop zero-weight particles only if something else remains (cannot happen with a proper kernel)
    double sw = 0, sw2 = 0;
    for (const auto& p : next) {
      sw += p.weight;
      sw2 += p.weight * p.weight;
    }
    if (!(sw > 0)) throw RunError("calibration: every kept particle has zero weight (generation " + std::to_string(g) + ")");
    info.epsilon = pool[order[static_cast<std::size_t>(Nk - 1)]].distance;
    info.ess = sw * sw / sw2;
    if (!std::isfinite(info.epsilon))
      throw RunError("calibration: fewer than " + std::to_string(Nk) +
                     " particles gave a finite distance (simulations failed); see the particle files");
    // gen file: the whole pool, kept flag, normalised weight
    std::string gcsv = particles_header(spec);
    for (std::size_t i = 0; i < pool.size(); ++i) gcsv += particle_row(pool[i], keep[i], pool[i].weight / sw);
    put(gdir / gen_file(g), gcsv);
    history += history_row(info, nnew, Nk, failed);
    put(hfile, history);
    info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    res.generations.push_back(info);
    if (!opt.quiet)
      std::fprintf(stderr, "calibrate: generation %d: epsilon %.4g, acceptance %.3f, ESS %.1f, %d failed, %.1f s\n", g,
                   info.epsilon, info.acceptance, info.ess, failed, info.seconds);
    kept = std::move(next);
    eps = info.epsilon;
    next_gen = g + 1;
    done = (g > 0 && info.acceptance < spec.min_acceptance) || next_gen >= spec.max_generations;
  }

  // Posterior: the last kept population.
  double sw = 0;
  for (const auto& p : kept) sw += p.weight;
  std::vector<double> wn;
  for (const auto& p : kept) wn.push_back(p.weight / sw);
  {
    std::string post = "particle";
    for (const auto& p : spec.priors) {
      post += ',';
      post += csv_field(p.path);
    }
    post += ",weight,distance\n";
    for (std::size_t i = 0; i < kept.size(); ++i) {
      post += std::to_string(i);
      for (double v : kept[i].theta) {
        post += ',';
        post += num(v);
      }
      post += ',';
      post += num(wn[i]);
      post += ',';
      post += num(kept[i].distance);
      post += '\n';
    }
    put(res.out / "posterior.csv", post);
  }
  std::vector<std::pair<std::string, double>> values;
  for (const auto& o : spec.scenario_set) {
    const auto eq = o.find('=');
    values.emplace_back(o.substr(0, eq), std::strtod(o.c_str() + eq + 1, nullptr));
  }
  {
    std::ostringstream sum;
    sum << "parameter,prior,min,max,mean,sd,median,q05,q95,prior_q05,prior_q95\n";
    for (std::size_t d = 0; d < D; ++d) {
      const Prior& pr = spec.priors[d];
      std::vector<std::pair<double, double>> vw;
      double m = 0, v = 0;
      for (std::size_t i = 0; i < kept.size(); ++i) {
        vw.emplace_back(kept[i].theta[d], wn[i]);
        m += wn[i] * kept[i].theta[d];
      }
      for (std::size_t i = 0; i < kept.size(); ++i) v += wn[i] * (kept[i].theta[d] - m) * (kept[i].theta[d] - m);
      const double med = weighted_quantile(vw, 0.5), lo = weighted_quantile(vw, 0.05), hi = weighted_quantile(vw, 0.95);
      // prior 90% interval (for the narrowing comparison)
      double plo, phi;
      if (pr.kind == PriorKind::uniform) {
        plo = pr.min + 0.05 * (pr.max - pr.min);
        phi = pr.min + 0.95 * (pr.max - pr.min);
      } else if (pr.kind == PriorKind::log_uniform) {
        plo = std::exp(std::log(pr.min) + 0.05 * (std::log(pr.max) - std::log(pr.min)));
        phi = std::exp(std::log(pr.min) + 0.95 * (std::log(pr.max) - std::log(pr.min)));
      } else {
        std::vector<double> g;  // deterministic quadrature of the truncated normal's CDF
        const double a = pr.min, b = pr.max;
        const double ca = norm_cdf((a - pr.mean) / pr.sd), cb = norm_cdf((b - pr.mean) / pr.sd);
        auto inv = [&](double q) {
          double lo2 = a, hi2 = b;
          for (int it = 0; it < 200; ++it) {
            const double mid = 0.5 * (lo2 + hi2);
            if ((norm_cdf((mid - pr.mean) / pr.sd) - ca) / (cb - ca) < q) lo2 = mid; else hi2 = mid;
          }
          return 0.5 * (lo2 + hi2);
        };
        plo = inv(0.05);
        phi = inv(0.95);
      }
      const char* kind = pr.kind == PriorKind::uniform ? "uniform" : pr.kind == PriorKind::log_uniform ? "log_uniform" : "normal";
      sum << csv_field(pr.path) << "," << kind << "," << num(pr.min) << "," << num(pr.max) << "," << num(m) << ","
          << num(std::sqrt(v)) << "," << num(med) << "," << num(lo) << "," << num(hi) << "," << num(plo) << ","
          << num(phi) << "\n";
      res.median.push_back(med);
      res.q05.push_back(lo);
      res.q95.push_back(hi);
      values.emplace_back(pr.path, med);
    }
    put(res.out / "posterior_summary.csv", sum.str());
  }
  put(res.out / "scenario.calibrated.yaml", calibrated_yaml(spec, s.cfg, res.out, values));

  if (spec.predictive > 0) {
    Progress progress(static_cast<std::int64_t>(spec.predictive) * spec.replicates, opt.quiet, "calibrate predictive",
                      "runs");
    std::string countries, ppc;
    const std::string val =
        predictive_outputs(s, kept, wn, spec.predictive, spec.replicates, progress, countries, ppc, opt);
    progress.finish();
    put(res.out / "predictive_countries.csv", countries);
    put(res.out / "ppc.csv", ppc);
    put(res.out / "validation.csv", val);
  }
  res.world_constructions = s.worlds->constructions();
  res.world_equilibria = s.worlds->builds();
  res.world_copies = s.worlds->copies();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return res;
}

}  // namespace blocsim::calib
