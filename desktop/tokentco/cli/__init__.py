"""Command line: ``tokentco`` (GUI) and headless sub-commands on the same engine and io.

Each sub-command lives in its own module exposing ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``. Only the module of the command being run is imported (openpyxl, Qt
and the engine are not loaded for ``tokentco --version`` or for another command), so the
one-line help of every command is kept here too, in ``COMMAND_HELP`` (a test checks it
matches each module's ``HELP``).

Anything that is neither a command nor an existing file is an error naming the closest
command, never a GUI launch; without a display the GUI says so in one line.
"""

import argparse
import atexit
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from tokentco import __version__
from tokentco.io.errors import InputError, one_line

COMMANDS: dict[str, str] = {
    "estimate": "tokentco.cli.estimate",
    "compare": "tokentco.cli.compare",
    "calibrate": "tokentco.cli.calibrate",
    "validate": "tokentco.cli.validate",
    "import": "tokentco.cli.import_cmd",
    "template": "tokentco.cli.template",
    "scorecard": "tokentco.cli.scorecard",
    "report": "tokentco.cli.report",
    "plan": "tokentco.cli.plan",
}
"""Command name → module path; the module is imported only when the command runs."""

COMMAND_HELP: dict[str, str] = {
    "estimate": "estimate every row of a calibration-format CSV (measured values are never used)",
    "compare": "compare $/Mtok, throughput, latency, energy and fleet size across options",
    "calibrate": "report the estimator's accuracy on the public measured set, or refit (--write)",
    "validate": "check .xlsx/.csv files for import and list every problem with its location",
    "import": "import .xlsx/.csv rows into a .tokentco project file (created if absent)",
    "template": "write a blank .xlsx import template (headers, units, validation, example row)",
    "scorecard": "export the RFP scorecard workbook (.xlsx, live formulas) for a project",
    "report": "write the printable comparison report (PDF) for a project",
    "plan": "plan owned/reserved base + on-demand burst GPUs per option for an hourly load",
}
"""One-line help per command, readable without importing the command modules."""

EXIT_BAD_INPUT = 2
PROJECT_SUFFIX = ".tokentco"
MAX_PROBLEM_CHARS = 300
"""Every problem line the dispatcher prints (bad arguments, bad input, OS refusals) is cut
to this many characters with "…" and has control characters escaped, whatever the command:
a 5,000-digit argument must not become a 5,000-character line."""


def problem_line(text: str) -> str:
    """``tokentco: TEXT`` as printed on stderr: one line of at most MAX_PROBLEM_CHARS."""
    return capped(f"tokentco: {text}")


def capped(line: str) -> str:
    """``line`` with control characters escaped, cut to MAX_PROBLEM_CHARS with "…"."""
    return one_line(line, MAX_PROBLEM_CHARS)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, capped(f"{self.prog}: error: {message}") + "\n")


def _command_list() -> str:
    width = max(map(len, COMMAND_HELP))
    return "\n".join(f"  {name.ljust(width)}  {text}" for name, text in COMMAND_HELP.items())


def build_parser() -> argparse.ArgumentParser:
    """Parser for the app itself: ``tokentco [PROJECT] [--screenshot F] [--self-test]``."""
    parser = _Parser(
        prog="tokentco",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"commands (tokentco COMMAND --help):\n{_command_list()}",
        description="Compare AI inference infrastructure by "
        "all-in cost per million delivered tokens. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"TokenTCO {__version__}")
    parser.add_argument(
        "--screenshot",
        metavar="OUT.png",
        help="render the main window offscreen after it has computed, save, exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the installed app end to end and print 'self-test passed'",
    )
    parser.add_argument("project", nargs="?", help="a .tokentco project to open")
    return parser


def load_command(name: str) -> ModuleType:
    """The module of one command; a command left out of this build is a one-line error."""
    path = COMMANDS[name]
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name != path:
            raise
        raise InputError(f"command {name!r} is not available in this build") from exc


def build_command_parser(name: str) -> argparse.ArgumentParser:
    """Parser for ``tokentco NAME ...``, importing that command's module only."""
    module = load_command(name)
    parser = _Parser(prog=f"tokentco {name}", description=module.HELP)
    module.add_arguments(parser)
    parser.set_defaults(
        run=module.run, command=name, quick_exit=bool(getattr(module, "QUICK_EXIT", False))
    )
    return parser


def unknown_command(word: str) -> InputError:
    """``unknown command 'estmate' — did you mean estimate?`` (or the list of commands)."""
    import difflib  # only on this error path: keeps start-up lean

    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if close:
        return InputError(f"unknown command {word!r} — did you mean {close[0]}?")
    return InputError(f"unknown command {word!r}; commands: {', '.join(COMMANDS)}")


def _looks_like_path(word: str) -> bool:
    return word.endswith(PROJECT_SUFFIX) or os.sep in word or (os.altsep or os.sep) in word


_PEEK_BYTES = 65536


def _is_project_file(path: Path) -> bool:
    """A ``.tokentco`` file (the loader then names any damage), or a JSON file carrying the
    project format tag near its start (a project saved under another name). Decided from
    the name and the first bytes only, before Qt is loaded."""
    if path.suffix.lower() == PROJECT_SUFFIX:
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(_PEEK_BYTES)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"{") and b'"tokentco-project"' in head


def check_project_argument(word: str) -> None:
    """The GUI's positional must be an existing project file; anything else (a CSV, a
    folder, a missing file, a mistyped command) is an error, so it never opens a window
    (nor aborts Qt on a machine with no display)."""
    path = Path(word)
    if path.is_file():
        if not _is_project_file(path):
            raise InputError(
                f"{word}: not a TokenTCO project (a {PROJECT_SUFFIX} file); to read its rows "
                f"use tokentco validate {word}, or tokentco import {word} --project "
                f"P{PROJECT_SUFFIX}"
            )
        return
    if path.is_dir():
        raise InputError(f"{word}: is a folder, not a {PROJECT_SUFFIX} project file")
    if _looks_like_path(word):
        raise InputError(f"{word}: file not found")
    raise unknown_command(word)


def no_display_reason(environ: "os._Environ[str] | dict[str, str]") -> str | None:
    """Why the GUI cannot open here, or None. Checked before Qt is loaded: without a
    display Qt's xcb plugin aborts the process with a multi-line dump."""
    if sys.platform in ("win32", "darwin"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY") or environ.get("QT_QPA_PLATFORM"):
        return None
    return (
        "no display to open the app on (DISPLAY and WAYLAND_DISPLAY are not set): run a "
        "command instead (tokentco --help), or set QT_QPA_PLATFORM=offscreen"
    )


def _launch_gui(args: argparse.Namespace) -> int:
    if not args.screenshot:  # --screenshot renders offscreen by itself
        reason = no_display_reason(os.environ)
        if reason:
            raise InputError(reason)
    try:
        app = importlib.import_module("tokentco.ui.app")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("tokentco.ui"):
            build_parser().print_help()
            return 0
        raise
    return int(app.run(args))


def _parse(argv: list[str]) -> argparse.Namespace:
    if argv and argv[0] in COMMANDS:
        return build_command_parser(argv[0]).parse_args(argv[1:])
    if argv and not argv[0].startswith("-"):  # before argparse trips on the flags after it
        check_project_argument(argv[0])
    args = build_parser().parse_args(argv)
    if args.project is not None:
        check_project_argument(args.project)
    return args


def os_error_text(exc: OSError) -> str:
    """ "NAME: File name too long" — the file (shortened) and the system's reason, one line."""
    name = str(exc.filename) if exc.filename is not None else ""
    if len(name) > 80:
        name = name[:40] + "…" + name[-30:]
    reason = exc.strerror or str(exc)
    return one_line(f"{name}: {reason}" if name else reason)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); the exit code."""
    return run_command_line(argv)[0]


def run_command_line(
    argv: Sequence[str] | None = None,
    parsed: list[argparse.Namespace] | None = None,
    own_process: bool = False,
) -> tuple[int, bool]:
    """The exit code of the command line, and whether the process may end at once: a
    command whose module sets ``QUICK_EXIT`` has written and closed all it writes when it
    returns (or fails), so nothing is left for the interpreter's teardown to finish. The
    parsed arguments are appended to ``parsed`` (given), where a quick command leaves what
    it built (``args.kept``) for the process's end to release, not this function's. In a
    process of its own (``entry``) such a batch command also keeps the memory it frees
    for its next allocations (``memory.keep_freed_memory``); in a test's process the
    allocator is left alone."""
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = False
    try:
        args = _parse(argv)
        if parsed is not None:
            parsed.append(args)
        quick = bool(getattr(args, "quick_exit", False))
        if quick and own_process:
            from tokentco.cli.memory import keep_freed_memory

            keep_freed_memory()
        if getattr(args, "run", None) is not None:
            return int(args.run(args)), quick
        if getattr(args, "self_test", False):
            from tokentco.cli import selftest

            return selftest.run(args), quick
        return _launch_gui(args), quick
    except InputError as exc:
        print(problem_line(str(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT, quick
    except KeyboardInterrupt:
        return 130, False
    except BrokenPipeError:  # output piped into `head` and the reader went away: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0, False
    except OSError as exc:  # a file the system refuses (name too long, no space…): one line
        print(problem_line(os_error_text(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT, quick


def entry() -> NoReturn:
    """The process's entry point (``python -m tokentco``): :func:`main`, then the exit —
    at once after a ``QUICK_EXIT`` command (see :func:`quick_exit`). Tests call
    :func:`main`, which never ends the process."""
    parsed: list[argparse.Namespace] = []  # held until the exit: see run_command_line
    code, quick = run_command_line(parsed=parsed, own_process=True)
    if quick:
        quick_exit(code)
    sys.exit(code)


def quick_exit(code: int) -> NoReturn:
    """End the process with ``code`` without the interpreter's teardown, which frees every
    object one by one (a 20,000-row estimate holds ~200 MB of them: ~0.1 s): the atexit
    handlers run and the standard streams are flushed, as at a normal exit, then
    ``os._exit``. A normal exit instead while another thread runs (the interpreter waits
    for it) or when a stream cannot be flushed (the interpreter reports that its own way)."""
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    entry()
