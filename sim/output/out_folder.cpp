// Output-folder safety (see out_folder.h and docs/reliability.md).
#include "blocsim/output/out_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include "blocsim/io/error.h"

namespace fs = std::filesystem;

namespace blocsim {
namespace {

const SourceLoc kCommandLine{"<command line>", 0, 0};

std::atomic<int> g_signal{0};

extern "C" void on_interrupt(int sig) {
  g_signal.store(sig);
  std::signal(sig, SIG_DFL);  // a second signal ends the process at once
}

fs::path lock_path(const fs::path& out) {
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  // (appended piecewise: GCC 12 reports a false -Wrestrict for "." + string)
  std::string name = ".";
  name += out.filename().string();
  name += ".lock";
  return parent / name;
}

}  // namespace

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return false;
    if (i + static_cast<std::size_t>(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<std::size_t>(len);
  }
  return true;
}

std::string run_name_problem(const std::string& name) {
  if (name.empty()) return "empty name; a run folder needs a name";
  if (name.size() > 200) return "name is " + std::to_string(name.size()) + " bytes long; at most 200 (it names a folder)";
  if (name == "." || name == "..") return "'" + name + "' is not a folder name";
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
    return "'" + name + "' contains a path separator; the name becomes the folder results/<name>, so it must be one folder name (use --out to write elsewhere)";
  if (name[0] == '.') return "'" + name + "' starts with '.'; hidden names are reserved for temporary folders";
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return "name contains a control character (byte " + std::to_string(c) + ")";
  }
  if (!valid_utf8(name)) return "name is not valid UTF-8 (save the file as UTF-8)";
  return "";
}

fs::path normalize_out(const fs::path& out) {
  std::string s = out.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  const fs::path p(s);
  const std::string last = p.filename().string();
  if (s.empty() || s == "/" || last == "." || last == ".." || p.lexically_normal().filename().empty() ||
      p.lexically_normal() == ".")
    throw ConfigError(kCommandLine, "--out",
                      "'" + out.string() + "' does not name a new folder; give the run folder's own name, e.g. --out results/my_run");
  return p;
}

bool is_run_folder(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_directory(p, ec) || fs::is_symlink(fs::symlink_status(p, ec))) return false;
  std::ifstream f(p / "metadata.yaml", std::ios::binary);
  std::string first;
  return f && std::getline(f, first) && first == "format: blocsim-run";
}

void check_out_replaceable(const fs::path& out, bool overwrite) {
  std::error_code ec;
  const auto st = fs::symlink_status(out, ec);
  if (!fs::exists(st)) return;
  if (!overwrite)
    throw ConfigError(kCommandLine, "--out",
                      "output folder '" + out.string() + "' already exists; pass --overwrite to replace it or --out to choose another");
  const bool empty_dir = fs::is_directory(st) && fs::is_empty(out, ec);
  if (!empty_dir && !is_run_folder(out))
    throw ConfigError(kCommandLine, "--out",
                      "'" + out.string() + "' exists and is not a BlocSim run folder (" +
                          (fs::is_directory(st) ? std::string("no metadata.yaml with 'format: blocsim-run'") : "not a folder") +
                          "); --overwrite replaces only run folders; choose another --out");
}

OutFolderLock::OutFolderLock(const fs::path& out) : path_(lock_path(out)) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw RunError(path_.string() + ": cannot create the lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      char buf[32] = {0};
      const ssize_t got = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      fd_ = -1;
      std::string pid = got > 0 ? std::string(buf, static_cast<std::size_t>(got)) : "?";
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      throw RunError("another blocsim process (pid " + pid + ") is writing '" + out.string() +
                     "' right now; wait for it to finish or choose another --out");
    }
    // The holder before us may have removed the file after we opened it:
    // the lock counts only if our descriptor is still the file at the path.
    struct stat a {}, b {};
    if (::fstat(fd_, &a) == 0 && ::stat(path_.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] const ssize_t w = ::pwrite(fd_, pid.data(), pid.size(), 0);
      }
      return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw RunError(path_.string() + ": cannot take the lock (the file keeps changing)");
}

OutFolderLock::~OutFolderLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // before unlocking: a waiter re-checks the inode
  ::close(fd_);
}

int remove_stale_temporaries(const fs::path& out) {
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::string base = ".";
  base += out.filename().string();
  int removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string n = e.path().filename().string();
    for (const char* kind : {".tmp-", ".old-"}) {
      const std::string prefix = base + kind;
      if (n.size() > prefix.size() && n.compare(0, prefix.size(), prefix) == 0 &&
          n.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
        std::error_code rec;
        fs::remove_all(e.path(), rec);
        if (!rec) ++removed;
      }
    }
  }
  return removed;
}

void install_interrupt_handlers() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

int interrupt_signal() noexcept { return g_signal.load(); }

void check_interrupt() {
  if (const int s = g_signal.load())
    throw RunError("interrupted by signal " + std::to_string(s) + " (" + (s == SIGINT ? "SIGINT" : "SIGTERM") + ")");
}

}  // namespace blocsim
