"""Moving staged runs into the site so that an interrupted publish can always be finished.

A publish renders every run into a private `.staging-*` folder first; nothing in the site has
changed until then, so a publish killed while staging is rolled back by removing that folder.
Then it writes a journal, `.publish-journal.json`, naming every move (staged folder, final
folder, and where the old final folder goes aside) and what follows (retention, `latest/`, the
pages): from that instant the publish is committed, and whoever finds the journal completes it.
Every step of the completion can be repeated, so it is simply run again after a crash, however
far the crashed run got; the journal is removed last, with the leftovers (`.staging-*`, `.old-*`).
One publish at a time holds the site (a lock on its folder), so leftovers are never a
concurrent run's work.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import signal
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from reportgen.errors import UsageError
from reportgen.output import write_atomic
from reportgen.publish import archive
from reportgen.publish.pages import SiteText, refresh_pages

JOURNAL = ".publish-journal.json"
STOP_AT = "REPORTGEN_TEST_STOP_AT_STEP"
"""Test hook: the process stops itself (SIGSTOP) at this step, for a test to kill it there."""
_steps = [0]


@dataclass(frozen=True)
class Move:
    """One run into place: paths relative to the site."""

    staged: str
    final: str
    aside: str


@dataclass
class Journal:
    """What a committed publish still has to do. `targets` are (root relative to the site,
    team name or None); `newest` is the latest run date (ISO) for retention; `theme` the theme
    folder the site's pages are styled by (None: the default theme)."""

    staging: str
    moves: list[Move] = field(default_factory=list)
    targets: list[tuple[str, str | None]] = field(default_factory=list)
    dashboards: list[str] = field(default_factory=list)
    newest: str = ""
    retention_days: int | None = None
    theme: str | None = None


def checkpoint() -> None:
    """A point where a publish may be interrupted; see `STOP_AT`."""
    wanted = os.environ.get(STOP_AT)
    if not wanted:
        return
    _steps[0] += 1
    if _steps[0] == int(wanted):
        os.kill(os.getpid(), signal.SIGSTOP)


def lock_site(site: Path) -> int:
    """Hold the site for this process (released when it exits, even by SIGKILL); the file
    descriptor to close when done. UsageError when another publish holds it."""
    site.mkdir(parents=True, exist_ok=True)
    handle = os.open(site, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise UsageError(
            f"another reportgen publish is writing to {site}",
            hint="run publishes into one site one after the other",
        ) from None
    except OSError:
        pass  # a file system without locks (some network shares): one publish at a time, as before
    return handle


def aside_name(final: str) -> str:
    """Where the old folder at `final` (relative to the site) waits while it is replaced."""
    path = Path(final)
    return str(path.parent / f".old-{path.name}-{secrets.token_hex(4)}")


def commit(site: Path, journal: Journal) -> list[Path]:
    """Write the journal (the publish is then committed) and complete it; the runs removed by
    retention."""
    checkpoint()
    document = asdict(journal)
    write_atomic(site / JOURNAL, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
    checkpoint()
    return complete(site, journal)


def committed(site: Path) -> bool:
    """Whether a publish into `site` is committed and not yet complete (its journal is there)."""
    return (site / JOURNAL).is_file()


def recover(site: Path) -> str | None:
    """Complete a committed publish left unfinished, else clear what an uncommitted one left
    (staging folders; a run set aside by a reportgen without journal goes back in place).
    A line saying what was done, or None when there was nothing to do."""
    if not site.is_dir():
        return None
    found = read_journal(site)
    if found is not None:
        complete(site, found)
        runs = ", ".join(move.final for move in found.moves)
        return f"completed an interrupted publish of {site} ({runs})"
    if _clear_leftovers(site, restore=True):
        return f"removed the leftovers of an interrupted publish in {site}"
    return None


def read_journal(site: Path) -> Journal | None:
    """The journal of an unfinished publish, None without one. A journal is written whole
    (temp file and rename), so one that cannot be read was not written by reportgen."""
    path = site / JOURNAL
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        moves = [Move(**move) for move in document.pop("moves")]
        targets = [(str(root), team) for root, team in document.pop("targets")]
        journal = Journal(moves=moves, targets=targets, **document)
        _check_paths(journal)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise UsageError(
            f"{path}: cannot read the journal of an interrupted publish ({error})",
            hint="remove it if you did not write it",
        ) from None
    return journal


def _check_paths(journal: Journal) -> None:
    """Every path of the journal stays inside the site and has the shape publish gives it:
    whoever can write into the site must not steer renames elsewhere."""

    def inside(text: str) -> PurePosixPath:
        path = PurePosixPath(text)
        if not text or path.is_absolute() or ".." in path.parts or "\\" in text:
            raise ValueError(f"path outside the site: {text!r}")
        return path

    staging = inside(journal.staging)
    if len(staging.parts) != 1 or not staging.name.startswith(".staging-"):
        raise ValueError(f"not a staging folder: {journal.staging!r}")
    for move in journal.moves:
        staged, final, aside = inside(move.staged), inside(move.final), inside(move.aside)
        if staged.parent != staging or aside.parent != final.parent:
            raise ValueError(f"not a move of a run: {move}")
        if not aside.name.startswith(f".old-{final.name}-") or not archive.is_date(final.name):
            raise ValueError(f"not a move of a run: {move}")
    for root, _ in journal.targets:
        inside(root)
    for name in journal.dashboards:
        if len(inside(name).parts) != 1 or name.startswith("."):
            raise ValueError(f"not a dashboard: {name!r}")


def complete(site: Path, journal: Journal) -> list[Path]:
    """Do (again) everything a committed publish does after staging; each step can repeat.
    The runs removed by retention."""
    removed: list[Path] = []
    for move in journal.moves:
        _move(site / move.staged, site / move.final, site / move.aside)
    roots = [(site / root, team) for root, team in journal.targets]
    for root, team in roots:
        if journal.retention_days is not None and journal.newest:
            newest = date.fromisoformat(journal.newest)
            removed += archive.apply_retention(root, newest, journal.retention_days)
            checkpoint()
        for name in journal.dashboards:
            archive.refresh_latest(root / name, site / journal.staging, checkpoint)
        _refresh_pages(site, root, team, _theme_of(journal))
        checkpoint()
    _clear_leftovers(site, restore=False)
    checkpoint()
    (site / JOURNAL).unlink(missing_ok=True)
    return removed


def _move(staged: Path, final: Path, aside: Path) -> None:
    if not staged.exists():
        return  # moved already
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        os.replace(final, aside)
        checkpoint()
    os.replace(staged, final)
    checkpoint()


def _theme_of(journal: Journal) -> Path | None:
    """The journal's theme folder when it still is one (a recovered publish styles the pages as
    the interrupted one would have); else the default theme."""
    if journal.theme is None:
        return None
    folder = Path(journal.theme)
    return folder if (folder / "theme.yaml").is_file() else None


def _refresh_pages(site: Path, root: Path, team: str | None, theme_dir: Path | None) -> None:
    if team is None:
        teams = site / archive.TEAMS
        names = sorted(p.name for p in teams.iterdir() if p.is_dir()) if teams.is_dir() else []
        refresh_pages(site, SiteText("Reports", names, "site"), theme_dir)
    else:
        text = SiteText(f"Reports of team {team}", [], f"teams/{team}")
        refresh_pages(root, text, theme_dir)


def _clear_leftovers(site: Path, *, restore: bool) -> bool:
    """Remove staging folders and runs set aside; with `restore`, an aside whose final folder
    is missing goes back in place first. Whether anything was found."""
    found = False
    for staging in site.glob(".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
        found = True
    roots = [site, *(p for p in (site / archive.TEAMS).glob("*") if p.is_dir())]
    for root in roots:
        for aside in sorted(root.glob("*/.old-*")):
            final = aside.parent / aside.name.removeprefix(".old-").rsplit("-", 1)[0]
            if restore and not final.exists():
                os.replace(aside, final)
            else:
                shutil.rmtree(aside, ignore_errors=True)
            found = True
    return found
