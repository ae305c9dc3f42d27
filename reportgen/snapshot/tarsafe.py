"""Extracting a tar snapshot without trusting it: every member is checked before anything is
written (absolute names, `..` components, links and devices are refused) and the archive is
bounded in total size and in member count."""

from __future__ import annotations

import os
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reportgen.errors import SnapshotError

MAX_EXTRACT_BYTES = 16 << 30
"""Refuse tar archives whose members add up to more than this (decompression bombs)."""
MAX_MEMBERS = 200_000
"""Refuse tar archives with more members than this (a flood of tiny files)."""

_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")


@dataclass(frozen=True)
class Extracted:
    """What `extract_tar` did. `folder` is the one top-level folder every member sits in (as
    `tar czf logs.tgz -C /tmp snap` makes), None when there is none (members at the top, several
    folders, or the `.` entry that `tar -C snap .` writes). `dropped` lists the (name, size) of
    members replaced by a later member of the same name."""

    folder: str | None = None
    dropped: list[tuple[str, int]] = field(default_factory=list)


def is_tar(path: Path) -> bool:
    """Whether `path` names a tar archive by its suffix."""
    return path.name.lower().endswith(_TAR_SUFFIXES)


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


def extract_tar(archive: Path, target: Path) -> Extracted:
    """Extract the regular files of `archive` into `target`, after checking every member.

    Nothing is written unless every member is a directory or a regular file with a relative name
    that stays inside `target`, there are at most `MAX_MEMBERS` of them and they add up to at most
    `MAX_EXTRACT_BYTES`. When several members share a name the last one is kept, as `tar x`
    does.
    """
    tops: set[str] = set()
    try:
        with tarfile.open(archive, "r:*") as tar:
            plan: list[tuple[tarfile.TarInfo, PurePosixPath]] = []
            for count, member in enumerate(tar, start=1):
                parts = [part for part in member.name.split("/") if part not in ("", ".")]
                # "" stands for the top itself: a file there, or the "." entry of `tar -C dir .`
                nested = len(parts) > 1 or (parts and member.isdir())
                tops.add(parts[0] if nested else "")
                if count > MAX_MEMBERS:
                    raise SnapshotError(
                        f"{archive}: more than {MAX_MEMBERS} members; extract it yourself and "
                        "pass the folder"
                    )
                relative = _check_member(member, archive)
                if relative is not None:
                    plan.append((member, relative))
            total = sum(member.size for member, _ in plan)
            if total > MAX_EXTRACT_BYTES:
                raise SnapshotError(
                    f"{archive}: members add up to {total} bytes, more than the limit of "
                    f"{MAX_EXTRACT_BYTES}; extract it yourself and pass the folder"
                )
            last = {relative: member for member, relative in plan}
            dropped = [
                (relative.as_posix(), member.size)
                for member, relative in plan
                if last[relative] is not member
            ]
            for member, relative in plan:
                if last[relative] is member:
                    _extract_member(tar, member, target / Path(*relative.parts), target)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise SnapshotError(f"{archive}: cannot read the tar archive: {error}") from error
    folder = tops.pop() if len(tops) == 1 else None
    return Extracted(folder or None, dropped)


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
