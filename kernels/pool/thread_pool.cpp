#include "kernels/pool/thread_pool.hpp"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <latch>
#include <stdexcept>

namespace zkc {
namespace {
// Which pool (if any) the current thread works for: lets parallel_for run nested calls inline.
thread_local const ThreadPool* t_pool = nullptr;
thread_local int t_worker_index = -1;
}  // namespace

ThreadPool::ThreadPool(Options options)
    : name_(std::move(options.name)), on_thread_start_(std::move(options.on_thread_start)) {
  if (options.threads == 0) throw std::invalid_argument("ThreadPool '" + name_ + "': threads must be >= 1");
  std::vector<std::future<pid_t>> started;
  workers_.reserve(options.threads);
  for (unsigned i = 0; i < options.threads; ++i) {
    std::promise<pid_t> p;
    started.push_back(p.get_future());
    workers_.emplace_back(&ThreadPool::worker_main, this, i, std::move(p));
  }
  tids_.reserve(options.threads);
  for (auto& f : started) tids_.push_back(f.get());
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
}

std::vector<std::thread::native_handle_type> ThreadPool::native_handles() {
  std::vector<std::thread::native_handle_type> out;
  for (auto& w : workers_) out.push_back(w.native_handle());
  return out;
}

int ThreadPool::current_worker_index() const { return t_pool == this ? t_worker_index : -1; }

void ThreadPool::worker_main(unsigned index, std::promise<pid_t> started) {
  t_pool = this;
  t_worker_index = static_cast<int>(index);
  const std::string thread_name = (name_ + "-" + std::to_string(index)).substr(0, 15);
  pthread_setname_np(pthread_self(), thread_name.c_str());  // cosmetic: failure is harmless
  started.set_value(static_cast<pid_t>(gettid()));
  if (on_thread_start_) on_thread_start_(index);
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void ThreadPool::enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void ThreadPool::for_each_task(std::size_t tasks,
                               const std::function<void(std::size_t, unsigned)>& fn,
                               unsigned max_workers, JobObserver* observer) {
  if (tasks == 0) return;
  if (const int self = current_worker_index(); self >= 0) {
    const auto me = static_cast<unsigned>(self);
    if (observer != nullptr) observer->job_begin(me);
    try {
      for (std::size_t t = 0; t < tasks; ++t) fn(t, me);
    } catch (...) {
      if (observer != nullptr) observer->job_end(me);
      throw;
    }
    if (observer != nullptr) observer->job_end(me);
    return;
  }
  unsigned workers = max_workers == 0 ? size() : std::min(max_workers, size());
  workers = static_cast<unsigned>(std::min<std::size_t>(workers, tasks));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  std::latch done(workers);
  for (unsigned w = 0; w < workers; ++w) {
    enqueue([&] {
      const auto me = static_cast<unsigned>(t_worker_index);
      if (observer != nullptr) observer->job_begin(me);
      try {
        for (std::size_t t; (t = next.fetch_add(1, std::memory_order_relaxed)) < tasks;) fn(t, me);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(tasks, std::memory_order_relaxed);  // stop handing out work
      }
      if (observer != nullptr) observer->job_end(me);  // before count_down: the caller may then destroy it
      done.count_down();
    });
  }
  done.wait();
  if (error) std::rethrow_exception(error);
}

void ThreadPool::parallel_for(std::size_t n, std::size_t chunk,
                              const std::function<void(std::size_t, std::size_t)>& fn,
                              unsigned max_workers, JobObserver* observer) {
  if (n == 0) return;
  if (chunk == 0) chunk = 1;
  const std::size_t chunks = (n + chunk - 1) / chunk;
  for_each_task(
      chunks,
      [&](std::size_t c, unsigned) {
        const std::size_t begin = c * chunk;
        fn(begin, std::min(n, begin + chunk));
      },
      max_workers, observer);
}

}  // namespace zkc
