#!/usr/bin/python3
"""Fails when an #include crosses to a module its target does not link.

Run by ctest as LayeringTest (tests/layering/CMakeLists.txt):

    check-layering.py --build-dir BUILD --source-dir SOURCE

It reads BUILD/layering/targets.json, which configuring writes
(cmake/layering.cmake): every target with its sources, include directories
and link libraries as target_link_libraries() recorded them. Nothing here
knows a target's name, except GRPC_ALLOWED below.

The rules, for every library or executable whose source directory is under
src/:

1. Ownership. A target owns the headers listed among its sources, and for
   each of its .cc files the .h of the same name beside it. Header-only
   headers therefore have to be listed in add_library() (an INTERFACE
   library's sources, or a STATIC library's). Every .h under src/ must have
   exactly one owner; generated headers (the .pb.h files) are owned by the
   target that lists them.

2. Includes. Each `#include "x/y.h"` in a target's sources and owned
   headers is looked up under the project's include directories. If it
   names a header some target owns, that owner must be the target itself or
   reachable from it: through the target's own link libraries (PUBLIC or
   PRIVATE), and from there through their PUBLIC/INTERFACE link libraries
   (what CMake propagates as usage requirements; a dependency's PRIVATE
   libraries, $<LINK_ONLY:...>, do not count: they are linked, but not
   declared to you). Includes that resolve to no project file (absl,
   protobuf, system headers) are not checked.

3. gRPC++. Only the targets in GRPC_ALLOWED may have gRPC::grpc++ in their
   link closure (here $<LINK_ONLY:...> counts: it is about what is linked).

Each violation is printed on a line of its own; the exit status is 1 if
there is any.
"""

import argparse
import collections
import json
import os
import re
import sys

# The targets under src/ that serve or call gRPC: the gateway and signet
# itself. (The generated gRPC stubs' target lives outside src/.)
GRPC_ALLOWED = {"signet_server", "signet_process", "signet"}
GRPC_TARGET = "gRPC::grpc++"

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
LINK_ONLY_RE = re.compile(r"^\$<LINK_ONLY:(.*)>$")
NAME_RE = re.compile(r"[A-Za-z0-9_.+:-]+")
HEADER_EXTS = (".h", ".hh", ".hpp")
SOURCE_EXTS = (".cc", ".cpp", ".cxx", ".c")


def load_model(build_dir):
    path = os.path.join(build_dir, "layering", "targets.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        sys.exit(f"check-layering: cannot read {path} ({e}); "
                 "configure the build first (cmake/layering.cmake writes it)")


class Graph:
    def __init__(self, model):
        self.targets = {t["name"]: t for t in model["targets"]}

    def _deps(self, items, with_link_only):
        """Targets named by a list of link items, in order."""
        out = []
        for item in items:
            m = LINK_ONLY_RE.match(item)
            if m:
                if not with_link_only:
                    continue
                item = m.group(1)
            if item in self.targets:
                out.append(item)
            elif "$<" in item:
                # Some other generator expression: take the target names in it.
                out.extend(n for n in NAME_RE.findall(item) if n in self.targets)
        return out

    def direct(self, name, with_link_only):
        t = self.targets[name]
        if t["type"] == "INTERFACE_LIBRARY" or t.get("imported"):
            return self._deps(t.get("INTERFACE_LINK_LIBRARIES", []), with_link_only)
        # A built target's own link libraries, PRIVATE ones included.
        return self._deps(t.get("LINK_LIBRARIES", []), True)

    def propagated(self, name, with_link_only):
        return self._deps(self.targets[name].get("INTERFACE_LINK_LIBRARIES", []),
                          with_link_only)

    def closure(self, name, with_link_only):
        """{dependency: the target that brought it in}, without name itself."""
        parent = {}
        queue = collections.deque()
        for d in self.direct(name, with_link_only):
            if d != name and d not in parent:
                parent[d] = name
                queue.append(d)
        while queue:
            cur = queue.popleft()
            for d in self.propagated(cur, with_link_only):
                if d != name and d not in parent:
                    parent[d] = cur
                    queue.append(d)
        return parent

    @staticmethod
    def path(parent, start, dep):
        chain = [dep]
        while chain[-1] != start:
            chain.append(parent[chain[-1]])
        return list(reversed(chain))


def target_files(t):
    """(sources, owned headers) of a non-imported target, as absolute paths."""
    base = t.get("source_dir", "")
    files = []
    for s in t.get("SOURCES", []) + t.get("INTERFACE_SOURCES", []):
        if "$<" in s:
            continue
        files.append(os.path.normpath(os.path.join(base, s)))
    headers = set(f for f in files if f.endswith(HEADER_EXTS))
    for f in files:
        if f.endswith(SOURCE_EXTS):
            stem = os.path.splitext(f)[0]
            for ext in HEADER_EXTS:
                if os.path.exists(stem + ext):
                    headers.add(stem + ext)
    return files, headers


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--list-grpc", action="store_true",
                    help="also list every target that links gRPC::grpc++")
    args = ap.parse_args()

    model = load_model(args.build_dir)
    source_dir = os.path.realpath(args.source_dir)
    build_dir = os.path.realpath(model.get("binary_dir", args.build_dir))
    src_root = os.path.join(source_dir, "src")
    graph = Graph(model)
    errors = []

    def rel(path):
        for root in (source_dir, build_dir):
            if path.startswith(root + os.sep):
                return os.path.relpath(path, root)
        return path

    def under(path, root):
        return path.startswith(root + os.sep)

    def in_project(path):
        return under(path, source_dir) or under(path, build_dir)

    # Rule 1: who owns which header.
    owners = collections.defaultdict(list)
    files_of = {}
    for name, t in graph.targets.items():
        if t.get("imported"):
            continue
        files, headers = target_files(t)
        files_of[name] = (files, headers)
        for h in headers:
            if in_project(h):
                owners[h].append(name)
    for h, names in sorted(owners.items()):
        if len(names) > 1:
            errors.append(f"{rel(h)} is owned by {', '.join(sorted(names))}: "
                          "a header belongs to one target")
    for dirpath, dirnames, filenames in os.walk(src_root):
        dirnames.sort()
        for fn in sorted(filenames):
            p = os.path.join(dirpath, fn)
            if fn.endswith(HEADER_EXTS) and p not in owners:
                errors.append(f"{rel(p)} is owned by no target: list it in the "
                              "add_library() of the module it belongs to")

    # The directories includes are resolved against: every plain include
    # directory a project target declares, inside the project.
    roots = []
    for t in graph.targets.values():
        if t.get("imported"):
            continue
        for d in t.get("INTERFACE_INCLUDE_DIRECTORIES", []) + t.get("INCLUDE_DIRECTORIES", []):
            if "$<" in d:
                continue
            d = os.path.normpath(d)
            if in_project(d) and d not in roots:
                roots.append(d)

    def resolve(include, including_file):
        candidates = [os.path.join(os.path.dirname(including_file), include)]
        candidates += [os.path.join(r, include) for r in roots]
        for c in candidates:
            c = os.path.normpath(c)
            if c in owners or (in_project(c) and os.path.isfile(c)):
                return c
        return None

    # Rule 2: includes.
    checked = sorted(
        n for n, t in graph.targets.items()
        if not t.get("imported")
        and (t["source_dir"] == src_root or under(t["source_dir"], src_root)))
    for name in checked:
        allowed = graph.closure(name, with_link_only=False)
        files, headers = files_of[name]
        for f in sorted(set(files) | headers):
            if not f.endswith(HEADER_EXTS + SOURCE_EXTS) or not os.path.isfile(f):
                continue
            with open(f, encoding="utf-8", errors="replace") as fh:
                lines = fh.readlines()
            for line in lines:
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                target_path = resolve(inc, f)
                if target_path is None:
                    continue
                inc_owners = owners.get(target_path)
                if not inc_owners:
                    # A header under src/ with no owner is reported above.
                    if not under(target_path, src_root):
                        errors.append(f'{rel(f)} ({name}) includes "{inc}", '
                                      f"which no target owns ({rel(target_path)})")
                    continue
                owner = inc_owners[0]
                if owner != name and owner not in allowed:
                    errors.append(f'{rel(f)} ({name}) includes "{inc}" owned by '
                                  f"{owner}, which {name} does not link")

    # Rule 3: gRPC++.
    grpc_linkers = []
    for name in sorted(n for n, t in graph.targets.items() if not t.get("imported")):
        closure = graph.closure(name, with_link_only=True)
        if GRPC_TARGET in closure:
            chain = " -> ".join(Graph.path(closure, name, GRPC_TARGET))
            grpc_linkers.append((name, chain))
            if name in checked and name not in GRPC_ALLOWED:
                errors.append(f"{name} links {GRPC_TARGET} ({chain}); under src/ "
                              f"only {', '.join(sorted(GRPC_ALLOWED))} may")
    if args.list_grpc:
        for name, chain in grpc_linkers:
            print(f"links {GRPC_TARGET}: {chain}")

    for e in errors:
        print(e)
    print(f"check-layering: {len(checked)} targets under src/, "
          f"{len(owners)} owned headers, {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
