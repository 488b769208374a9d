"""The ``dispatch`` command line: a thin edge over the core.

Each subcommand lives in its own module with a ``register(subparsers)``
function that adds its parser and sets ``func``.  Errors the package raises on
purpose (:class:`~dispatch.errors.DispatchError`) become one readable line on
stderr and an exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from dispatch import __version__
from dispatch.errors import DispatchError

# Subcommand modules, in the order ``--help`` lists them.
COMMANDS = (
    "dispatch.cli.config_cmd",
    "dispatch.cli.timeline_cmd",
    "dispatch.cli.export_cmd",
    "dispatch.cli.playbooks_cmd",
    "dispatch.cli.maps_cmd",
    "dispatch.cli.bus_cmd",
    "dispatch.cli.drill_cmd",
    "dispatch.cli.replay_cmd",
    "dispatch.cli.unit_cmd",
    "dispatch.cli.report_cmd",
    "dispatch.cli.operators_cmd",
    "dispatch.cli.orders_cmd",
    "dispatch.cli.storage_cmd",
    "dispatch.cli.bench_cmd",
    "dispatch.cli.console_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="dispatch",
        description="Emergency and rescue dispatch console for highway and transport hotlines.",
    )
    parser.add_argument("--version", action="version", version=f"dispatch {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $DISPATCH_CONFIG, ./config.toml, "
        "the user config folder, then built-in defaults)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        import_module(name).register(sub)
    _config_everywhere(sub)
    return parser


def _config_everywhere(sub: argparse._SubParsersAction) -> None:
    """Accept ``--config`` after the subcommand too (``dispatch export --config F``)."""
    for child in sub.choices.values():
        if not any("--config" in a.option_strings for a in child._actions):
            child.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                               help="configuration file")
        for action in child._actions:
            if isinstance(action, argparse._SubParsersAction):
                _config_everywhere(action)


def _logging() -> None:
    """Warnings and errors to stderr; the MQTT client's socket chatter only when it matters."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # paho reports every dropped socket while the broker is away: the link's own
    # events (link_down / link_up) already say so in the log.
    logging.getLogger("mqtt").setLevel(logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _logging()
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except DispatchError as exc:
        print(f"dispatch: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `dispatch export | head` closes the pipe early; that is not an error.
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
