"""Writing outputs safely: checked before any work, replaced atomically, temporaries cleaned;
and the names licex gives the files it writes (`--text-dir`'s texts, review pages), within
NAME_MAX bytes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TextIO

from licex.files.inputs import STDIN_NAME
from licex.files.messages import OutputError, file_kind, one_line, os_cause

# Temporaries of an atomic write: `.NAME.PID.TOKEN.licex-tmp`; the PID tells a later write
# whether the writer is gone (killed), so it can remove what was left behind.
_TMP_SUFFIX = ".licex-tmp"
# The bytes `.NAME.` shares with the rest of a temporary's name: a PID (at most 7 digits), the
# token (8) and the suffix, with their dots.
_TMP_EXTRA = len(f"...{'9' * 7}.{'0' * 8}{_TMP_SUFFIX}")
# The longest file name (bytes) of the usual file systems (ext4, XFS, btrfs, APFS, NTFS in
# UTF-16 units): names licex makes up (texts of --text-dir, review pages) stay within it wherever
# they are written, so that extract and review, on any disk, give a source the same name.
NAME_MAX = 255


def fitted_name(stem: str, suffix: str) -> str:
    """`stem + suffix`, with `stem` cut so that the name fits NAME_MAX bytes: a cut name ends in
    `~` and 8 hex digits of the whole stem's hash, so two long names that share a beginning differ."""
    name = stem + suffix
    if len(os.fsencode(name)) <= NAME_MAX:
        return name
    digest = hashlib.sha256(os.fsencode(stem)).hexdigest()[:8]
    room = NAME_MAX - len(os.fsencode(suffix)) - len(digest) - 1
    return os.fsencode(stem)[:room].decode("utf-8", "ignore") + f"~{digest}{suffix}"


class TextDirNames:
    """The file `licex extract --text-dir` writes each input's text to, relative to that folder:
    the input's path relative to the folder that holds all the inputs (their common folder), its
    suffix replaced by .txt. `licex extract scans/ --text-dir t` writes the text of scans/a/lic.pdf
    to t/a/lic.txt; `licex extract a/lic.pdf b/lic.pdf` to t/a/lic.txt and t/b/lic.txt; stdin's
    is stdin.txt. Where two inputs would get one name (lic.pdf and lic.png in one folder, or names
    that differ only in case), each keeps its suffix before .txt (lic.pdf.txt, lic.png.txt); where
    even those meet, the later inputs in input order get ~2, ~3, ... before .txt.

    The names depend on the whole list of inputs (their common folder), so whoever looks for a
    text again (`licex review`, which knows only the sources that gave records) tries every name a
    run may have given a source (`candidates`) and checks that the text fits. A file name longer
    than NAME_MAX bytes is cut (see `fitted_name`): a file system refuses it."""

    def __init__(self, sources: Sequence[str]) -> None:
        root = _common_folder([source for source in sources if source != STDIN_NAME])
        relative = {source: _relative(source, root) for source in dict.fromkeys(sources)}
        shared: dict[str, int] = {}  # a name without its suffix (case folded) -> how many inputs have it
        for path in relative.values():
            shared[_key(path.with_suffix(""))] = shared.get(_key(path.with_suffix("")), 0) + 1
        self.names: dict[str, str] = {}
        used: set[str] = set()
        for source, path in relative.items():
            base = path if shared[_key(path.with_suffix(""))] > 1 else path.with_suffix("")
            name, number = _text_name(base), 2
            while _key(name) in used:
                name, number = _text_name(base, number), number + 1
            used.add(_key(name))
            self.names[source] = name

    def name(self, source: str) -> str:
        """The text's path in the folder (`/` between folders) for the input `source`, as a
        record's `source` gives it."""
        return self.names[source]

    @staticmethod
    def candidates(source: str) -> list[str]:
        """The names a run of any inputs may have given `source`, the likeliest first: for each
        tail of its path (its file name, its folder and file name, ...), without its suffix and with it."""
        path = _relative(source, None)
        found: list[str] = []
        for start in range(len(path.parts) - 1, -1, -1):
            tail = PurePosixPath(*path.parts[start:])
            found += [_text_name(tail.with_suffix("")), _text_name(tail)]
        return list(dict.fromkeys(found))


def _relative(source: str, root: str | None) -> PurePosixPath:
    """`source` as a path below `root` (None: its own path, without a leading / or ..); stdin as `stdin`."""
    if source == STDIN_NAME:
        return PurePosixPath("stdin")
    if root is None:
        return PurePosixPath(*[part for part in PurePosixPath(source).parts if part not in ("/", "..", ".")])
    return PurePosixPath(os.path.relpath(os.path.abspath(source), root))


def _common_folder(sources: Sequence[str]) -> str | None:
    folders = [os.path.dirname(os.path.abspath(source)) for source in sources]
    return os.path.commonpath(folders) if folders else None


def _key(path: PurePosixPath | str) -> str:
    return str(path).casefold()


def _text_name(base: PurePosixPath, number: int | None = None) -> str:
    """`base` + .txt (`~N` before it for the Nth of one name), its file name cut to NAME_MAX."""
    stem = base.name if number is None else f"{base.name}~{number}"
    return str(base.parent / fitted_name(stem, ".txt"))


def make_folder_inside(folder: Path, within: Path) -> None:
    """Make `folder` (and the folders above it) below `within`, a folder licex writes files of
    its own naming into; OutputError where it cannot, or where a link on the way leads out of
    `within` (a text is never written through it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(one_line(str(folder)), f"cannot make the folder: {os_cause(error)}") from None
    inside = Path(os.path.realpath(folder))
    if not inside.is_relative_to(os.path.realpath(within)):
        raise OutputError(one_line(str(folder)), f"leads out of {one_line(str(within))} (to {one_line(str(inside))}); not written")


def check_output(path: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse an output that would destroy or feed an input, or that cannot be written, before any work.

    `inputs` are resolved input files and folders: the output may be none of them and lie in
    none of the folders (the next run would read it as a licence). Writability is tried, not
    guessed: the folder is created if missing and a temporary file opened and removed in it. A
    device, FIFO or socket is written as it is (see `atomic_path`), so nothing is tried on it
    (opening a FIFO to try it would wait for a reader).
    """
    path = Path(path)
    target = path.resolve()
    for source in inputs:
        if target == source:
            raise OutputError(str(path), "is also an input; licex would overwrite it")
        if source.is_dir() and target.is_relative_to(source):
            raise OutputError(str(path), f"lies inside the input folder {str(source)!r}; the next run would read it")
    if target.is_dir():
        raise OutputError(str(path), "is a folder")
    if _special(path):
        return
    with atomic_path(path) as tmp:
        open(tmp, "x").close()  # noqa: SIM115 (a try: OSError becomes OutputError)
        tmp.unlink()


def check_folder(folder: Path, inputs: Sequence[Path] = ()) -> None:
    """check_output for a folder a command fills, before its work: OutputError naming the folder
    when it cannot be written (or is, or lies in, one of `inputs`). The folders made to try it
    are removed again, so that a run refused later (a bad config, a bad corpus) leaves nothing."""
    folder = Path(folder)
    missing = [path for path in [folder, *folder.parents] if not os.path.lexists(path)]  # deepest first
    try:
        check_output(folder / ".licex-probe", inputs)
    except OutputError as error:
        raise OutputError(str(folder), error.cause) from None
    finally:
        for path in missing:
            try:
                path.rmdir()
            except OSError:
                break


def _special(path: Path) -> str | None:
    """What `path` is when it is a device, FIFO or socket (through links); None for anything else."""
    try:
        return file_kind(os.stat(path).st_mode)
    except (OSError, ValueError):
        return None


def _followed(path: Path) -> bool:
    """Whether `path` is a link atomic_path writes through: one this user made."""
    try:
        return path.is_symlink() and path.lstat().st_uid == os.geteuid()
    except OSError:
        return False


def _tmp_prefix(path: Path) -> str:
    """The file name in `path`'s temporaries (`.NAME.PID.TOKEN.licex-tmp`), cut so that they fit
    the folder's longest name: a name near the limit still gets a temporary."""
    room = _name_max(path.parent) - _TMP_EXTRA
    return os.fsdecode(os.fsencode(path.name)[:room])


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return NAME_MAX


def _remove_stale_temporaries(path: Path) -> None:
    """Remove temporaries of `path` whose writer has died (kill -9, power loss)."""
    prefix = _tmp_prefix(path)
    for tmp in path.parent.glob(f".{_glob_escape(prefix)}.*{_TMP_SUFFIX}"):
        pid = tmp.name[len(prefix) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def atomic_path(path: Path, *, named_by_licex: bool = False) -> Iterator[Path]:
    """A temporary path to write; it replaces `path` when the block ends without error.

    The temporary lies in the same folder (same file system, so os.replace is atomic), so `path`
    holds either its old content or all of the new, never a part. On any failure the temporary
    is removed; one left by a killed writer is removed by the next write to `path`. An OSError
    (read-only folder, full disk) becomes an OutputError naming `path`, and so does text that
    UTF-8 cannot hold (a lone surrogate: a bug upstream, but never half a file).

    Two kinds of `path` the user named (-o FILE) are not replaced. A link to a file: the file it
    leads to is replaced, the link stays (as `> link` would write through it), when the link is
    this user's own: a link someone else put in the folder is replaced itself, never followed
    (as the kernel's protected_symlinks does in /tmp). A device, FIFO or socket (through links
    too): the block gets `path` itself, to write as it is; replacing it would put a regular file
    where it was (`-o /dev/null` run as root would replace the system's /dev/null). A FIFO must
    have a reader: without one, OutputError (`has no reader`) rather than a wait without end.

    `named_by_licex`: a name licex chose inside a folder it fills (the texts of --text-dir, the
    pages of a review, a report's files). Whatever stands there, a link, a FIFO or a device, is
    replaced itself: nothing is ever written through it to a file elsewhere.
    """
    shown = str(path)
    path = Path(path)
    if not named_by_licex and (kind := _special(path)):
        reader = _fifo_reader(path, shown) if kind == "a FIFO" else None
        try:
            yield path
        except OSError as error:
            raise OutputError(shown, f"cannot write: {os_cause(error)}") from None
        except UnicodeEncodeError as error:
            raise OutputError(shown, f"cannot write: {_unencodable(error)}") from None
        finally:
            if reader is not None:
                os.close(reader)
        return
    if not named_by_licex and _followed(path):
        path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if len(os.fsencode(path.name)) > _name_max(path.parent):
            raise OutputError(shown, f"cannot write: file name too long ({len(os.fsencode(path.name))} bytes, "
                                     f"at most {_name_max(path.parent)})")
        _remove_stale_temporaries(path)
    except FileExistsError:  # mkdir's word for a file where a folder should be
        raise OutputError(shown, f"cannot write: {str(path.parent)!r} is not a folder") from None
    except OSError as error:
        raise OutputError(shown, f"cannot write: {os_cause(error)}") from None
    tmp = path.with_name(f".{_tmp_prefix(path)}.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    try:
        yield tmp
        if tmp.exists():
            os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise OutputError(shown, f"cannot write: {os_cause(error)}") from None
    except UnicodeEncodeError as error:
        tmp.unlink(missing_ok=True)
        raise OutputError(shown, f"cannot write: {_unencodable(error)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fifo_reader(path: Path, shown: str) -> int:
    """A write end of the FIFO `path`, opened without waiting: held while the block writes, so
    that the reader sees no end of file before the writer's own open. OutputError when no reader
    has it open (a blocking open would wait for one without end)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OutputError(shown, "cannot write: a FIFO that has no reader (start its reader first)") from None
        raise OutputError(shown, f"cannot write: {os_cause(error)}") from None


def _unencodable(error: UnicodeEncodeError) -> str:
    return f"the text holds {one_line(error.object[error.start:error.end])}, which UTF-8 cannot hold"


@contextmanager
def atomic_writer(path: Path, *, named_by_licex: bool = False) -> Iterator[TextIO]:
    """A text handle whose content replaces `path` only when the block ends without error (see atomic_path)."""
    with atomic_path(path, named_by_licex=named_by_licex) as tmp:
        special = tmp == Path(path)  # a device or FIFO, written as it is
        # open(..., "x") rather than mkstemp: the output gets the usual umask mode, not 0600.
        with open(tmp, "w" if special else "x", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            if not special:  # a device or FIFO has nothing to sync (fsync fails on them)
                os.fsync(handle.fileno())


def atomic_write_text(path: Path, text: str, *, named_by_licex: bool = False) -> None:
    """Write UTF-8 text to `path` atomically (see atomic_writer)."""
    with atomic_writer(path, named_by_licex=named_by_licex) as handle:
        handle.write(text)
