"""``dispatch bench``: each figure runs on tiny sizes and returns sane numbers and verdicts.

Behaviour only: no wall-clock thresholds (the machine is shared and noisy).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from dispatch.bench.appends import appends
from dispatch.bench.classify import KeywordScan, classify
from dispatch.bench.intake import intake
from dispatch.bench.locate import locate
from dispatch.bench.mosquitto import Broker, MosquittoMissing
from dispatch.bench.replay import replay
from dispatch.bench.report import Figure, Report, percentile, ratio_figure
from dispatch.bench.roundtrip import round_trip
from dispatch.bench.run import Sizes, run_bench
from dispatch.bench.setup import shipped
from dispatch.cli import main

from .brokers import Mosquitto

KEYS = {"name", "value", "unit", "baseline", "ratio", "target", "met"}


def _sane(figures: list[Figure], with_target: bool = True) -> None:
    assert figures
    for f in figures:
        assert f.value is not None and math.isfinite(f.value) and f.value >= 0, f
        if f.baseline is not None:
            assert f.baseline > 0 and f.ratio == pytest.approx(f.value / f.baseline)
        if with_target and f.target != "—":
            assert isinstance(f.met, bool)
        assert set(f.to_dict()) == KEYS


def test_appends_and_locate_return_ratios_and_verdicts(tmp_path: Path) -> None:
    _sane(appends(tmp_path, single=6, batched=300))
    _sane(locate(shipped()[1], one_by_one=20, batch=200))


def test_replay_folds_the_log_it_built(tmp_path: Path) -> None:
    rebuild, console = replay(tmp_path, 500)
    _sane([rebuild, console])
    assert "500 events" in rebuild.note
    assert rebuild.met is not None and console.met is None  # only the rebuild has a target


async def test_round_trip_and_intake_over_a_real_broker(mosquitto: Mosquitto,
                                                        tmp_path: Path) -> None:
    trips = await round_trip(mosquitto.port, tmp_path, samples=6)
    _sane(trips)
    assert [f.name for f in trips] == ["dispatch round trip p50", "dispatch round trip p99"]
    burst = await intake(mosquitto.port, tmp_path, calls=30, over_s=0.1)
    _sane(burst)
    assert burst[0].value == 0 and burst[0].met is True  # nothing lost


def test_ratio_verdicts_and_percentiles() -> None:
    assert ratio_figure("x", 2, 1, "ms", at_most=3).met is True
    assert ratio_figure("x", 4, 1, "ms", at_most=3).met is False
    assert ratio_figure("x", 0.4, 1, "/s", at_least=0.5).met is False
    assert percentile([3, 1, 2, 4], 50) == 2 and percentile([1.0] * 99 + [9.0], 99) == 1.0
    assert math.isnan(percentile([], 99))


def test_report_json_shape_and_table() -> None:
    report = Report(quick=True)
    report.add(ratio_figure("a", 1.0, 2.0, "/s", at_least=0.5),
               Figure("pending one", None, "s", 1.0, None, "≤ 1 s", None, "pending: later"))
    data = json.loads(report.json())
    assert set(data) >= {"figures", "machine", "quick"} and data["quick"] is True
    assert set(data["machine"]) == {"cpus", "python"}
    assert all(set(f) == KEYS for f in data["figures"])
    assert data["figures"][0]["met"] is True and data["figures"][1]["value"] is None
    table = report.table()
    assert "met" in table and "pending" in table


def test_a_missing_mosquitto_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(MosquittoMissing, match="apt-get install mosquitto"):
        Broker(tmp_path, binary=tmp_path / "no-such-mosquitto")


async def test_run_bench_stops_before_measuring_without_mosquitto(tmp_path: Path) -> None:
    with pytest.raises(MosquittoMissing):
        await run_bench(Sizes(), mosquitto=str(tmp_path / "nope"))


def test_cli_says_what_to_install(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--quick", "--json", "--mosquitto", str(tmp_path / "nope")]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("dispatch: bench needs mosquitto") and "apt-get install mosquitto" in err
    assert "\n" not in err


async def test_floor_figures_on_both_engines(mosquitto: Mosquitto, tmp_path: Path,
                                             pg_url: str) -> None:
    from dispatch.bench.floor import floor

    figures = await floor(tmp_path, mosquitto.port, samples=5, start_events=2000,
                          postgres=pg_url)
    _sane(figures)
    names = [f.name for f in figures]
    for engine in ("SQLite", "PostgreSQL"):
        assert f"seat A → seat B board p99 ({engine})" in names
    assert "PostgreSQL appends/s (one per commit)" in names
    start, memory = figures[-2:]
    assert start.name.startswith("seat start on") and "50 open" in start.name
    assert memory.unit == "MiB"


async def test_floor_figures_without_postgres_say_so(mosquitto: Mosquitto,
                                                     tmp_path: Path) -> None:
    from dispatch.bench.floor import floor

    figures = await floor(tmp_path, mosquitto.port, samples=3, start_events=500,
                          postgres=None)
    missing = [f for f in figures if f.value is None]
    assert missing and all("--postgres" in f.note for f in missing)


async def test_a_floor_of_seats_against_one_seat(mosquitto: Mosquitto, tmp_path: Path) -> None:
    from dispatch.bench.seats import seats

    figures = await seats(tmp_path, mosquitto.port, calls=12, floor_seats=2, handled=6)
    assert all(f.value is not None for f in figures), [f.note for f in figures]
    _sane(figures)
    assert [f.name for f in figures] == ["calls/s, 2 autopilot seats, 0.2 s handling each",
                                         "calls/s, 2 autopilot seats, no handling time "
                                         "(the log's ceiling)"]
    assert figures[0].target.startswith("≥") and figures[1].target == "—"
    assert all(f.baseline for f in figures)


def test_classify_figure_against_the_keyword_scan() -> None:
    figures = classify(rounds=1)
    _sane(figures)
    assert [f.name for f in figures] == ["classify/s"]


def test_keyword_scan_baseline_still_scans() -> None:
    from dispatch.playbook import load_playbooks

    scan = KeywordScan(list(load_playbooks()))
    assert scan.scan("三辆车追尾，有人受伤")[0][0] == "accident"


def test_locate_from_text_is_a_ratio_to_the_bare_stake_parse() -> None:
    from dispatch.bench.places import locate_from_text

    (figure,) = locate_from_text(shipped()[1], n=24)
    _sane([figure])
    assert figure.name == "locate-from-text/s" and figure.target == "≥ 0.5 × baseline"


async def test_round_trip_per_broker_or_why_not(tmp_path: Path) -> None:
    from dispatch.bench.brokers import other_brokers

    figures = await other_brokers(tmp_path, samples=6)
    assert [f.name for f in figures] == [
        f"dispatch round trip p{p} ({b})" for b in ("NATS MQTT", "amqtt") for p in (50, 99)]
    for f in figures:
        if f.value is None:
            assert f.note.startswith("skipped: ")  # says why, never a silent gap
        else:
            _sane([f])


def test_a_broker_that_cannot_start_is_skipped_with_why() -> None:
    from dispatch.bench.brokers import skipped

    figures = skipped("NATS MQTT", "nats-server not installed")
    assert all(f.value is None and "not installed" in f.note for f in figures)
