"""Results folders: one command and configuration per folder, claimed under an exclusive lock.

Every command that writes a results folder (``orglearn run``, ``compare``, ``sweep``) first
claims it with :func:`claim_results`:

1. the folder, or the nearest folder above it that exists, must be a writable folder (tried by
   creating and removing a file, so that read-only file systems are caught too, whoever runs);
2. a folder that exists and holds files orglearn did not write is refused, ``--force`` or not;
3. the folder is locked (``.orglearn.lock``, an exclusive ``flock`` held until the command
   ends and released by the kernel even if the process is killed; the file is removed when
   the command ends): a second command into the same folder is refused at once, so two
   processes can never both pass the checks below;
4. under the lock, what the folder holds is compared with what the command will write, by
   command and by the digest of everything that determines the results (its configuration):

   - results of another command or another configuration, finished or interrupted, are
     refused unless ``force``, which moves the old folder aside (to
     ``<name>.replaced-<UTC time>``, printed) rather than deleting it;
   - an interrupted run of the same configuration (its run store) needs ``resume`` to be
     continued (or ``force`` to start again);
   - finished results of the same configuration are rewritten: a re-run gives the same
     results, so nothing is lost;
5. temporaries left by a killed write (``.*.tmp``,
   :data:`sim.experiments.results.TEMPORARY_SUFFIX`) are
   removed: under the lock, no other process is writing them.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sim.experiments.results import TEMPORARY_SUFFIX
from sim.experiments.store import StoreError

__all__ = ["LOCK_NAME", "Claim", "ResultsFolderError", "check_writable", "claim_results",
           "folder_owner", "locked"]

LOCK_NAME = ".orglearn.lock"
MANIFEST, STORE_HEADER = "manifest.json", Path("store") / "experiment.json"


class ResultsFolderError(StoreError):
    """A results folder that may not be written as asked; the message is one line."""


@dataclass(frozen=True)
class Owner:
    """What a results folder holds: whose results, of which configuration, finished or not.

    Attributes:
        command: ``run``, ``compare`` or ``sweep``.
        digest: Digest of the configuration (``""`` if the folder does not say).
        finished: Whether consolidated results (``manifest.json``) are there.
        interrupted: Whether a run store of unfinished work is there.
        source: The scenario or experiment file the results came from.
    """

    command: str
    digest: str
    finished: bool
    interrupted: bool
    source: str

    @property
    def label(self) -> str:
        """A few words for messages (``"orglearn compare of scenarios/default.toml"``)."""
        return f"orglearn {self.command} of {self.source}"


@dataclass(frozen=True)
class Claim:
    """A claimed results folder.

    Attributes:
        folder: The folder.
        moved_aside: Where its previous content was moved (``force``), or ``None``.
        cleared: Stray temporaries removed.
    """

    folder: Path
    moved_aside: Path | None = None
    cleared: int = 0


def check_writable(folder: Path, option: str = "--out") -> None:
    """Fail unless ``folder`` can be created or written, without leaving anything behind.

    Raises:
        ResultsFolderError: If a path on the way is not a folder, or the nearest existing
            folder cannot be written.
    """
    for existing in (folder, *folder.parents):
        if existing.exists():
            break
    if not existing.is_dir():
        raise ResultsFolderError(f"{option} {folder}: {existing} exists and is not a folder; "
                                 "give a folder path")
    try:
        handle, probe = tempfile.mkstemp(prefix=".orglearn-probe-", suffix=TEMPORARY_SUFFIX,
                                         dir=existing)
    except OSError as error:
        raise ResultsFolderError(f"{option} {folder}: {existing} cannot be written "
                                 f"({error.strerror}); give a folder you may write to") from None
    os.close(handle)
    os.unlink(probe)


def folder_owner(folder: Path) -> Owner | None:
    """What ``folder`` holds; ``None`` if it is new or holds only orglearn's lock and temporaries.

    Raises:
        ResultsFolderError: If it holds files orglearn did not write.
    """
    if not folder.is_dir():
        return None
    manifest = _read_json(folder / MANIFEST)
    header = _read_json(folder / STORE_HEADER)
    if manifest is None and header is None:
        others = sorted(p.name for p in folder.iterdir() if not _ours(p))
        if others:
            raise ResultsFolderError(
                f"{folder}: holds files that orglearn did not write (e.g. {others[0]!r}); "
                "give a new or empty folder as --out")
        return None
    if manifest is not None:
        command = str(manifest.get("command", "?"))
        digest = str(manifest.get("digest") or manifest.get("experiment", {}).get("digest", ""))
        source = (manifest.get("experiment", {}).get("file")
                  or (manifest.get("scenario") or {}).get("file") or "?")
    else:
        name = str(header.get("name", ""))
        command = str(header.get("command") or ("compare" if name.startswith("compare ")
                                                else "sweep"))
        digest, source = str(header.get("digest", "")), header.get("source", "?")
    return Owner(command, digest, manifest is not None, header is not None, str(source))


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _ours(path: Path) -> bool:
    """Whether a file is orglearn's lock, a probe or a temporary (not results)."""
    return path.name == LOCK_NAME or (path.name.startswith(".")
                                      and path.name.endswith(TEMPORARY_SUFFIX))


@contextmanager
def claim_results(folder: Path, *, command: str, digest: str, resume: bool = False,
                  force: bool = False) -> Iterator[Claim]:
    """Claim a results folder for one command and configuration, for the ``with`` block.

    See the module docstring for the rules.

    Args:
        folder: The results folder (created if needed).
        command: ``run``, ``compare`` or ``sweep``.
        digest: Digest of everything that determines the results.
        resume: Continue an interrupted run of the same configuration.
        force: Move results of another command or configuration aside instead of refusing.

    Raises:
        ResultsFolderError: If the folder may not be written as asked, or another orglearn
            process is writing it.
    """
    folder = Path(folder)
    check_writable(folder)
    folder_owner(folder)  # refuse a folder of other files before creating anything in it
    lock: _Lock | None = _lock(folder)
    moved = None
    try:
        owner = folder_owner(folder)
        if owner is not None and _refused(folder, owner, command, digest, resume, force):
            moved = _move_aside(folder)
            lock.path = moved / LOCK_NAME
            lock.release()
            lock = None
            lock = _lock(folder, new=True)
        cleared = _clear_temporaries(folder)
        yield Claim(folder, moved, cleared)
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the exclusive lock of an existing results folder (e.g. to rewrite its report).

    Raises:
        ResultsFolderError: If another orglearn process is writing the folder.
    """
    lock = _lock(Path(folder))
    try:
        yield
    finally:
        lock.release()


def _refused(folder: Path, owner: Owner, command: str, digest: str, resume: bool,
             force: bool) -> bool:
    """Whether the folder's results must go aside; raises if they may not (no ``force``)."""
    same = owner.command == command and owner.digest == digest and bool(digest)
    if same and (resume or not owner.interrupted):
        return False
    if force:
        return True
    if same:
        state = ("the finished results and stored runs" if owner.finished
                 else "the stored runs of an interrupted")
        raise ResultsFolderError(
            f"{folder}: holds {state} {owner.label}; add --resume to use them (only missing "
            "runs are run), or --force to start again (the old folder is moved aside)")
    if resume and owner.command == command:
        raise ResultsFolderError(
            f"{folder}: its runs come from a different version of {owner.source}"
            " (or its scenario, or the command's options); --resume refuses to mix them; give "
            "another --out, or --force to move them aside and start again")
    state = "finished" if owner.finished else "interrupted"
    what = ("another command" if owner.command != command else "other settings")
    raise ResultsFolderError(
        f"{folder}: holds the {state} results of {owner.label} ({what}); give another --out, "
        "or add --force to move them aside")


@dataclass
class _Lock:
    """A held folder lock: the open lock file and where it lies."""

    fd: int
    path: Path

    def release(self) -> None:
        """Remove the lock file, then let go of it.

        Removing it while still holding it is safe because :func:`_lock` checks, once it holds
        a lock, that the file it locked is still the one at the path.
        """
        self.path.unlink(missing_ok=True)
        os.close(self.fd)


def _lock(folder: Path, new: bool = False) -> _Lock:
    """Take the folder's exclusive lock.

    Args:
        folder: The folder; created if needed (``new``: it must not exist yet).
        new: Whether the folder was just moved aside, so that another process creating it in
            between is noticed.
    """
    try:
        folder.mkdir(parents=True, exist_ok=not new)
    except FileExistsError:
        raise ResultsFolderError(f"{folder}: was created by another process while its old "
                                 "results were moved aside; try again") from None
    except OSError as error:
        raise ResultsFolderError(f"--out {folder}: cannot be created ({error.strerror})") \
            from None
    path = folder / LOCK_NAME
    for _ in range(3):  # the holder may remove the file just as we open it: open it again
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise ResultsFolderError(f"{folder}: another orglearn process (pid {holder}) is "
                                     "writing it; wait for it to end or give another --out") \
                from None
        if _same_file(fd, path):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            return _Lock(fd, path)
        os.close(fd)
    raise ResultsFolderError(f"{folder}: another orglearn process keeps taking it; try again")


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _move_aside(folder: Path) -> Path:
    """Rename ``folder`` to a free ``<name>.replaced-<UTC time>`` beside it; return that."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = folder.with_name(f"{folder.name}.replaced-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = folder.with_name(f"{folder.name}.replaced-{stamp}-{n}")
    folder.rename(aside)
    return aside


def _clear_temporaries(folder: Path) -> int:
    """Remove temporaries of killed writes anywhere in the folder; return how many."""
    stray = [p for p in folder.rglob(f".*{TEMPORARY_SUFFIX}") if p.is_file()]
    for path in stray:
        path.unlink(missing_ok=True)
    return len(stray)
