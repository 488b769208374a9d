"""``dispatch export``: the event log as JSON lines or CSV, incidents as EIDO, advisories as CAP.

Callers' names and phone numbers are masked in every format unless ``--pii``
is given by an operator whose role may see them (``--as``, a supervisor).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from dispatch.cli.auth import add_pii_options, authorize_pii
from dispatch.cli.common import add_db_option, config_of, lang_of, open_log
from dispatch.clock import parse_rfc3339
from dispatch.errors import DispatchError
from dispatch.i18n import text
from dispatch.model import EventType
from dispatch.timeline.export import FORMATS, write_events
from dispatch.timeline.mask import masked

ALL_FORMATS = (*FORMATS, "eido", "cap")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` command."""
    parser = sub.add_parser(
        "export", help="export the event log (jsonl, csv), incidents (eido) or advisories (cap)",
        description="jsonl / csv: every event. eido: one NENA EIDO JSON document per "
        "incident (JSON lines, or one file per incident with --out DIR). cap: the public "
        "advisories as CAP 1.2 XML, one alert per document: one file per alert with "
        "--out DIR/; a single alert may go to a file or stdout, several to stdout are "
        "refused (exit 1), and so is none. Callers' names and numbers are masked unless "
        "--pii.")
    parser.add_argument("--format", choices=ALL_FORMATS, default="jsonl", help="output format")
    parser.add_argument("--out", metavar="FILE|DIR",
                        help="write here (default: stdout); an existing folder or a path "
                        "ending in / gets one file per document (eido, cap)")
    parser.add_argument("--since", metavar="WHEN",
                        help="only events at or after WHEN: a date (2026-11-22, the centre's "
                        "calendar) or an RFC 3339 time")
    parser.add_argument("--incident", metavar="ID", help="eido: only this incident")
    parser.add_argument("--lang", choices=("en", "zh"),
                        help="language of the messages on stderr (default: ui.lang)")
    add_pii_options(parser)
    add_db_option(parser)
    parser.set_defaults(func=run)


def parse_since(value: str, tz) -> datetime:  # type: ignore[no-untyped-def]
    """A date in the centre's time zone, or an RFC 3339 time, as UTC.

    Raises:
        DispatchError: Neither form.
    """
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    try:
        return parse_rfc3339(value)
    except ValueError:
        raise DispatchError(
            f"--since: expected a date (2026-11-22) or an RFC 3339 time "
            f"(2026-11-22T08:00:00Z), got {value!r}"
        ) from None


def _target(raw: str | None) -> tuple[Path | None, bool]:
    """``--out`` as a path, and whether it names a folder (existing, or ending in ``/``)."""
    if not raw:
        return None, False
    return Path(raw), raw.endswith(("/", "\\")) or Path(raw).is_dir()


def run(args: argparse.Namespace) -> int:
    """Write the export."""
    tz = config_of(args).center.tz
    since = parse_since(args.since, tz) if args.since else None
    out, folder = _target(args.out)
    with open_log(args) as log:
        pii = authorize_pii(args, log, "export")
        if args.format in FORMATS:
            if folder:
                raise DispatchError(f"--out {args.out}: {args.format} goes to one file")
            events = masked(log.events(since=since), pii)
            if out:
                with out.open("w", encoding="utf-8", newline="") as stream:
                    count = write_events(events, stream, args.format)
                print(text("export.done", lang_of(args), count=count, out=out),
                      file=sys.stderr)
            else:
                write_events(events, sys.stdout, args.format)
            return 0
        if args.format == "eido":
            from dispatch.interchange.eido import documents

            docs = documents(log.events(since=since), log.center, pii=pii,
                             incident=args.incident)
            if args.incident and not docs:
                raise DispatchError(f"{log.path}: no incident {args.incident}")
            files = [(f"{d['incidentComponent']['internalIncidentId']}.eido.json",
                      json.dumps(d, ensure_ascii=False, indent=2) + "\n") for d in docs]
            lines = [json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n" for d in docs]
        else:
            alerts = [e.data for e in log.events(since=since,
                                                 types=[EventType.ADVISORY_PUBLISHED.value])
                      if isinstance(e.data.get("cap"), str)]
            files = [(f"{a.get('identifier', n)}.xml", a["cap"] + "\n")
                     for n, a in enumerate(alerts, 1)]
            lines = [a["cap"] + "\n" for a in alerts]
            _check_cap(args, log.path, out, folder, len(alerts))
    return _write(args, out, folder, files, lines)


def _check_cap(args: argparse.Namespace, log: Path, out: Path | None, folder: bool,
               count: int) -> None:
    """CAP is one alert per XML document, and a consumer reads one document per file or
    stream: a file or stdout takes exactly one alert; several need a folder.  No alert at
    all is an error there too (an empty file is no CAP document); a folder is simply left
    empty, with a note on stderr.

    Raises:
        DispatchError: Several alerts for a file or stdout, or none.
    """
    lang = lang_of(args)
    if count == 0:
        message = text("export.no_alerts", lang, log=log)
        if not folder:
            raise DispatchError(message)
        print(message, file=sys.stderr)
    elif count > 1 and not folder:
        where = f"--out {args.out}: " if out else "stdout: "
        raise DispatchError(where + text("export.cap_many", lang, count=count))


def _write(args: argparse.Namespace, out: Path | None, folder: bool,
           files: list[tuple[str, str]], lines: list[str]) -> int:
    if out is not None and folder:
        out.mkdir(parents=True, exist_ok=True)
        for name, body in files:
            (out / name).write_text(body, encoding="utf-8")
        print(text("export.files", lang_of(args), count=len(files), out=out), file=sys.stderr)
    elif out is not None:
        out.write_text("".join(lines), encoding="utf-8")
        print(text("export.files", lang_of(args), count=len(lines), out=out), file=sys.stderr)
    else:
        sys.stdout.write("".join(lines))
    return 0
