// RunDirectory: where one run writes its results, all or nothing. Files go into a hidden temporary
// directory `<root>/.tmp-<run_id>-<pid>`; commit() renames it to `<root>/<run_id>` in one step, and a
// run that never commits (an exception, a failed check) has its temporary directory removed, so the
// results root only ever holds complete runs. A name taken meanwhile (two runs started together with
// the same id) never costs the finished run its results: commit() takes `<run_id>-2`, `-3`, ...
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace zkc::harness {

class RunDirectory {
 public:
  // Creates `results_root` (with parents) and the temporary directory. std::invalid_argument for a
  // run_id that is not a plain name (is_plain_run_id); std::system_error naming the path when a
  // directory cannot be created. An existing `<root>/<run_id>` is no error: commands check the name
  // when they start (a run lasts long after that), and commit() never replaces it.
  static RunDirectory create(const std::filesystem::path& results_root, const std::string& run_id);

  RunDirectory(RunDirectory&& other) noexcept;
  RunDirectory& operator=(RunDirectory&& other) noexcept;
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;
  // Removes the temporary directory unless committed (a failure is reported on stderr: no throwing).
  ~RunDirectory();

  // Where to write: the temporary directory before commit(), the final one after.
  const std::filesystem::path& path() const { return committed_ ? final_path_ : temp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }
  const std::string& run_id() const { return run_id_; }
  bool committed() const { return committed_; }
  // After commit(): the run landed under another name than run_id (it was taken meanwhile).
  bool renamed() const { return committed_ && final_path_.filename() != run_id_; }

  // Atomically renames the temporary directory to final_path(); never replaces an existing entry: when
  // `<run_id>` exists by now, the first free one of `<run_id>-2` .. `<run_id>-999` is taken and
  // final_path() says which. std::system_error naming both paths when none can be (the temporary
  // directory is then kept for the destructor).
  const std::filesystem::path& commit();

 private:
  RunDirectory(std::filesystem::path temp, std::filesystem::path final_path, std::string run_id)
      : temp_path_(std::move(temp)), final_path_(std::move(final_path)), run_id_(std::move(run_id)) {}
  void discard() noexcept;

  std::filesystem::path temp_path_;
  std::filesystem::path final_path_;
  std::string run_id_;
  bool committed_ = false;
  bool owns_ = true;  // false once moved from
};

// A run id is a plain folder name: letters, digits, '.', '_', '-', not starting with '.' (hidden
// names are this module's: `.tmp-` marks an unfinished run).
bool is_plain_run_id(std::string_view run_id);

// Creates `<root>/<id>` (root with parents) for a command's own folder (an A/B's, holding runs/).
// With `unique_suffix` an existing `<id>` moves on to `<id>-2`, `-3`, ... (two default ids from the
// same second); without it an existing one is std::system_error EEXIST naming the path. Returns the
// folder created. std::invalid_argument for an id that is not plain.
std::filesystem::path claim_folder(const std::filesystem::path& root, const std::string& id, bool unique_suffix);

// Removes the temporary directories `.tmp-<id>-<pid>` under `root` whose process is gone (killed hard:
// a clean failure removes its own); those of a live process (a concurrent run) are kept. Returns how
// many were removed.
std::size_t remove_stale_temp_dirs(const std::filesystem::path& root);
// The same, limited to the run ids `mine` accepts (`.tmp-<id>-<pid>`): a sweep shard's own runs. In a
// folder shared by machines, another host's run in progress has a pid that means nothing here.
std::size_t remove_stale_temp_dirs(const std::filesystem::path& root,
                                   const std::function<bool(std::string_view run_id)>& mine);

// "<YYYYmmdd-HHMMSS>-<label>" in local time; the label's characters outside [A-Za-z0-9._-] become '_'
// (an empty label gives the timestamp alone).
std::string make_run_id(std::string_view label);
// `label` with every character outside [A-Za-z0-9._-] replaced by '_'.
std::string sanitize_label(std::string_view label);

}  // namespace zkc::harness
