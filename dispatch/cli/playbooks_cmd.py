"""``dispatch playbooks``: check, show and try the playbooks from a terminal or a script.

- ``check [DIR]``: validate every file; one summary line per playbook (exit 0)
  or every problem as ``file:line: key: what is wrong`` (exit 1).
- ``show ID [--lang en|zh]``: the playbook as the checklist an operator reads.
- ``classify TEXT [--explain] [--json]``: which playbooks a caller's words point to
  (``--explain``: why, phrase by phrase).
- ``guide ID [--answer KEY=VALUE ...] [--json]``: guidance for a set of answers.
- ``phrases TEXT [--note] [--json]``: flag forbidden service phrases (exit 1 on a hit).

The folder is ``--dir``, else ``[data] playbooks`` of the configuration, else
the shipped ``playbooks/``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

from dispatch.cli.common import config_of
from dispatch.playbook import (
    check_folder,
    check_service_file,
    load_playbooks,
    load_service_language,
    parse_assignment,
    shipped_folder,
)
from dispatch.playbook.cues import ANSWERS_FILE, check_answers_file
from dispatch.playbook.load import SERVICE_FILE
from dispatch.playbook.render import (
    render_explain,
    render_guidance,
    render_matches,
    render_playbook,
)
from dispatch.playbook.text import pad
from dispatch.playbook.urgency import URGENCY_FILE, check_urgency_file


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``dispatch playbooks`` and its actions."""
    parser = subparsers.add_parser(
        "playbooks",
        help="check, show and try the playbooks",
        description="Validate, read and try the playbooks (playbooks/*.toml).",
    )
    actions = parser.add_subparsers(dest="playbooks_action", metavar="ACTION")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)

    check = actions.add_parser(
        "check", help="validate every playbook and the service language",
        description="Validate every playbook file and service.toml. Prints one line per "
        "playbook and exits 0, or every problem as FILE:LINE: KEY: WHAT and exits 1.",
    )
    check.add_argument("dir", nargs="?", type=Path, metavar="DIR",
                       help="playbook folder (default: configured, else shipped)")
    check.set_defaults(func=_check)

    show = actions.add_parser("show", help="print a playbook as an operator's checklist")
    show.add_argument("id", metavar="ID", help="playbook id, e.g. accident")
    _common(show, json_option=False)
    show.add_argument("--width", type=int, metavar="N",
                      help="wrap to N columns (default: the terminal's, at most 100)")
    show.set_defaults(func=_show)

    classify = actions.add_parser("classify", help="rank the playbooks a caller's words point to")
    classify.add_argument("text", nargs="+", metavar="TEXT", help="what the caller said")
    classify.add_argument("--explain", action="store_true",
                          help="show why: each phrase with its weight, denials, typos, "
                          "the Chinese segmentation, each playbook's total")
    _common(classify)
    classify.set_defaults(func=_classify)

    guide = actions.add_parser("guide", help="guidance for a playbook and a set of answers")
    guide.add_argument("id", metavar="ID", help="playbook id, e.g. accident")
    guide.add_argument("--answer", "-a", action="append", default=[], metavar="KEY=VALUE",
                       help="an answer, e.g. injured=2 or trapped=no (repeatable); "
                       "VALUE 'unknown' means asked but not known")
    guide.add_argument("--complete", action="store_true",
                       help="the questions are over: unanswered questions count as unknown")
    _common(guide)
    guide.set_defaults(func=_guide)

    phrases = actions.add_parser("phrases", help="flag forbidden service phrases in a text")
    phrases.add_argument("text", nargs="+", metavar="TEXT", help="what the operator typed")
    phrases.add_argument("--note", action="store_true",
                         help="the text is a note about the caller, not said to them")
    _common(phrases)
    phrases.set_defaults(func=_phrases)


def _common(parser: argparse.ArgumentParser, json_option: bool = True) -> None:
    parser.add_argument("--dir", type=Path, metavar="DIR",
                        help="playbook folder (default: configured, else shipped)")
    parser.add_argument("--lang", choices=("en", "zh"), help="language (default: [ui] lang)")
    if json_option:
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def _settings(args: argparse.Namespace) -> tuple[Path, str]:
    """The playbook folder and language: options first, then configuration, then defaults."""
    folder: Path | None = getattr(args, "dir", None)
    lang: str | None = getattr(args, "lang", None)
    if folder is None or lang is None:
        # Read the configuration only when an option leaves something open.
        config = config_of(args)
        folder = folder or config.data.playbooks
        lang = lang or config.ui.lang
    return (folder or shipped_folder()), lang


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _check(args: argparse.Namespace) -> int:
    folder = args.dir or _settings(args)[0]
    specs, problems = check_folder(folder)
    service_path = folder / SERVICE_FILE
    service = None
    if service_path.is_file():
        service, found = check_service_file(service_path)
        problems += found
    urgency_path = folder / URGENCY_FILE
    urgency = None
    if urgency_path.is_file():
        urgency, found = check_urgency_file(urgency_path)
        problems += found
    answers_file = folder / ANSWERS_FILE
    answers = None
    if answers_file.is_file() and specs:
        answers, found = check_answers_file(answers_file, specs)
        problems += found
    if problems:
        for problem in problems:
            print(problem)
        files = len({p.file for p in problems})
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)} in "
              f"{files} file{'s' * (files != 1)}")
        return 1
    for spec in specs:
        title = f"{spec.title.en} / {spec.title.zh}"
        counts = (f"{len(spec.questions)} questions, {len(spec.advice)} advice, "
                  f"{len(spec.dispatch)} dispatch rules, {len(spec.deadlines)} deadlines")
        print(f"{spec.id:<11} v{spec.version:<3} {pad(title, 36)} {counts}")
    if service is not None:
        print(f"{'service':<11} v{service.version:<3} {pad('service language / 服务用语', 36)} "
              f"{len(service.phrases)} phrases, {len(service.forbidden)} forbidden groups")
    if urgency is not None:
        print(f"{'urgency':<11} v{urgency.version:<3} {pad('call urgency / 来电紧急程度', 36)} "
              f"{len(urgency.dangers)} dangers")
    if answers is not None:
        print(f"{'answers':<11} v{answers.version:<3} {pad('answers from words / 话中已答', 36)} "
              f"{len(answers.answers)} questions' cues")
    print(f"{len(specs)} playbook{'s' * (len(specs) != 1)} OK in {folder}")
    return 0


def _width(args: argparse.Namespace) -> int:
    if args.width:
        return args.width
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def _show(args: argparse.Namespace) -> int:
    folder, lang = _settings(args)
    spec = load_playbooks(folder).get(args.id)
    print(render_playbook(spec, lang, _width(args)), end="")
    return 0


def _classify(args: argparse.Namespace) -> int:
    folder, lang = _settings(args)
    text = " ".join(args.text)
    if args.explain:
        explanation = load_playbooks(folder).explain(text)
        if args.json:
            _print_json(explanation.to_json())
        else:
            width = min(shutil.get_terminal_size((80, 24)).columns, 100)
            print(render_explain(explanation, lang, width), end="")
        return 0
    matches = load_playbooks(folder).classify(text)
    if args.json:
        _print_json({"text": text, "matches": [m.to_json() for m in matches]})
    else:
        print(render_matches(matches, lang), end="")
    return 0


def _guide(args: argparse.Namespace) -> int:
    folder, lang = _settings(args)
    answers = dict(parse_assignment(a) for a in args.answer)
    guidance = load_playbooks(folder).guide(args.id, answers, lang=lang, complete=args.complete)
    if args.json:
        _print_json(guidance.to_json())
    else:
        print(render_guidance(guidance, min(shutil.get_terminal_size((80, 24)).columns, 100)),
              end="")
    return 0


def _phrases(args: argparse.Namespace) -> int:
    folder = _settings(args)[0]
    text = " ".join(args.text)
    # --lang narrows the check; without it both languages are checked (operators mix them).
    hits = load_service_language(folder).check(text, args.lang, note=args.note)
    if args.json:
        _print_json({"text": text, "hits": [h.to_json() for h in hits]})
    else:
        for hit in hits:
            print(f"{hit.start}-{hit.end}: {hit.id}: {hit.phrase!r} → {hit.instead}")
        if not hits:
            print("no forbidden phrase")
    return 1 if hits else 0
