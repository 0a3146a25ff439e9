#ifndef SIGNET_CONFIG_FILE_WATCHER_H_
#define SIGNET_CONFIG_FILE_WATCHER_H_

#include <sys/stat.h>

#include <string>
#include <vector>

namespace signet {

// Notices that files changed, by stat(): device, inode, size, modification
// and change times. stat() follows symlinks, so the way Kubernetes updates
// a mounted Secret -- writing a new directory and swapping the ..data
// symlink -- shows up as a new inode. A file that appears or disappears
// counts as a change. A periodic stat of a handful of files is cheap and,
// unlike inotify, survives the watched directory being replaced. Not
// thread-safe.
class FileWatcher {
 public:
  // Records the current state of `paths`.
  explicit FileWatcher(std::vector<std::string> paths);

  // True if any file differs from the recorded state, which is then
  // updated (so each change is reported once).
  bool Changed();

  // Watches `paths` from now on, recording their current state.
  void Reset(std::vector<std::string> paths);

 private:
  struct FileState {
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    timespec changed{};
  };
  static FileState Stat(const std::string& path);
  static bool Same(const FileState& a, const FileState& b);

  std::vector<std::string> paths_;
  std::vector<FileState> states_;
};

}  // namespace signet

#endif  // SIGNET_CONFIG_FILE_WATCHER_H_
