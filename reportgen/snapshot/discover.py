"""Find the log files of a snapshot: walk folders, extract tar archives safely, take single files.

Every input path is a *root*. A folder root is walked in sorted order, skipping hidden entries and
its own `sources.yaml`; a `.tar`/`.tar.gz`/`.tgz` root is extracted into a private directory first
(regular files only: absolute names, `..` components, links and devices are refused) and, when
all its members sit in one top-level folder (`tar czf logs.tgz -C /tmp snap`), that folder is the
root, as if it had been given; a single file is its own root. Names are relative to the root,
with `/` separators.

Entries that cannot be read are not fatal: each is listed in `Discovery.skipped` with its
problem (an unreadable file or folder, a link leading out of the snapshot, a device, a tar member
dropped because a later one has its name), and becomes a file of the snapshot with no records.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import SnapshotError
from reportgen.snapshot.model import FileInfo
from reportgen.snapshot.tarsafe import extract_tar, is_tar

__all__ = ["SOURCES_FILE", "Discovery", "InputFile", "Skipped", "discover", "is_tar"]

SOURCES_FILE = "sources.yaml"


@dataclass(frozen=True)
class InputFile:
    """One file to ingest: `root` is the index of its input, `name` its path relative to that root,
    `path` where to read it, `single` whether the input was this file alone."""

    root: int
    name: str
    path: Path
    size: int
    mtime_ns: int
    single: bool = False


@dataclass(frozen=True)
class Skipped:
    """An entry of a root that is not read: its name (a folder's ends with `/`), its size and
    why (a problem name of `reportgen.snapshot.model`)."""

    root: int
    name: str
    size: int
    problem: str


@dataclass
class Discovery:
    """The files of all inputs, sorted by (name, root), the `sources.yaml` found in each root,
    and the entries skipped while walking."""

    roots: list[Path]
    files: list[InputFile] = field(default_factory=list)
    sources: list[Path | None] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def with_skipped(self, read: list[FileInfo]) -> list[FileInfo]:
        """`read` (the FileInfo of `files`, in order) and one FileInfo per skipped entry, by
        name: a skipped entry is a file of the snapshot that gave no records."""
        extra = [FileInfo(s.name, "", 0, 0, s.size, {s.problem: 1}) for s in self.skipped]
        return sorted([*extra, *read], key=lambda info: info.name)


def discover(paths: list[Path], workdir: Path) -> Discovery:
    """The files of `paths`; tar archives are extracted under `workdir` (which must exist)."""
    found = Discovery(roots=list(paths))
    for index, given in enumerate(paths):
        if not given.exists():
            raise SnapshotError(f"no such file or directory: {given}")
        if given.is_dir():
            _walk(found, index, given, workdir)
        elif is_tar(given):
            target = workdir / f"tar{index}"
            target.mkdir()
            extracted = extract_tar(given, target)
            root = target / extracted.folder if extracted.folder else target
            prefix = f"{extracted.folder}/" if extracted.folder else ""
            for name, size in extracted.dropped:
                found.skipped.append(
                    Skipped(index, _display_name(name.removeprefix(prefix)), size, "duplicate")
                )
            _walk(found, index, root, workdir)
        else:
            info = given.stat()
            found.sources.append(None)
            name = _display_name(given.name)
            if not stat.S_ISREG(info.st_mode):  # --logs /dev/zero, a pipe...
                found.skipped.append(Skipped(index, name, 0, "not_regular"))
                continue
            if not _can_open(given):
                found.skipped.append(Skipped(index, name, info.st_size, "unreadable"))
                continue
            path = given if _utf8(str(given)) else _renamed_copy(given, workdir)
            found.files.append(
                InputFile(index, name, path, info.st_size, info.st_mtime_ns, single=True)
            )
    found.files.sort(key=lambda item: (item.name, item.root))
    return found


def _can_open(path: Path) -> bool:
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    os.close(handle)
    return True


def _walk(found: Discovery, index: int, root: Path, workdir: Path) -> None:
    real_root = root.resolve()
    entries: list[tuple[str, Path, os.stat_result]] = []

    def unreadable_folder(error: OSError) -> None:
        where = Path(error.filename or root)
        if where == root:
            raise SnapshotError(f"cannot read the folder {root}: {error.strerror}")
        problem = "unreadable" if error.errno in (errno.EACCES, errno.EPERM) else "not_regular"
        found.skipped.append(Skipped(index, _relative(where, root) + "/", 0, problem))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable_folder):
        here = Path(dirpath)
        for name in sorted(dirnames):
            path = here / name
            if not name.startswith(".") and path.is_symlink():
                # os.walk does not enter linked folders: say so rather than skip them silently.
                found.skipped.append(Skipped(index, _relative(path, root) + "/", 0, "not_regular"))
        dirnames[:] = sorted(n for n in dirnames if not n.startswith("."))
        for filename in sorted(filenames):
            if filename.startswith("."):
                continue
            path = here / filename
            name = _relative(path, root)
            problem, info = _check_entry(path, real_root)
            if problem is not None:
                found.skipped.append(Skipped(index, name, 0, problem))
                continue
            assert info is not None
            entries.append((name, path, info))
    shared = _links_outside(entries)
    sources = None
    for name, path, info in entries:
        if (info.st_dev, info.st_ino) in shared:
            found.skipped.append(Skipped(index, name, info.st_size, "outside_root"))
        elif name == SOURCES_FILE:
            sources = path
        elif not _can_open(path):
            found.skipped.append(Skipped(index, name, info.st_size, "unreadable"))
        else:
            if not _utf8(str(path)):
                path = _renamed_copy(path, workdir)
            found.files.append(InputFile(index, name, path, info.st_size, info.st_mtime_ns))
    found.sources.append(sources)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _display_name(name: str) -> str:
    """A file name whose bytes are not UTF-8, with U+FFFD for each bad byte (as log text)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _renamed_copy(path: Path, workdir: Path) -> Path:
    """A copy of `path` under a plain name: the engine takes paths as UTF-8 text only."""
    handle, copy = tempfile.mkstemp(prefix="renamed-", dir=workdir)
    os.close(handle)
    shutil.copy2(path, copy)
    return Path(copy)


def _relative(path: Path, root: Path) -> str:
    """The name of `path` in the snapshot (readable text even when its bytes are not UTF-8)."""
    return _display_name(path.relative_to(root).as_posix())


def _check_entry(path: Path, real_root: Path) -> tuple[str | None, os.stat_result | None]:
    """Why the folder entry `path` is not read (None: it is read), and its stat."""
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a dangling link, or links in a loop
            return "not_regular", None
        if not target.is_relative_to(real_root):
            return "outside_root", None
    try:
        info = path.stat()
    except OSError as error:
        return ("unreadable" if error.errno in (errno.EACCES, errno.EPERM) else "not_regular"), None
    if not stat.S_ISREG(info.st_mode):
        return "not_regular", None
    return None, info


def _links_outside(entries: list[tuple[str, Path, os.stat_result]]) -> set[tuple[int, int]]:
    """The (device, inode) of files with hard links that are not all among `entries`: another
    name of the file lives outside the snapshot, so it is refused as a symlink out would be."""
    names: dict[tuple[int, int], set[Path]] = {}
    links: dict[tuple[int, int], int] = {}
    for _, path, info in entries:
        if info.st_nlink > 1:
            key = (info.st_dev, info.st_ino)
            names.setdefault(key, set()).add(path.resolve())
            links[key] = info.st_nlink
    return {key for key, seen in names.items() if len(seen) < links[key]}
