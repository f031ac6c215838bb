"""``.tokentco`` project files: versioned JSON, written atomically, read with bounds.

A project file is the analyst's work: a save must never leave half a file, change who may
read it, or replace a symlink by a copy; and a hostile or damaged file must become one
located message, never a traceback, an ``OverflowError`` or a hang.
"""

import errno
import json
import math
import os
import re
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from pydantic import ValidationError

from tokentco.domain import SCHEMA_VERSION, Project
from tokentco.io.errors import InputError, Location

SUFFIX = ".tokentco"
FORMAT_TAG = "tokentco-project"

MAX_PROJECT_BYTES = 128_000_000
"""The one size limit of a project file: ``save_project`` refuses to write a larger one and
the loader refuses to read one, so every file we write we can read again. A project with
a 100,000-row imported catalogue is about 57 MB, so this holds about 220,000 rows. Loading
costs about 0.2 s and 7.5 MB of memory per MB of file (a 220 MB project took 44 s and
1.7 GB), which is why the limit is not higher."""
MAX_JSON_DEPTH = 64
"""Projects nest about 8 levels; Python's json recurses, so 100,000 levels would crash."""
MAX_INT_DIGITS = 30
"""No project integer has more digits; long ones cost quadratic time to convert."""

TEMP_MARK = ".tokentco-tmp-"
"""Temp files are ``.NAME.tokentco-tmp-PID-HOST-RAND`` so a later save can tell whose they
are and remove the ones a killed save left behind."""
_FOREIGN_TEMP_AGE_S = 3600.0
"""A temp file from another host (shared folder) is only removed when this old: we cannot
ask whether its process is alive, and no save takes an hour."""
_NAME_IN_TEMP = 120
"""UTF-8 bytes of the file name kept in a temp name, so long names stay under 255 bytes."""


# --------------------------------------------------------------------------- process/host


def hex_digest(algorithm: str, data: bytes) -> str:
    """``data``'s digest in hex. hashlib is imported here, on use: nothing the workbench
    does to start needs it, and importing it (OpenSSL's bindings) costs ~5 ms."""
    import hashlib

    return hashlib.new(algorithm, data).hexdigest()


def _host_tag() -> str:
    """Short, filename-safe id of this machine (temp names and locks on shared folders)."""
    return hex_digest("sha1", socket.gethostname().encode("utf-8", "replace"))[:8]


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (errs towards "alive")."""
    if pid <= 0 or pid > 2**31 - 1:  # no such process id anywhere (and os.kill would overflow)
        return False
    if os.name == "nt":  # os.kill(pid, 0) would *terminate* the process on Windows
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            denied: bool = ctypes.get_last_error() == 5  # type: ignore[attr-defined]
            return denied  # access denied: the process exists
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


# --------------------------------------------------------------------------- atomic saves


def short_name(name: str, max_bytes: int) -> str:
    """``name`` cut to at most ``max_bytes`` of UTF-8 on a character boundary (file names
    are limited in bytes, and a name of accented or CJK characters takes 2-4 per char)."""
    return name.encode("utf-8", "surrogateescape")[:max_bytes].decode("utf-8", "ignore")


def _temp_prefix(target: Path) -> str:
    return f".{short_name(target.name, _NAME_IN_TEMP)}{TEMP_MARK}"


_TEMP_TAIL = re.compile(r"(?P<pid>\d+)-(?P<host>[0-9a-f]{8})-[0-9a-f]+")


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete temp files that earlier, killed saves of ``path`` left beside it.

    Ours are recognised by name; one is stale when its process is dead (same host) or it is
    an hour old (another host). Returns what was removed. Never raises: cleaning up is a
    courtesy, the save itself must not fail because of it.
    """
    target = Path(path)
    prefix = _temp_prefix(target)
    removed: list[Path] = []
    host = _host_tag()
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for candidate in candidates:
        match = _TEMP_TAIL.fullmatch(candidate.name[len(prefix) :])
        if match is None:
            continue
        try:
            if match["host"] == host:
                stale = int(match["pid"]) != os.getpid() and not pid_alive(int(match["pid"]))
            else:
                stale = time.time() - candidate.lstat().st_mtime > _FOREIGN_TEMP_AGE_S
            if stale:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _real_target(path: Path) -> Path:
    """Where a save must land: through symlinks (the link stays, its target is replaced)."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` so that a crash or kill leaves the old file or the new one.

    The bytes go to a temp file beside the target, are fsynced, get the existing file's
    permission bits (a new file gets the umask's, as ``open`` would), and are renamed over
    the target; a symlink is written through. The folder must exist: creating folders
    from a mistyped path is worse than saying so. ``overwrite=False`` refuses (with
    ``FileExistsError``) to replace a file that appeared meanwhile.
    """
    _atomic_write(path, lambda handle: handle.write(data), overwrite)


def atomic_write_parts(
    path: Path, parts: Sequence[bytes | memoryview], overwrite: bool = True
) -> None:
    """``atomic_write_bytes`` of the bytes of ``parts`` one after another (each bytes or a
    byte view), written from the parts themselves: a file of many pieces (a big CSV's
    lines, as views of the bytes read, and its rows' added cells) is not first joined
    into one object as big as the file (a copy and its page faults)."""
    _atomic_write(path, lambda handle: _write_parts(handle, parts), overwrite)


def _atomic_write(path: Path, write: Callable[[BinaryIO], object], overwrite: bool) -> None:
    """The steps both atomic writes share (see ``atomic_write_bytes``), ``write`` putting
    the bytes into the temp file's handle."""
    target = _real_target(Path(path))
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "folder does not exist", str(folder))
    remove_stale_temps(target)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    tmp = folder / (f"{_temp_prefix(target)}{os.getpid()}-{_host_tag()}-{os.urandom(4).hex()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def _write_parts(handle: BinaryIO, parts: Sequence[bytes | memoryview]) -> None:
    """The parts written in order: ``os.writev`` of up to ``_IOV_MAX`` parts a call where
    there is one (the kernel copies each part once, straight from it), a write a part
    where not. What a short ``writev`` leaves of its batch goes through ``handle``, which
    writes until all is written or raises."""
    writev = getattr(os, "writev", None)
    if writev is None:
        for part in parts:
            handle.write(part)
        return
    handle.flush()
    fd = handle.fileno()
    for start in range(0, len(parts), _IOV_MAX):
        batch = parts[start : start + _IOV_MAX]
        done = writev(fd, batch)
        if done < sum(map(len, batch)):
            handle.write(memoryview(b"".join(batch))[done:])
            handle.flush()


def _iov_max() -> int:
    """How many buffers one ``writev`` takes (POSIX guarantees 16)."""
    try:
        return max(os.sysconf("SC_IOV_MAX"), 16)
    except (AttributeError, ValueError, OSError):
        return 16


_IOV_MAX = _iov_max()


def _link_new(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target`` only if no file is there (a hard link fails if one is)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: check, then rename
        if target.exists():
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
        os.replace(tmp, target)
        return
    tmp.unlink()


# --------------------------------------------------------------------------- disk stamps


@dataclass(frozen=True)
class DiskStamp:
    """What a project file looked like when it was loaded or saved, to notice when someone
    else (another TokenTCO, a sync client, an editor) changed it before we overwrite it."""

    mtime_ns: int
    size: int
    sha256: str


def stamp_bytes(path: Path, data: bytes, info: os.stat_result | None = None) -> DiskStamp:
    """The stamp of ``path`` given the bytes just read from or written to it (``info``: the
    stat taken on the open file while reading, which cannot race a concurrent rename)."""
    info = info or Path(path).stat()
    return DiskStamp(info.st_mtime_ns, info.st_size, hex_digest("sha256", data))


def changed_on_disk(path: Path, stamp: DiskStamp | None) -> bool:
    """True when ``path`` no longer holds what ``stamp`` recorded (or vanished).

    Same mtime and size is taken as unchanged (as editors do); otherwise the content hash
    decides, so a ``touch`` or a sync client rewriting identical bytes is not a change.
    With no stamp (never loaded), an existing file counts as changed.
    """
    try:
        info = Path(path).stat()
    except OSError:
        return stamp is not None
    if stamp is None:
        return True
    if info.st_size != stamp.size:
        return True
    if info.st_mtime_ns == stamp.mtime_ns:
        return False
    try:
        return hex_digest("sha256", Path(path).read_bytes()) != stamp.sha256
    except OSError:
        return True


# --------------------------------------------------------------------------- JSON


def project_to_json(project: Project) -> str:
    """The project as JSON. Imported catalogue rows keep only the fields their file stated
    (``exclude_unset``), so a reopened project still knows which inputs were assumed —
    an accelerator imported without interconnect columns stays flagged in Details."""
    data = project.model_dump(mode="json")
    data["imported"] = project.imported.model_dump(mode="json", exclude_unset=True)
    body = {
        "format": FORMAT_TAG,
        "schema_version": SCHEMA_VERSION,
        "project": data,
    }
    return json.dumps(body, indent=2, sort_keys=False, allow_nan=False)


def save_project(project: Project, path: Path) -> DiskStamp:
    """Save atomically; returns the new stamp (what ``changed_on_disk`` compares with).

    A project larger than MAX_PROJECT_BYTES (which the loader would refuse) is refused with
    an ``InputError`` before anything is written: the old file stays as it was."""
    data = project_to_json(project).encode("utf-8")
    if len(data) > MAX_PROJECT_BYTES:
        raise InputError(
            f"not saved: the project would be {len(data) / 1e6:.1f} MB, larger than the "
            f"{MAX_PROJECT_BYTES / 1e6:g} MB a TokenTCO project may be (the file is "
            "unchanged); import fewer rows or split the catalogue into several projects",
            Location(file=str(path)),
        )
    atomic_write_bytes(Path(path), data)
    return stamp_bytes(_real_target(Path(path)), data)


@dataclass(frozen=True)
class _Bad:
    """A number json could not turn into a usable float/int (kept to name its field)."""

    literal: str
    why: str


def _parse_float(text: str) -> float | _Bad:
    value = float(text)
    return value if math.isfinite(value) else _Bad(text, "is too large (not a finite number)")


def _parse_int(text: str) -> int | _Bad:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        shown = f"{text[:12]}…" if len(text) > 12 else text
        return _Bad(shown, f"has {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _parse_constant(text: str) -> _Bad:
    return _Bad(text, "is not a finite number")


_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_OPEN = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSE = np.frombuffer(b"]}", dtype=np.uint8)
_CHUNK = 1 << 20


def _too_deep(text: str) -> int | None:
    """Line where nesting exceeds MAX_JSON_DEPTH (brackets inside strings skipped), else None.

    Checked before ``json.loads``, whose recursion a deeply nested file would exhaust. Linear
    time on hostile input: escapes go first, so no string pattern can backtrack, and the
    running depth is a vectorised cumulative sum rather than a Python loop.
    """
    skeleton = _STRING.sub("", _ESCAPE.sub("", text)).encode("utf-8", "replace")
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    depth_before = 0
    for start in range(0, codes.size, _CHUNK):  # chunks bound the memory to a few MB
        chunk = codes[start : start + _CHUNK]
        step = np.isin(chunk, _OPEN).astype(np.int32) - np.isin(chunk, _CLOSE).astype(np.int32)
        depth = depth_before + np.cumsum(step)
        over = np.flatnonzero(depth > MAX_JSON_DEPTH)
        if over.size:
            return skeleton.count(b"\n", 0, start + int(over[0])) + 1
        depth_before = int(depth[-1])
    return None


def _first_bad(node: Any, path: tuple[str, ...] = ()) -> tuple[tuple[str, ...], _Bad] | None:
    """Depth-first: the first unusable number and the field path that holds it."""
    if isinstance(node, _Bad):
        return path, node
    if isinstance(node, dict):
        for key, value in node.items():
            found = _first_bad(value, (*path, str(key)))
            if found:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _first_bad(value, (*path, str(index)))
            if found:
                return found
    return None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(offset, 0)) + 1


def _field(path: tuple[str, ...]) -> str:
    inner = path[1:] if path[:1] == ("project",) else path
    return ".".join(inner) or "(top level)"


def project_from_json(text: str, origin: str = "<project>") -> Project:
    where = Location(file=origin)
    deep = _too_deep(text)
    if deep is not None:
        raise InputError(
            f"not a TokenTCO project (JSON nested more than {MAX_JSON_DEPTH} levels deep at "
            f"line {deep})",
            where,
        )
    try:
        body = json.loads(
            text,
            parse_float=_parse_float,
            parse_int=_parse_int,
            parse_constant=_parse_constant,
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not a TokenTCO project (invalid JSON at line {exc.lineno})", where
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not a TokenTCO project ({exc})", where) from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT_TAG:
        raise InputError("not a TokenTCO project file (missing format tag)", where)
    bad = _first_bad(body)
    if bad is not None:
        path, number = bad
        offset = text.find(number.literal.rstrip("…"))
        raise InputError(
            f"invalid project: {_field(path)}: {number.literal} {number.why} "
            f"(line {_line_of(text, offset)})",
            where,
        )
    version = body.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InputError(
            f"project schema version {version!r} is not supported (this TokenTCO reads up to "
            f"{SCHEMA_VERSION}); update TokenTCO",
            where,
        )
    try:
        return Project.model_validate(body.get("project", {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "project"
        raise InputError(f"invalid project: {field}: {first['msg']}", where) from exc


def read_project_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat, refusing one larger than MAX_PROJECT_BYTES before
    reading it all."""
    path = Path(path)
    where = Location(file=str(path))
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read(MAX_PROJECT_BYTES + 1)
    except FileNotFoundError as exc:
        raise InputError("file not found", where) from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a project file", where) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where) from exc
    if len(data) > MAX_PROJECT_BYTES:
        raise InputError(
            f"is larger than {MAX_PROJECT_BYTES / 1e6:g} MB: not a TokenTCO project",
            where,
        )
    return data, info


def load_project_stamped(path: Path) -> tuple[Project, DiskStamp]:
    """Load a project and the stamp of the exact bytes read (for ``changed_on_disk``)."""
    path = Path(path)
    data, info = read_project_bytes(path)
    try:
        text = data.decode("utf-8-sig")  # an editor may have added a BOM
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot read: not UTF-8 text (byte {exc.start})", Location(file=str(path))
        ) from exc
    remove_stale_temps(_real_target(path))
    project = project_from_json(text, origin=path.name)
    return project, stamp_bytes(path, data, info)


def load_project(path: Path) -> Project:
    return load_project_stamped(path)[0]
