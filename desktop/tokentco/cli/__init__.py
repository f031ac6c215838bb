"""Command line: ``tokentco`` (GUI) and headless sub-commands on the same engine and io.

Each sub-command lives in its own module exposing ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; they are imported lazily so ``tokentco --help`` stays fast.
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from tokentco import __version__
from tokentco.io.errors import InputError

COMMANDS: dict[str, str] = {
    "estimate": "tokentco.cli.estimate",
    "compare": "tokentco.cli.compare",
    "calibrate": "tokentco.cli.calibrate",
    "validate": "tokentco.cli.validate",
    "import": "tokentco.cli.import_cmd",
    "template": "tokentco.cli.template",
    "scorecard": "tokentco.cli.scorecard",
    "report": "tokentco.cli.report",
}

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _available() -> dict[str, Any]:
    modules: dict[str, Any] = {}
    for name, path in COMMANDS.items():
        try:
            modules[name] = importlib.import_module(path)
        except ModuleNotFoundError as exc:
            if exc.name != path:
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    """Parser for the app itself: ``tokentco [PROJECT] [--screenshot F] [--self-test]``."""
    commands = ", ".join(COMMANDS)
    parser = _Parser(
        prog="tokentco",
        epilog=f"commands: {commands} (tokentco COMMAND --help)",
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


def build_command_parser() -> argparse.ArgumentParser:
    """Parser for ``tokentco COMMAND ...`` (kept apart from the GUI's optional project path)."""
    parser = _Parser(prog="tokentco", description="TokenTCO headless commands.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)
    for name, module in _available().items():
        child = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(child)
        child.set_defaults(run=module.run)
    return parser


def _launch_gui(args: argparse.Namespace) -> int:
    try:
        app = importlib.import_module("tokentco.ui.app")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("tokentco.ui"):
            build_parser().print_help()
            return 0
        raise
    return int(app.run(args))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        args = build_command_parser().parse_args(argv)
    else:
        args = build_parser().parse_args(argv)
    try:
        if getattr(args, "run", None) is not None:
            return int(args.run(args))
        if getattr(args, "self_test", False):
            from tokentco.cli import selftest

            return selftest.run(args)
        return _launch_gui(args)
    except InputError as exc:
        print(f"tokentco: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the reader went away: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
