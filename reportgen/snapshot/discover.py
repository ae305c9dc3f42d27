"""Find the log files of a snapshot: walk folders, extract tar archives safely, take single files.

Every input path is a *root*. A folder root is walked in sorted order, skipping hidden entries and
its own `sources.yaml`; a `.tar`/`.tar.gz`/`.tgz` root is extracted into a private directory first
(regular files only: absolute names, `..` components, links and devices are refused); a single
file is its own root. Names are relative to the root, with `/` separators.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reportgen.errors import SnapshotError

SOURCES_FILE = "sources.yaml"
MAX_EXTRACT_BYTES = 16 << 30
"""Refuse tar archives whose members add up to more than this (decompression bombs)."""

_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")


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


@dataclass
class Discovery:
    """The files of all inputs, sorted by (name, root), the `sources.yaml` found in each root,
    and the entries skipped while walking (problem name -> count)."""

    roots: list[Path]
    files: list[InputFile] = field(default_factory=list)
    sources: list[Path | None] = field(default_factory=list)
    problems: dict[str, int] = field(default_factory=dict)

    def skip(self, problem: str) -> None:
        """Count one skipped entry under `problem`."""
        self.problems[problem] = self.problems.get(problem, 0) + 1


def is_tar(path: Path) -> bool:
    """Whether `path` names a tar archive by its suffix."""
    return path.name.lower().endswith(_TAR_SUFFIXES)


def discover(paths: list[Path], workdir: Path) -> Discovery:
    """The files of `paths`; tar archives are extracted under `workdir` (which must exist)."""
    found = Discovery(roots=list(paths))
    for index, given in enumerate(paths):
        if not given.exists():
            raise SnapshotError(f"no such file or directory: {given}")
        if given.is_dir():
            _walk(found, index, given)
        elif is_tar(given):
            target = workdir / f"tar{index}"
            target.mkdir()
            extract_tar(given, target)
            _walk(found, index, target)
        else:
            info = given.stat()
            found.sources.append(None)
            found.files.append(
                InputFile(index, given.name, given, info.st_size, info.st_mtime_ns, single=True)
            )
    found.files.sort(key=lambda item: (item.name, item.root))
    return found


def _walk(found: Discovery, index: int, root: Path) -> None:
    sources = root / SOURCES_FILE
    found.sources.append(sources if sources.is_file() else None)
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        here = Path(dirpath)
        for filename in sorted(filenames):
            if filename.startswith(".") or (here == root and filename == SOURCES_FILE):
                continue
            path = here / filename
            if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                found.skip("outside_root")
                continue
            try:
                info = path.stat()
            except OSError:
                found.skip("not_regular")
                continue
            if not stat.S_ISREG(info.st_mode):
                found.skip("not_regular")
                continue
            name = path.relative_to(root).as_posix()
            found.files.append(InputFile(index, name, path, info.st_size, info.st_mtime_ns))


def _check_member(member: tarfile.TarInfo, archive: Path) -> PurePosixPath | None:
    """The member's safe relative path, None for a directory; SnapshotError for anything else."""
    name = member.name
    where = f"{archive}: member '{name}'"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise SnapshotError(f"{where} has an absolute path; refusing to extract")
    parts = PurePosixPath(name).parts
    if ".." in parts or ".." in name.split("\\"):
        raise SnapshotError(f"{where} has a '..' component; refusing to extract")
    if member.issym() or member.islnk():
        raise SnapshotError(f"{where} is a link; refusing to extract")
    if member.isdir():
        return None
    if not member.isreg():
        raise SnapshotError(f"{where} is not a regular file; refusing to extract")
    relative = PurePosixPath(*[part for part in parts if part not in ("", ".")])
    if not relative.parts:
        raise SnapshotError(f"{where} has an empty name; refusing to extract")
    return relative


def extract_tar(archive: Path, target: Path) -> None:
    """Extract the regular files of `archive` into `target`, after checking every member.

    Nothing is written unless every member is a directory or a regular file with a relative name
    that stays inside `target`, and the members add up to at most `MAX_EXTRACT_BYTES`.
    """
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            plan = [(member, _check_member(member, archive)) for member in members]
            total = sum(member.size for member, relative in plan if relative is not None)
            if total > MAX_EXTRACT_BYTES:
                raise SnapshotError(
                    f"{archive}: members add up to {total} bytes, more than the limit of "
                    f"{MAX_EXTRACT_BYTES}; extract it yourself and pass the folder"
                )
            for member, relative in plan:
                if relative is None:
                    continue
                _extract_member(tar, member, target / Path(*relative.parts), target)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise SnapshotError(f"{archive}: cannot read the tar archive: {error}") from error


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, top: Path) -> None:
    if not dest.resolve().is_relative_to(top.resolve()):
        raise SnapshotError(f"member '{member.name}' would leave the extraction directory")
    dest.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member)
    if source is None:
        raise SnapshotError(f"member '{member.name}' cannot be read")
    with source, dest.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    os.utime(dest, (member.mtime, member.mtime))
