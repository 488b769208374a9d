"""Scoring a drill: what a correct operator would have done, against the log.

Per call, out of 100 (the contract of ``dispatch drill``):

- playbook: 20 points when the incident ran the expected playbook;
- dispatch: 40 points shared equally by the expected services; each one
  without an order on the call's incident (or the incident it was merged
  into) loses its share;
- advice: 25 points shared equally by the expected advice ids; each one not
  given loses its share;
- time: 15 points when every expected order went out within ``within_s`` of
  the call.

The drill's total is the mean of its calls, rounded.  Unexpected orders are
listed but cost nothing: the cautious defaults of a playbook may add one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from dispatch.desk.board import Board, IncidentView
from dispatch.drill.scenario import DrillCall, Scenario
from dispatch.model import mask_name, mask_phone

WEIGHTS = {"playbook": 20, "dispatch": 40, "advice": 25, "time": 15}


@dataclass
class CallScore:
    """How one call was handled."""

    call: str
    at_s: float
    says: str
    caller: dict[str, str]
    incident: str | None
    playbook: dict[str, Any]
    orders: dict[str, list[str]]
    advice: dict[str, list[str]]
    answer_s: float | None
    dispatch_s: float | None
    within_s: float
    sla_met: bool
    score: float
    lost: dict[str, float] = field(default_factory=dict)


def _survivor(board: Board, incident: str | None) -> IncidentView | None:
    inc = board.incidents.get(incident or "")
    while inc is not None and inc.merged_into:
        inc = board.incidents.get(inc.merged_into)
    return inc


def score_call(board: Board, call_id: str, script: DrillCall, start: datetime,
               answer_limit_s: float, *, pii: bool = False) -> CallScore:
    """Score one scripted call from the board the drill's log folds into."""
    call = board.calls.get(call_id)
    inc = _survivor(board, call.incident if call else None)
    expect = script.expect
    wanted = [s.value for s in expect.dispatch]
    sent_at: dict[str, datetime] = {}
    for order in (inc.orders.values() if inc else []):
        sent_at.setdefault(order.service, order.sent_at)
    missing = [s for s in wanted if s not in sent_at]
    given = inc.advice if inc else []
    advice_missing = [a for a in expect.advice if a not in given]
    chosen = inc.kind if inc else None
    rang = call.at if call else None
    answer_s = (call.answered_at - call.at).total_seconds() if call and call.answered_at else None
    dispatch_s = None
    if rang and wanted and not missing:
        dispatch_s = max(0.0, max((sent_at[s] - rang).total_seconds() for s in wanted))
    in_time = not missing and (dispatch_s is None or dispatch_s <= expect.within_s)
    lost = {
        "playbook": 0.0 if chosen == expect.playbook else WEIGHTS["playbook"],
        "dispatch": WEIGHTS["dispatch"] * len(missing) / len(wanted) if wanted else 0.0,
        "advice": (WEIGHTS["advice"] * len(advice_missing) / len(expect.advice)
                   if expect.advice else 0.0),
        "time": 0.0 if in_time and call is not None else WEIGHTS["time"],
    }
    if call is None:
        lost = dict(WEIGHTS)
    caller = script.caller.model_dump()
    if not pii:
        caller["phone"] = mask_phone(caller["phone"])
        caller["name"] = mask_name(caller["name"])
    return CallScore(
        call=call_id, at_s=script.at, says=script.says, caller=caller,
        incident=inc.id if inc else None,
        playbook={"expected": expect.playbook, "chosen": chosen, "ok": chosen == expect.playbook},
        orders={"expected": wanted, "sent": sorted(sent_at), "missing": missing,
                "unexpected": sorted(set(sent_at) - set(wanted))},
        advice={"required": list(expect.advice), "missing": advice_missing},
        answer_s=answer_s, dispatch_s=dispatch_s, within_s=expect.within_s,
        sla_met=bool(in_time and answer_s is not None and answer_s <= answer_limit_s),
        score=round(100 - sum(lost.values()), 1), lost={k: v for k, v in lost.items() if v})


def score_drill(scenario: Scenario, board: Board, call_ids: list[str], start: datetime,
                answer_limit_s: float, *, pii: bool = False) -> dict[str, Any]:
    """The drill's report: per call and the total (0–100)."""
    calls = [score_call(board, cid, script, start, answer_limit_s, pii=pii)
             for cid, script in zip(call_ids, scenario.calls, strict=True)]
    total = round(sum(c.score for c in calls) / len(calls)) if calls else 0
    return {"drill": scenario.drill.id, "title": scenario.drill.title.model_dump(),
            "score": total, "calls": [asdict(c) for c in calls]}
