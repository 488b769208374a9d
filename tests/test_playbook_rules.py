"""Every rule of DESIGN "Playbook rules", for each shipped playbook, both ways.

Each row: a playbook, answers, and what must (or must not) follow.  Answers
are complete unless a row says otherwise, so no rule waits on a question.
"""

from __future__ import annotations

import pytest

from dispatch.playbook import load_playbooks

PLAYBOOKS = load_playbooks()

CALM_ACCIDENT = {"injured": 0, "trapped": False, "fire": False, "hazmat": False,
                 "vehicles": 2, "lane_blocked": False}
CALM_BREAKDOWN = {"fault": "tyre", "in_lane": False, "smoke": False, "injured": 0,
                  "vehicle": "white van"}
ROAD_ADVICE = ["leave_lanes", "hazard_lights", "warning_triangle"]


def services(pid: str, answers: dict, **kw) -> set[str]:
    return {s.service.value for s in PLAYBOOKS.guide(pid, answers, **kw).services}


# (playbook, base answers, changes, service, expected present)
SERVICE_RULES = [
    # accident: always 110 and the section centre
    ("accident", CALM_ACCIDENT, {}, "110", True),
    ("accident", CALM_ACCIDENT, {}, "section", True),
    ("accident", CALM_ACCIDENT, {"injured": 3, "fire": True, "trapped": True}, "110", True),
    ("accident", CALM_ACCIDENT, {"injured": 3, "fire": True, "trapped": True}, "section", True),
    # 120 if anyone is injured or trapped
    ("accident", CALM_ACCIDENT, {"injured": 1}, "120", True),
    ("accident", CALM_ACCIDENT, {"trapped": True}, "120", True),
    ("accident", CALM_ACCIDENT, {}, "120", False),
    ("accident", CALM_ACCIDENT, {"fire": True, "hazmat": True}, "120", False),
    # 119 if fire / smoke, a fuel or hazardous-goods leak, or people trapped
    ("accident", CALM_ACCIDENT, {"fire": True}, "119", True),
    ("accident", CALM_ACCIDENT, {"hazmat": True}, "119", True),
    ("accident", CALM_ACCIDENT, {"trapped": True}, "119", True),
    ("accident", CALM_ACCIDENT, {}, "119", False),
    ("accident", CALM_ACCIDENT, {"injured": 4, "lane_blocked": True}, "119", False),
    # breakdown: always the section centre, for every sub-kind
    *[("breakdown", CALM_BREAKDOWN, {"fault": f}, "section", True)
      for f in ("tyre", "fuel", "overheat", "mechanical", "other")],
    # 110 as well when standing in a live lane
    ("breakdown", CALM_BREAKDOWN, {"in_lane": True}, "110", True),
    ("breakdown", CALM_BREAKDOWN, {}, "110", False),
    # 119 if it smokes or burns
    ("breakdown", CALM_BREAKDOWN, {"smoke": True}, "119", True),
    ("breakdown", CALM_BREAKDOWN, {}, "119", False),
    # 120 if someone is hurt or ill
    ("breakdown", CALM_BREAKDOWN, {"injured": 1}, "120", True),
    ("breakdown", CALM_BREAKDOWN, {}, "120", False),
    ("breakdown", CALM_BREAKDOWN, {"in_lane": True, "smoke": True}, "120", False),
    # outage: ops at once, whatever system
    *[("outage", {"system": s, "scope": "all seats"}, {}, "ops", True)
      for s in ("telephony", "ticketing", "toll", "network", "console_link", "other")],
    ("outage", {"system": "telephony", "scope": "x"}, {}, "110", False),
    # peak load: ops (extra seats); section for traffic control when one event draws many calls
    ("peak_load", {"event": "G4 jam", "calls_on_event": 1}, {}, "ops", True),
    ("peak_load", {"event": "G4 jam", "calls_on_event": 12}, {}, "section", True),
    ("peak_load", {"event": "G4 jam", "calls_on_event": 2}, {}, "section", False),
    # complaint: to the road-section centre, whatever the subject
    *[("complaint", {"subject": s, "against": "toll station", "details": "x"}, {}, "section", True)
      for s in ("toll", "service", "facility", "rescue", "other")],
    ("complaint", {"subject": "toll", "against": "x", "details": "x"}, {}, "110", False),
]


@pytest.mark.parametrize(("pid", "base", "changes", "service", "present"), SERVICE_RULES)
def test_dispatch_rules(pid, base, changes, service, present):
    got = services(pid, {**base, **changes})
    assert (service in got) is present, got


def test_exact_service_sets():
    assert services("accident", CALM_ACCIDENT) == {"110", "section"}
    assert services("accident", {**CALM_ACCIDENT, "injured": 2}) == {"110", "120", "section"}
    assert services("accident", {**CALM_ACCIDENT, "trapped": True}) == {
        "110", "119", "120", "section"}
    assert services("breakdown", CALM_BREAKDOWN) == {"section"}
    assert services("outage", {"system": "network", "scope": "x"}) == {"ops"}
    assert services("outage", {"system": "toll", "scope": "x"}) == {"ops", "section"}
    assert services("complaint", {"subject": "toll", "against": "x"}) == {"section"}


@pytest.mark.parametrize("pid", ["accident", "breakdown"])
@pytest.mark.parametrize("advice", ROAD_ADVICE)
def test_road_safety_advice_always_required(pid, advice):
    base = CALM_ACCIDENT if pid == "accident" else CALM_BREAKDOWN
    for answers in ({}, base):
        guidance = PLAYBOOKS.guide(pid, answers)
        due = {a.id: a for a in guidance.advice}
        assert advice in due and due[advice].required


@pytest.mark.parametrize("pid", ["accident", "breakdown"])
def test_safety_texts_say_what_the_law_says(pid):
    spec = PLAYBOOKS.get(pid)
    texts = {a.id: a.text for a in spec.advice}
    assert "150" in texts["warning_triangle"].en and "150" in texts["warning_triangle"].zh
    assert "guardrail" in texts["leave_lanes"].en and "护栏" in texts["leave_lanes"].zh
    assert "between" in texts["leave_lanes"].en or "behind" in texts["leave_lanes"].en
    assert "hazard" in texts["hazard_lights"].en and "危险报警闪光灯" in texts["hazard_lights"].zh


# (playbook, answers, advice id, due)
ADVICE_RULES = [
    ("accident", {**CALM_ACCIDENT, "fire": True}, "no_smoking_fire", True),
    ("accident", {**CALM_ACCIDENT, "hazmat": True}, "no_smoking_fire", True),
    ("accident", CALM_ACCIDENT, "no_smoking_fire", False),
    ("accident", {**CALM_ACCIDENT, "injured": 1}, "do_not_move_injured", True),
    ("accident", {**CALM_ACCIDENT, "trapped": True}, "do_not_move_injured", True),
    ("accident", CALM_ACCIDENT, "do_not_move_injured", False),
    ("accident", CALM_ACCIDENT, "move_if_minor", True),
    ("accident", {**CALM_ACCIDENT, "injured": 1}, "move_if_minor", False),
    ("breakdown", {**CALM_BREAKDOWN, "smoke": True}, "no_smoking_fire", True),
    ("breakdown", CALM_BREAKDOWN, "no_smoking_fire", False),
    ("breakdown", {**CALM_BREAKDOWN, "injured": 2}, "do_not_move_injured", True),
    ("breakdown", CALM_BREAKDOWN, "do_not_move_injured", False),
    ("breakdown", {**CALM_BREAKDOWN, "fault": "fuel"}, "no_walking_for_fuel", True),
    ("breakdown", CALM_BREAKDOWN, "no_walking_for_fuel", False),
    ("breakdown", {**CALM_BREAKDOWN, "fault": "overheat"}, "hot_radiator", True),
    ("breakdown", CALM_BREAKDOWN, "hot_radiator", False),
    ("breakdown", CALM_BREAKDOWN, "no_roadside_repair", True),
    ("breakdown", {**CALM_BREAKDOWN, "fault": "fuel"}, "no_roadside_repair", False),
    ("outage", {"system": "network"}, "stay_on_line", True),
    ("complaint", {"subject": "toll"}, "callback_promise", True),
]


@pytest.mark.parametrize(("pid", "answers", "advice", "due"), ADVICE_RULES)
def test_advice_rules(pid, answers, advice, due):
    ids = [a.id for a in PLAYBOOKS.guide(pid, answers).advice]
    assert (advice in ids) is due, ids


def test_advice_required_first():
    guidance = PLAYBOOKS.guide("accident", {**CALM_ACCIDENT, "fire": True})
    flags = [a.required for a in guidance.advice]
    assert flags == sorted(flags, reverse=True)
    assert guidance.to_json()["advice"][:3] == ROAD_ADVICE


# (playbook, answers, priority)
PRIORITY_RULES = [
    ("accident", CALM_ACCIDENT, 3),
    ("accident", {**CALM_ACCIDENT, "lane_blocked": True}, 2),
    ("accident", {**CALM_ACCIDENT, "injured": 1}, 2),
    ("accident", {**CALM_ACCIDENT, "injured": 3}, 1),
    ("accident", {**CALM_ACCIDENT, "vehicles": 6}, 1),
    ("accident", {**CALM_ACCIDENT, "trapped": True}, 1),
    ("accident", {**CALM_ACCIDENT, "fire": True}, 1),
    ("accident", {**CALM_ACCIDENT, "hazmat": True}, 1),
    ("breakdown", CALM_BREAKDOWN, 3),
    ("breakdown", {**CALM_BREAKDOWN, "in_lane": True}, 2),
    ("breakdown", {**CALM_BREAKDOWN, "injured": 1}, 2),
    ("breakdown", {**CALM_BREAKDOWN, "smoke": True}, 1),
    ("outage", {"system": "toll"}, 2),
    ("outage", {"system": "telephony"}, 1),
    ("outage", {"system": "console_link"}, 1),
    ("peak_load", {"calls_on_event": 3}, 3),
    ("peak_load", {"calls_on_event": 10}, 2),
    ("complaint", {"subject": "toll"}, 4),
    ("complaint", {"subject": "rescue"}, 3),
]


@pytest.mark.parametrize(("pid", "answers", "priority"), PRIORITY_RULES)
def test_priority_rules(pid, answers, priority):
    assert PLAYBOOKS.guide(pid, answers).priority == priority


@pytest.mark.parametrize(("pid", "deadlines"), [
    ("accident", {"dispatch": 60, "on_scene": 1800}),
    ("breakdown", {"dispatch": 60, "on_scene": 1800}),
    ("outage", {"dispatch": 60, "resolve": 1800}),
    ("peak_load", {"dispatch": 120}),
    ("complaint", {"investigate": 86400, "callback": 172800}),
])
def test_deadlines(pid, deadlines):
    assert PLAYBOOKS.guide(pid).to_json()["deadlines"] == deadlines


# -- unknown answers ---------------------------------------------------------


def test_unasked_injuries_wait_and_say_so():
    guidance = PLAYBOOKS.guide("accident", {"trapped": False, "fire": False, "hazmat": False})
    assert "120" not in {s.service.value for s in guidance.services}
    waiting = {(d.kind, d.target): d.on for d in guidance.depends}
    assert waiting[("service", "120")] == ("injured",)
    assert "injured" in guidance.pending


def test_unknown_injuries_after_asking_send_120_and_say_why():
    answers = {**CALM_ACCIDENT, "injured": "unknown"}
    guidance = PLAYBOOKS.guide("accident", answers)
    ambulance = next(s for s in guidance.services if s.service.value == "120")
    assert ambulance.assumed
    assert ambulance.reason == "Injuries not known after asking: send an ambulance to be safe"
    assert guidance.unknown == ["injured"]
    assert "injured" not in guidance.pending
    assert guidance.priority == 2  # treated as injured
    zh = PLAYBOOKS.guide("accident", answers, lang="zh")
    assert "为安全起见派急救" in next(s.reason for s in zh.services if s.service.value == "120")


def test_complete_treats_unanswered_as_unknown():
    guidance = PLAYBOOKS.guide("breakdown", {"fault": "fuel", "in_lane": False, "smoke": False},
                               complete=True)
    assert "120" in {s.service.value for s in guidance.services}
    assert guidance.pending == []


def test_unknown_does_not_hide_a_decided_rule():
    # trapped alone decides 120, whatever the injuries turn out to be.
    guidance = PLAYBOOKS.guide("accident", {"trapped": True})
    ambulance = next(s for s in guidance.services if s.service.value == "120")
    assert not ambulance.assumed
    assert ("service", "120") not in {(d.kind, d.target) for d in guidance.depends}


def test_unknown_fire_waits_rather_than_assumes():
    guidance = PLAYBOOKS.guide("accident", {**CALM_ACCIDENT, "fire": None})
    assert "119" not in {s.service.value for s in guidance.services}
    assert ("service", "119") in {(d.kind, d.target) for d in guidance.depends}


def test_no_answers_at_all():
    guidance = PLAYBOOKS.guide("accident")
    assert guidance.pending == ["injured", "trapped", "fire", "hazmat", "vehicles",
                                "lane_blocked"]
    assert {s.service.value for s in guidance.services} == {"110", "section"}
    assert guidance.priority == 3
    assert {d.target for d in guidance.depends if d.kind == "service"} == {"119", "120"}
