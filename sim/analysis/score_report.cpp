// Reports of `blocsim score` (include/blocsim/analysis/score.h): the text
// report, the tidy CSV and the report folder read by `tools/plot score`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "blocsim/analysis/score.h"
#include "blocsim/output/format.h"

namespace blocsim::score {

namespace fs = std::filesystem;

namespace {

std::string fmt(double v, const char* f = "%.3f") {
  if (std::isnan(v)) return "nan";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

std::string format_report(const Report& r) {
  std::ostringstream o;
  o << "run:       " << r.run_dir << "\nobserved:  " << r.observed_path << "\ncompared:  " << r.what << " at tick "
    << r.tick << " (" << r.date << "), " << r.replicates << " replicate" << (r.replicates == 1 ? "" : "s") << ", "
    << r.countries << " countries\nlabels:    ";
  for (std::size_t i = 0; i < r.labels.size(); ++i) o << (i ? ", " : "") << r.labels[i];
  o << "\n\n";
  std::size_t w = 10;
  for (const auto& p : r.predictors) w = std::max(w, p.name.size());
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-*s  %8s  %8s  %8s  %8s  %8s  %8s\n", static_cast<int>(w), "predictor", "AUC", "Brier",
                "log", "accuracy", "kappa", "ARI");
  o << buf << std::string(w + 60, '-') << "\n";
  for (const auto& p : r.predictors) {
    if (!p.available) {
      std::snprintf(buf, sizeof buf, "%-*s  %s\n", static_cast<int>(w), p.name.c_str(), ("n/a: " + p.note).c_str());
      o << buf;
      continue;
    }
    std::snprintf(buf, sizeof buf, "%-*s  %8s  %8s  %8s  %8s  %8s  %8s", static_cast<int>(w), p.name.c_str(),
                  fmt(p.scores.auc).c_str(), fmt(p.scores.brier).c_str(), fmt(p.scores.log_score).c_str(),
                  fmt(p.scores.accuracy).c_str(), fmt(p.scores.kappa).c_str(), fmt(p.scores.ari).c_str());
    o << buf << (p.note.empty() ? "" : "   " + p.note) << "\n";
  }
  if (!r.comparisons.empty()) {
    o << "\nBlocSim minus baseline [" << fmt(100 * r.level, "%.0f") << "% bootstrap interval over countries, " << r.bootstrap
      << " resamples, seed " << r.seed << "]; higher is better for AUC, accuracy, kappa; lower for Brier and log:\n";
    std::snprintf(buf, sizeof buf, "%-*s  %24s  %24s  %24s  %24s  %24s\n", static_cast<int>(w), "baseline", "AUC", "Brier", "log",
                  "accuracy", "kappa");
    o << buf;
    for (std::size_t i = 0; i < r.comparisons.size(); i += 5) {
      std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(w), r.comparisons[i].baseline.c_str());
      o << buf;
      for (std::size_t k = i; k < std::min(i + 5, r.comparisons.size()); ++k) {
        const auto& c = r.comparisons[k];
        const std::string cell = fmt(c.diff, "%+.3f") + " [" + fmt(c.lo, "%+.3f") + ", " + fmt(c.hi, "%+.3f") + "]";
        std::snprintf(buf, sizeof buf, "  %24s", cell.c_str());
        o << buf;
      }
      o << "\n";
    }
  }
  if (!r.reliability.empty()) {
    o << "\nreliability of BlocSim (" << (r.binary ? "P(" + r.labels[1] + ")" : std::string("every class probability, pooled"))
      << "): bin, mean forecast, observed frequency, n\n";
    for (const auto& b : r.reliability) {
      std::snprintf(buf, sizeof buf, "  [%.1f, %.1f%c  %6.3f  %6.3f  %5d\n", b.lo, b.hi, b.hi >= 1.0 ? ']' : ')', b.forecast, b.observed, b.n);
      o << buf;
    }
  }
  o << "\nper-bloc precision / recall (observed n, predicted n):\n";
  std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(w), "predictor");
  o << buf;
  for (const auto& l : r.labels) {
    std::snprintf(buf, sizeof buf, "  %22s", l.c_str());
    o << buf;
  }
  o << "\n";
  for (const auto& p : r.predictors) {
    if (!p.available || p.scores.per_class.empty()) continue;
    std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(w), p.name.c_str());
    o << buf;
    for (const auto& c : p.scores.per_class) {
      const std::string cell = fmt(c.precision, "%.2f") + "/" + fmt(c.recall, "%.2f") + " (" + std::to_string(c.observed) + "," +
                               std::to_string(c.predicted) + ")";
      std::snprintf(buf, sizeof buf, "  %22s", cell.c_str());
      o << buf;
    }
    o << "\n";
  }
  o << "\nBrier: multi-class, (1/n) sum_i sum_b (p_ib - 1{obs_i = b})^2 in [0, 2]; deterministic predictors score "
       "2(1 - accuracy).\nlog: -(1/n) sum_i ln max(p_i,obs, 0.01). AUC: Mann-Whitney"
    << (r.binary ? "" : ", mean of one-vs-rest over classes") << ". Formulas: docs/validation.md section 2.\n";
  for (const auto& n : r.notes) o << "note: " << n << "\n";
  return o.str();
}

std::string report_csv(const Report& r) {
  std::ostringstream o;
  o << "predictor,metric,label,value\n";
  auto num = [](double v) { return format_number(v); };
  for (const auto& p : r.predictors) {
    if (!p.available) continue;
    const std::string name = "\"" + p.name + "\"";
    o << name << ",accuracy,," << num(p.scores.accuracy) << "\n";
    o << name << ",kappa,," << num(p.scores.kappa) << "\n";
    o << name << ",ari,," << num(p.scores.ari) << "\n";
    o << name << ",brier,," << num(p.scores.brier) << "\n";
    o << name << ",auc,," << num(p.scores.auc) << "\n";
    o << name << ",log_score,," << num(p.scores.log_score) << "\n";
    for (const auto& c : p.scores.per_class) {
      o << name << ",precision," << c.label << "," << num(c.precision) << "\n";
      o << name << ",recall," << c.label << "," << num(c.recall) << "\n";
    }
  }
  return o.str();
}

void write_report_dir(const Report& r, const fs::path& dir) {
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    if (!out) throw RunError("cannot write " + (dir / name).string());
    out << text;
  };
  auto num = [](double v) { return format_number(v); };
  write("report.txt", format_report(r));
  write("scores.csv", report_csv(r));
  std::ostringstream d;
  d << "baseline,metric,model,baseline_value,difference,lo,hi,level,resamples,seed\n";
  for (const auto& c : r.comparisons)
    d << quoted(c.baseline) << "," << c.metric << "," << num(c.model) << "," << num(c.base) << "," << num(c.diff) << ","
      << num(c.lo) << "," << num(c.hi) << "," << num(r.level) << "," << r.bootstrap << "," << r.seed << "\n";
  write("differences.csv", d.str());
  std::ostringstream rel;
  rel << "predictor,lo,hi,forecast,observed,n\n";
  for (const auto& p : r.predictors) {
    if (!p.available || p.prob.empty()) continue;
    for (const auto& b : reliability(r.truth, p.prob))
      rel << quoted(p.name) << "," << num(b.lo) << "," << num(b.hi) << "," << num(b.forecast) << "," << num(b.observed) << ","
          << b.n << "\n";
  }
  write("reliability.csv", rel.str());
  std::ostringstream c;
  c << "iso3,observed";
  for (const auto& l : r.labels) c << ",p_" << l;
  c << ",predicted,miss\n";
  const Predictor& m = r.predictors[0];
  for (std::size_t i = 0; i < r.iso3.size(); ++i) {
    c << r.iso3[i] << "," << r.labels[static_cast<std::size_t>(r.truth[i])];
    for (double p : m.prob[i]) c << "," << num(p);
    c << "," << r.labels[static_cast<std::size_t>(m.pred[i])] << "," << num(1.0 - m.prob[i][static_cast<std::size_t>(r.truth[i])]) << "\n";
  }
  write("countries.csv", c.str());
  std::ostringstream meta;
  meta << "run: " << r.run_dir << "\nobserved: " << r.observed_path << "\nwhat: " << r.what << "\ntick: " << r.tick
       << "\ndate: " << r.date << "\nreplicates: " << r.replicates << "\ncountries: " << r.countries
       << "\nbinary: " << (r.binary ? "true" : "false") << "\nclasses: [";
  for (std::size_t i = 0; i < r.labels.size(); ++i) meta << (i ? ", " : "") << r.labels[i];
  meta << "]\n";
  write("score.yaml", meta.str());
}

}  // namespace blocsim::score
