"""The operator console, worked by keys: a whole call, the outage banner, peak, drills, replay."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from textual.widgets import Input

from dispatch.clock import ManualClock
from dispatch.config import Config
from dispatch.desk.autopilot import Autopilot
from dispatch.drill.replay import Replay
from dispatch.drill.scenario import load_scenario
from dispatch.errors import DispatchError
from dispatch.model import Address, EventType
from dispatch.operators import Accounts
from dispatch.timeline import Timeline
from dispatch.tui.confirm import Confirm
from dispatch.tui.drive import ReplayDesk
from dispatch.tui.login import LoginScreen
from dispatch.unit.simulate import Behaviour, Simulator

from .brokers import Mosquitto
from .buslib import Waiter, count, settings
from .consolelib import OP, console, floor, notes, plain, typed_call, until
from .desklib import make_desk, shipped

ROOT = Path(__file__).resolve().parent.parent
QUICK = Behaviour(received=0.05, accepted=0.1, en_route=0.15, on_scene=0.2, cleared=0.25)


async def test_a_whole_call_by_keys_with_real_recipients(
        log: Timeline, clock: ManualClock, mosquitto: Mosquitto) -> None:
    tag = uuid.uuid4().hex[:6]
    desk = make_desk(log, mosquitto.port, f"console-{tag}")
    place = desk.roadmap.locate("G4 K1024+300")
    addresses = [Address.parse(str(a)) for a in place.recipients.values()]
    sim = Simulator(addresses, lambda a: settings(mosquitto.port, f"sim-{tag}-{a.unit}-"
                                                  f"{a.service.value}"),
                    center="hubei", behaviours={str(a): QUICK for a in addresses}, clock=clock)
    heard = Waiter()
    desk.listeners.append(heard)
    await sim.start()
    await sim.wait_up()
    await desk.start()
    await desk.bus.link.wait_up()
    typed_call(desk, "三辆车追尾，有人受伤", "G4 K1024+300", injured=2, trapped=False)
    clock.advance(4)
    app = console(desk)
    try:
        async with app.run_test(size=(130, 50)) as pilot:
            assert "Calls ringing: 1" in plain(app, "#queue")
            await pilot.press("a")  # answer the oldest, open its incident
            iid = floor(app).current
            assert iid and app.focused is floor(app).table  # the keys stay commands
            await pilot.press("l", *"G4 K1024+300")
            assert "Xianning" in plain(app, "#parsed")  # the parsed place shows as it is typed
            await pilot.press("enter")
            await pilot.press("p")  # the suggested playbook
            assert desk.board.incidents[iid].kind == "accident"
            await pilot.press("i")  # ask the first question; the caller's answer shows
            assert "caller: 2" in plain(app, "#questions")
            for answer in ("2", "no", "no", "no", "3", "yes"):
                await pilot.press(*answer, "enter", "i")  # Enter records; i asks the next
            assert desk.guidance(iid).questions == ()
            assert "READ TO THE CALLER" in plain(app, "#advice")
            while desk.board.incidents[iid].advice != [a.id for a in desk.guidance(iid).advice]:
                await pilot.press("g")
            assert "Safety advice given" in plain(app, "#advice")  # the banner shrinks to a line
            await pilot.press("2")  # priority
            await pilot.press("d")  # every recommended order
            inc = desk.board.incidents[iid]
            assert {o.service for o in inc.orders.values()} == {"110", "120", "section"}
            await heard.until(lambda evs: count(evs, "order_status", status="cleared") == 3)
            floor(app).flush()
            assert [floor(app).table.shown(iid, s) for s in ("110", "119", "120", "section")] \
                == ["C", "", "C", "C"]
            await pilot.press("r", "x")
            assert desk.board.incidents[iid].status == "closed"
            assert floor(app).table.shown(iid, "status") == "closed"
    finally:
        await desk.stop()
        await sim.stop()
    mine = {EventType.CALL_ANSWERED, EventType.INCIDENT_OPENED, EventType.LOCATION_SET,
            EventType.PLAYBOOK_APPLIED, EventType.ANSWER_RECORDED, EventType.ADVICE_GIVEN,
            EventType.PRIORITY_SET, EventType.ORDER_SENT, EventType.INCIDENT_RESOLVED,
            EventType.INCIDENT_CLOSED}
    steps = [e for e in log.events() if e.type in mine]
    assert {e.type for e in steps} == mine
    assert {e.actor for e in steps} == {"op1"}  # every step is the operator's
    assert count(list(log.events()), "answer_recorded") == 6


async def test_refusals_are_notifications_not_crashes(log: Timeline) -> None:
    desk = make_desk(log)
    app = console(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")  # nothing rings
        typed_call(desk, "爆胎了", None)
        await pilot.press("a", "escape", "d")  # no playbook yet: the desk refuses
        await pilot.press("l", *"X9 K1", "enter")  # the map cannot place it
        assert any("no call is ringing" in n.lower() or "No call" in n for n in notes(app))
        assert any(n.startswith("Not done") for n in notes(app))
        await pilot.press("escape", "o")  # an operator may not reopen: refused, logged
    assert count(list(log.events()), "command_refused") == 1


async def test_outage_banner_when_the_broker_goes(
        log: Timeline, clock: ManualClock, own_mosquitto: Mosquitto) -> None:
    desk = make_desk(log, own_mosquitto.port, "console-outage-tui")
    heard = Waiter()
    desk.listeners.append(heard)
    await desk.start()
    await desk.bus.link.wait_up()
    app = console(desk, lang="zh")
    try:
        async with app.run_test(size=(130, 45)):
            await until(lambda: desk.board.link_up is True)
            own_mosquitto.kill()
            await heard.until(lambda evs: count(evs, "link_down") == 1)
            clock.advance(31)
            desk.tick()
            floor(app).flush()
            banner = plain(app, "#banner")
            assert "系统故障" in banner and "非常抱歉" in banner  # the apology phrase to read
            assert "故障" in plain(app, "#status") and "连接中断" in plain(app, "#status")
            assert "工作模式：故障" in plain(app, "#alert-lines")
            own_mosquitto.start()
            await heard.until(lambda evs: count(evs, "link_up") == 2)
            desk.tick()
            floor(app).flush()
            assert plain(app, "#banner") == "" and "正常" in plain(app, "#status")
    finally:
        await desk.stop()


async def test_peak_groups_duplicates_on_the_board(log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)  # no broker: orders wait in the outbox
    pilot_ = Autopilot(desk)
    app = console(desk)
    async with app.run_test(size=(130, 45)):
        ids = []
        for n in range(10):
            call = typed_call(desk, "好几辆车追尾了，有人受伤", f"G4 K{1024 + n % 3}+200",
                              phone=f"1380000{n:04d}", injured=1, trapped=False, fire=False,
                              hazmat=False, vehicles=4)
            ids.append(pilot_.work_call(call))
            clock.advance(8)
        floor(app).flush()
        assert desk.board.mode == "peak"
        assert "PEAK" in plain(app, "#status") and "PEAK LOAD" in plain(app, "#banner")
        table = floor(app).table
        survivors = [i for i in ids if desk.board.incidents[i].open]
        assert len(survivors) == 1
        merged = [i for i in ids if i not in survivors]
        assert merged and all(table.shown(i, "status") == "merged" for i in merged)
        assert table.shown(survivors[0], "status") == "open"


async def test_a_drill_by_keys_to_its_score(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "playbooks/drills/accident-no-injuries.toml")
    app = console(None, operator=None)
    # Typing at a Pilot's pace costs many drill minutes at 120x: the grace (drill time after
    # the script) must outlast the keys and the recipients' 40 drill minutes to clear, or the
    # drill ends (and scores) before the trainee closes the incident.
    app.drill(scenario, Config(), tmp_path / "drill.db", speed=120, grace_s=4 * 3600)
    async with app.run_test(size=(130, 45)) as pilot:
        await until(lambda: app.floor is not None and bool(app.desk.board.ringing()))
        desk = app.desk
        await pilot.press("a")
        iid = floor(app).current
        assert "Two cars scraped" in plain(app, "#caller")  # the trainee hears the caller
        await pilot.press("l", *"G50 K800+000", "enter", "p", "i")
        assert "caller: 0" in plain(app, "#questions")  # the drill's answer to "injured"
        for answer in ("0", "no", "no", "no", "2", "no"):
            await pilot.press(*answer, "enter", "i")
        for _ in desk.guidance(iid).advice:
            await pilot.press("g")
        await pilot.press("d")
        await until(lambda: all(o.state == "cleared"
                                for o in desk.board.incidents[iid].orders.values()), 60)
        await pilot.press("r", "x")
        await until(lambda: app.drill_report is not None, 60)
        report = app.drill_report
        call = report["calls"][0]
        assert call["playbook"]["ok"] and call["orders"]["missing"] == []
        assert call["advice"]["missing"] == []
        # Keys typed by a test at 120x may miss the 90 drill-second window (0.75 s real).
        assert report["score"] >= 85
        assert f"Score {report['score']}/100" in str(app.screen.query_one("#score").content)
        assert floor(app).read_only


async def test_a_replay_stepped_through(log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "车子爆胎了", "G50 K800+000", fault="tyre", in_lane=False)
    clock.advance(5)
    iid = Autopilot(desk, OP).work_call(call)
    total = log.event_count()
    playbooks, roadmap, service = shipped()
    replay = ReplayDesk(Replay.of(log), playbooks, roadmap, service=service, speed=10)
    app = console(replay, operator=None, read_only=True)
    async with app.run_test(size=(130, 45)) as pilot:
        assert "0/" in plain(app, "#status") and "REPLAY" in plain(app, "#status")
        assert "Calls ringing: 0" in plain(app, "#queue")
        await pilot.press("full_stop")  # the call rings
        assert "Calls ringing: 1" in plain(app, "#queue")
        for _ in range(3):
            await pilot.press("full_stop")
        floor(app).flush()
        assert iid in floor(app).table.rows
        await pilot.press("plus", "space")  # play at twice the speed to the end
        await until(lambda: replay.control.position == total)
        floor(app).flush()
        assert floor(app).table.shown(iid, "section") == "S"  # the order waits (no broker)
        await pilot.press("a")
        assert any("Read only" in n for n in notes(app))


async def test_login_creates_the_first_supervisor_then_logs_in(log: Timeline) -> None:
    desk = make_desk(log)
    accounts = Accounts(log)
    app = console(desk, operator=None, accounts=accounts, operator_hint="chief")
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, LoginScreen) and app.screen.first
        await pilot.press("enter", *"Chief Wang", "enter", *"s3cret-pass", "enter",
                          *"s3cret-pass", "enter")
        await until(lambda: app.floor is not None)
        assert app.operator is not None and app.operator.id == "chief"
        assert app.operator.role.value == "supervisor"
    types = [e.type for e in log.events()]
    assert "operator_changed" in types and "operator_login" in types
    assert types[-1] == "operator_logout"


async def test_a_wrong_password_stays_on_the_login_screen(log: Timeline) -> None:
    accounts = Accounts(log)
    accounts.add("setup", "op7", "right-password", "operator")
    app = console(make_desk(log), operator=None, accounts=accounts, operator_hint="op7")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"wrong-password", "enter")
        assert isinstance(app.screen, LoginScreen)
        assert "wrong password" in str(app.screen.query_one("#login-error").content)
        assert app.screen.query_one("#login-password", Input).value == ""


def test_console_port_taken_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import socket

    from dispatch.cli import main

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        config = tmp_path / "config.toml"
        config.write_text(f"[mqtt]\nembedded_port = {port}\n[storage]\n"
                          f"database = \"{tmp_path / 'live.db'}\"\n", "utf-8")
        assert main(["console", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"port {port} on 127.0.0.1 is taken" in err


def test_desk_errors_are_dispatch_errors() -> None:
    # The floor turns DispatchError into notifications; the desk's refusals are of that kind.
    from dispatch.desk import Refused

    assert issubclass(Refused, DispatchError)


async def test_views_palette_and_help_open_and_close(log: Timeline, clock: ManualClock) -> None:
    desk = make_desk(log)
    call = typed_call(desk, "车子爆胎了", "G50 K800+000", fault="tyre")
    Autopilot(desk, OP).work_call(call)
    app = console(desk, lang="zh")
    async with app.run_test(size=(130, 45)) as pilot:
        for key, screen in (("t", "TimelineScreen"), ("m", "MapScreen"), ("k", "KpiScreen"),
                            ("f1", "HelpScreen")):
            await pilot.press(key)
            assert type(app.screen).__name__ == screen
            await pilot.press("escape")
            assert app.screen is app.floor
        iid = desk.board.calls[call].incident
        await pilot.press("ctrl+p")
        await pilot.press(*"关闭事件")
        await until(lambda: "关闭事件" in str(app.screen.query("CommandList").first()
                                            .get_option_at_index(0).prompt))
        await pilot.press("enter")  # its order waits in the outbox: asked first
        await until(lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await until(lambda: desk.board.incidents[iid].status == "closed")
        # The palette offers op1 (no supervisor) no reopening: the role's commands only.
        await pilot.press("ctrl+p", *"重新打开事件")
        await pilot.pause()
        options = app.screen.query("CommandList").first()
        assert not any("重新打开事件" in str(options.get_option_at_index(n).prompt)
                       for n in range(options.option_count))


async def test_demo_floor_starts_on_the_embedded_broker(tmp_path: Path) -> None:
    from dispatch.config.schema import MqttConfig
    from dispatch.tui.session import DEMO_OPERATOR, Session

    from .brokers import free_port

    config = Config(mqtt=MqttConfig(embedded_port=free_port()))
    session = Session(config, demo=True, db=tmp_path / "demo.db", console_id="console-demo")
    session.calls.interval = 0.5
    app = console(session.desk, operator=DEMO_OPERATOR, session=session)
    try:
        async with app.run_test(size=(130, 45)) as pilot:
            await until(lambda: bool(session.desk.board.ringing()), 30)
            await pilot.press("a")
            iid = floor(app).current
            assert iid and session.desk.board.incidents[iid].opened_by == "demo"
    finally:
        session.close()
    assert not session.started
