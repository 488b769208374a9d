"""Fuzzing every loader and parser that takes outside input: none may crash or hang.

Configuration, playbooks, maps, drill files, stake text and every MQTT
payload get random and mutated input.  The only acceptable failures are the
package's own one-line errors (:class:`~dispatch.errors.DispatchError`
subclasses, and :class:`~dispatch.bus.codec.Rejected` for payloads).
Examples are bounded so that the whole file runs in seconds.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.bus.codec import Checks, Rejected, canonical, decode, sign
from dispatch.bus.payloads import (
    AdvisoryMessage,
    CallMessage,
    EventMessage,
    OrderMessage,
    StatusMessage,
)
from dispatch.config.load import parse_config, read_config
from dispatch.drill.scenario import load_scenario
from dispatch.errors import DispatchError
from dispatch.geo import load_map
from dispatch.playbook import load_playbooks

from .desklib import shipped

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=80, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SLOW = settings(FAST, max_examples=25)

scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=15)


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def mutate(text: str, data: st.DataObject) -> str:
    """Drop, duplicate or replace some lines of a valid file."""
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "replace", "value"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "replace":
            lines[i] = data.draw(st.text(max_size=40))
        elif "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            value = data.draw(st.sampled_from(['""', "-1", "1e309", "true", "[]", "{}",
                                               '"x"', "[1, \"a\"]", "nan", "99999999999"]))
            lines[i] = f"{key}= {value}"
    return "\n".join(lines) + "\n"


# -- configuration ----------------------------------------------------------------------------

SECTIONS = {"center": ["id", "name", "timezone"], "mqtt": ["url", "username", "keepalive_s",
            "embedded_port", "ca_file"], "sla": ["answer_s", "ack_s"], "ui": ["lang"],
            "modes": ["peak_calls", "merge_distance_m"], "security": ["key_file"],
            "data": ["maps", "off_network_m"], "storage": ["database"], "bogus": ["x"]}
config_dicts = st.dictionaries(
    st.sampled_from(sorted(SECTIONS)),
    st.one_of(scalars, st.dictionaries(st.sampled_from(sorted({k for v in SECTIONS.values()
                                                                for k in v} | {"zz"})),
                                       json_values, max_size=4)), max_size=5)


@FAST
@given(raw=config_dicts)
def test_parse_config_only_raises_config_errors(raw: dict) -> None:
    with suppress(DispatchError):
        parse_config(raw, Path("/nonexistent/config.toml"))


@FAST
@given(data=st.data())
def test_read_config_only_raises_config_errors(data: st.DataObject) -> None:
    text = data.draw(st.one_of(st.text(max_size=200),
                               st.just((ROOT / "config.toml").read_text()).map(
                                   lambda t: mutate(t, data))))
    with folder() as where:
        path = where / "config.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with suppress(DispatchError):
            read_config(path)


# -- playbooks ---------------------------------------------------------------------------------


@SLOW
@given(data=st.data())
def test_playbook_loading_only_raises_playbook_errors(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["accident", "breakdown", "complaint", "outage"]))
    text = mutate((ROOT / "playbooks" / f"{name}.toml").read_text(encoding="utf-8"), data)
    with folder() as where:
        (where / f"{name}.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        with suppress(DispatchError):
            load_playbooks(where)


@FAST
@given(text=st.text(max_size=300))
def test_random_playbook_text(text: str) -> None:
    with folder() as where:
        (where / "accident.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        with suppress(DispatchError):
            load_playbooks(where)


# -- maps --------------------------------------------------------------------------------------

coords = st.floats(min_value=-1e3, max_value=1e3) | \
    st.sampled_from([math.nan, math.inf, 114.3, 30.5])
geometries = st.one_of(
    st.none(), json_values,
    st.fixed_dictionaries({"type": st.sampled_from(["Point", "LineString", "Polygon",
                                                     "MultiPolygon", "Bogus"]),
                           "coordinates": st.recursive(st.lists(coords, max_size=3),
                                                       lambda c: st.lists(c, max_size=4),
                                                       max_leaves=12)}))
PROPS = ["road", "section", "centre", "km_start", "km_end", "id", "service", "en", "zh",
         "recipients", "phone", "aliases", "towards_increasing"]
features = st.fixed_dictionaries({
    "type": st.sampled_from(["Feature", "feature", "X"]), "geometry": geometries,
    "properties": st.one_of(st.none(), st.dictionaries(st.sampled_from(PROPS), json_values,
                                                       max_size=6))})
collections = st.one_of(json_values, st.fixed_dictionaries({
    "type": st.sampled_from(["FeatureCollection", "Feature"]),
    "features": st.one_of(json_values, st.lists(features, max_size=4))}))


@SLOW
@given(which=st.sampled_from(["roads", "jurisdictions", "stations"]), doc=collections)
def test_map_loading_only_raises_geo_errors(which: str, doc: object) -> None:
    with folder() as where:
        for name in ("roads", "jurisdictions", "stations"):
            shutil.copy(ROOT / "maps" / f"{name}.geojson", where)
        (where / f"{which}.geojson").write_text(json.dumps(doc, allow_nan=True))
        with suppress(DispatchError):
            load_map(where)


# -- drill files -------------------------------------------------------------------------------

DRILLS = sorted((ROOT / "playbooks" / "drills").glob("*.toml"))


@FAST
@given(data=st.data())
def test_drill_loading_only_raises_drill_errors(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(DRILLS))
    text = data.draw(st.one_of(st.text(max_size=200),
                               st.just(source.read_text(encoding="utf-8")).map(
                                   lambda t: mutate(t, data))))
    with folder() as where:
        path = where / "drill.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with suppress(DispatchError):
            load_scenario(path)


# -- stake text ------------------------------------------------------------------------------

stake_words = st.sampled_from(["G4", "G50", "G70", "K", "+", "1024", "300", "公里", "米",
                               "京港澳高速",
                               "往武汉方向", "northbound", ",", ".", "-", " ", "９", "K1024+300",
                               "29.93,114.29", "nan", "inf", "1e400", "99999999999999"])
stake_text = st.one_of(st.text(max_size=60),
                       st.lists(stake_words, max_size=8).map("".join),
                       st.lists(stake_words | st.text(max_size=3), max_size=8).map(" ".join))


@cache
def roadmap():  # type: ignore[no-untyped-def]
    return shipped()[1]


@settings(FAST, max_examples=300)
@given(text=stake_text)
def test_stake_parsing_only_raises_geo_errors(text: str) -> None:
    with suppress(DispatchError):
        roadmap().locate(text)


# -- every MQTT payload ------------------------------------------------------------------------

MODELS = [CallMessage, OrderMessage, StatusMessage, EventMessage, AdvisoryMessage]
KEY = b"fuzzing-key-0123456789"
FIELDS = ["schema", "id", "at", "center", "drill", "sig", "caller", "says", "location",
          "answers", "incident", "to", "kind", "priority", "summary", "advice_given",
          "operator", "order", "from", "status", "eta_s", "note", "type", "actor", "seq",
          "data", "identifier", "msg_type", "cap"]
VALID = {
    CallMessage: {"caller": {"name": "Li", "phone": "1"}, "says": "x"},
    OrderMessage: {"incident": "20261122-0001", "to": "120/xianning", "kind": "accident",
                   "priority": 1, "location": {}, "operator": "op"},
    StatusMessage: {"order": "o", "incident": "i", "from": "120/xianning",
                    "status": "received"},
    EventMessage: {"incident": "i", "type": "t", "actor": "a"},
    AdvisoryMessage: {"identifier": "x", "msg_type": "Alert", "cap": "<alert/>"},
}
SCHEMAS = {CallMessage: "dispatch.call/1", OrderMessage: "dispatch.order/1",
           StatusMessage: "dispatch.status/1", EventMessage: "dispatch.event/1",
           AdvisoryMessage: "dispatch.advisory/1"}


def base(model: type) -> dict:
    return {"schema": SCHEMAS[model], "id": "8d5e0f63-3f7e-4c43-9a55-1f1f51d5b2f5",
            "at": "2026-11-22T00:00:00Z", "center": "hubei", "drill": False, **VALID[model]}


@settings(FAST, max_examples=150)
@given(model=st.sampled_from(MODELS), keyed=st.booleans(), data=st.data())
def test_every_payload_model_only_rejects(model: type, keyed: bool, data: st.DataObject) -> None:
    raw = data.draw(st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8).map(
            lambda d: json.dumps({**base(model), **d}).encode()),
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3).map(
            lambda d: canonical(sign({**base(model), **d}, KEY))),
        st.just(b"[" * 10000), st.just(b'{"a":' * 5000),
    ))
    checks = Checks("hubei", False, KEY if keyed else None)
    with suppress(Rejected):
        decode(raw, model, checks)


def test_a_non_ascii_signature_is_rejected_not_a_crash() -> None:
    # Found by the fuzzer: hmac.compare_digest raised TypeError on non-ASCII text.
    raw = json.dumps({**base(CallMessage), "sig": "\u0080"}).encode()
    try:
        decode(raw, CallMessage, Checks("hubei", False, KEY))
    except Rejected as exc:
        assert str(exc) == "bad signature"
    else:
        raise AssertionError("accepted a bad signature")


def test_valid_payloads_pass_the_same_gate() -> None:
    for model in MODELS:
        assert decode(canonical(sign(base(model), KEY)), model, Checks("hubei", False, KEY))
