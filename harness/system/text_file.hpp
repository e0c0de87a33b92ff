// Whole-file text I/O for the results folder: every failure is an exception naming the path and the
// errno text, so a run that cannot write its results says exactly why.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace zkc::harness {

// Writing an output failed (full disk, read-only folder, ...): the machine's fault, not the input's, so
// commands tell it apart from a damaged input file (exit 1, not 2).
class WriteError : public std::system_error {
 public:
  using std::system_error::system_error;
};

// Writes `content` to `path` whole or not at all: into a hidden temporary file beside it
// (temp_file_name), flushed to disk (fsync), then renamed over `path`. A crash, kill -9 or a full
// disk leaves the previous file (or none) and at most a hidden temporary (remove_stale_temp_files
// cleans it up), never a cut file under the final name. `path` naming a symbolic link to a regular file
// replaces the link (never writes through it: results folders may be shared between users); naming
// something other than a regular file (a FIFO, /dev/stdout) writes it in place. WriteError naming the
// path on any failure.
void write_text_file(const std::filesystem::path& path, std::string_view content);
// The same promise for content made piece by piece (a long log's timeline.csv): the pieces go to the
// hidden temporary as they come, in writes of about kTextFileChunk bytes, so the file is never held
// whole in memory; commit() flushes, fsyncs and renames it into place. A writer destroyed without
// commit() (the content's producer threw) removes its temporary: the previous file (or none) stays.
// A `path` that is not a regular file is written in place, as write_text_file does. WriteError naming
// the path on any failure.
inline constexpr std::size_t kTextFileChunk = 1 << 20;
class TextFileWriter {
 public:
  explicit TextFileWriter(std::filesystem::path path);
  TextFileWriter(const TextFileWriter&) = delete;
  TextFileWriter& operator=(const TextFileWriter&) = delete;
  ~TextFileWriter();
  void write(std::string_view piece);
  void commit();
  // The hidden temporary being written ("" when writing in place or once committed).
  const std::string& temp_path() const { return temp_; }

 private:
  void flush();
  std::filesystem::path path_;
  int fd_ = -1;
  std::string temp_;    // removed by the destructor unless committed
  std::string buffer_;  // at most about kTextFileChunk bytes not yet written
};

// The mkstemp template of write_text_file's temporary for a file named `name`: `.<name>.<pid>.XXXXXX`.
std::string temp_file_name(const std::string& name);
// Removes the temporaries `.<name>.<pid>.XXXXXX` in `dir` whose process is gone (killed hard during a
// write), as remove_stale_temp_dirs does for run folders; a live writer's stay. Returns how many.
std::size_t remove_stale_temp_files(const std::filesystem::path& dir);
// The whole file (std::system_error on any failure).
std::string read_text_file(const std::filesystem::path& path);

}  // namespace zkc::harness
