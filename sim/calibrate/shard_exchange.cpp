// File-based exchange between calibration shards (`blocsim calibrate
// --shard i/n`): the allreduce of sim/calibrate/abc_detail.h for processes
// that share only a file system (Slurm job arrays, several machines).
#include "calibrate/abc_detail.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "blocsim/io/error.h"

namespace blocsim::calib::detail {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'B', 'L', 'C', 'X', 'C', 'H', 'G', '1'};

std::string file_of(const fs::path& dir, const std::string& tag, const std::string& key, int rank) {
  return (dir / (tag + "_" + key + "_" + std::to_string(rank) + ".bin")).string();
}

void write_buffer(const std::string& path, const std::vector<double>& buf) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw RunError("cannot write " + tmp);
    const std::uint64_t n = buf.size();
    out.write(kMagic, sizeof kMagic);
    out.write(reinterpret_cast<const char*>(&n), sizeof n);
    out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(n * sizeof(double)));
    out.flush();
    if (!out) throw RunError("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

//! Read a complete exchange file, or false if it is not there yet.
bool read_buffer(const std::string& path, std::vector<double>& buf) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  char magic[8];
  std::uint64_t n = 0;
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(&n), sizeof n);
  if (!in || std::memcmp(magic, kMagic, sizeof magic) != 0) throw RunError(path + ": not a calibration exchange file");
  if (n != buf.size())
    throw RunError(path + ": holds " + std::to_string(n) + " values, expected " + std::to_string(buf.size()) +
                   " (another calibration's shard?)");
  in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(n * sizeof(double)));
  if (!in) throw RunError(path + ": truncated");
  return true;
}

}  // namespace

std::function<void(std::vector<double>&, const std::string&)> file_exchange(const fs::path& dir, const std::string& tag,
                                                                           int rank, int size, double timeout) {
  return [dir, tag, rank, size, timeout](std::vector<double>& buf, const std::string& key) {
    fs::create_directories(dir);
    write_buffer(file_of(dir, tag, key, rank), buf);
    std::vector<double> sum(buf.size(), 0.0), part(buf.size());
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < size; ++r) {
      const std::string f = file_of(dir, tag, key, r);
      while (!read_buffer(f, part)) {
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > timeout)
          throw RunError("calibration shard " + std::to_string(rank) + "/" + std::to_string(size) + ": waited " +
                         std::to_string(static_cast<long>(timeout)) + " s for shard " + std::to_string(r) + " (" + f +
                         "); is every shard running?");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += part[i];  // shard order: the same sum everywhere
    }
    buf = std::move(sum);
  };
}

}  // namespace blocsim::calib::detail
