#include "config/file_watcher.h"

#include <utility>

namespace signet {

FileWatcher::FileWatcher(std::vector<std::string> paths) {
  Reset(std::move(paths));
}

void FileWatcher::Reset(std::vector<std::string> paths) {
  paths_ = std::move(paths);
  states_.clear();
  for (const std::string& path : paths_) states_.push_back(Stat(path));
}

bool FileWatcher::Changed() {
  bool changed = false;
  for (size_t i = 0; i < paths_.size(); ++i) {
    const FileState now = Stat(paths_[i]);
    if (!Same(now, states_[i])) {
      states_[i] = now;
      changed = true;
    }
  }
  return changed;
}

FileWatcher::FileState FileWatcher::Stat(const std::string& path) {
  struct stat info {};
  FileState state;
  if (stat(path.c_str(), &info) != 0) return state;
  state.exists = true;
  state.device = info.st_dev;
  state.inode = info.st_ino;
  state.size = info.st_size;
  state.modified = info.st_mtim;
  state.changed = info.st_ctim;
  return state;
}

bool FileWatcher::Same(const FileState& a, const FileState& b) {
  return a.exists == b.exists && a.device == b.device && a.inode == b.inode &&
         a.size == b.size && a.modified.tv_sec == b.modified.tv_sec &&
         a.modified.tv_nsec == b.modified.tv_nsec &&
         a.changed.tv_sec == b.changed.tv_sec &&
         a.changed.tv_nsec == b.changed.tv_nsec;
}

}  // namespace signet
