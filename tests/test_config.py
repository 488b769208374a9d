"""Configuration: lookup order, strict validation with exact messages, provenance."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.config import Config, find_config, load_config, read_config
from dispatch.config.load import database_path
from dispatch.errors import ConfigError

from .conftest import FIXTURES

CFG = FIXTURES / "config"
REPO = Path(__file__).resolve().parents[1]


def _no_lookup(tmp_path: Path) -> dict:
    return {"env": {}, "cwd": tmp_path, "user_file": tmp_path / "user" / "config.toml"}


def test_defaults_when_no_file_exists(tmp_path: Path) -> None:
    config = load_config(**_no_lookup(tmp_path))
    assert config == Config()
    assert config.source is None
    assert config.sla.answer_s == 15 and config.sla.dispatch_s == 60
    assert config.sla.ack_s == 30 and config.sla.on_scene_s == 1800
    assert config.mqtt.url == "embedded" and config.ui.lang == "en"
    assert config.origin("sla.ack_s") == "default"


def test_lookup_order(tmp_path: Path) -> None:
    explicit, env_file = tmp_path / "explicit.toml", tmp_path / "env.toml"
    local, user = tmp_path / "config.toml", tmp_path / "user" / "config.toml"
    user.parent.mkdir()
    for path in (explicit, env_file, local, user):
        path.write_text(f'[center]\nname = "{path.stem}"\n', encoding="utf-8")
    env = {"DISPATCH_CONFIG": str(env_file)}
    kw = {"cwd": tmp_path, "user_file": user}
    assert find_config(explicit, env=env, **kw) == explicit
    assert find_config(None, env=env, **kw) == env_file
    assert find_config(None, env={}, **kw) == local
    local.unlink()
    assert find_config(None, env={}, **kw) == user
    assert load_config(None, env={}, **kw).center.name == "config"  # the user file's stem
    user.unlink()
    assert find_config(None, env={}, **kw) is None


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("unknown_key.toml",
         "sla.ack_seconds: unknown key (expected one of: ack_s, answer_s, dispatch_s, "
         "on_scene_s, resolve_s)"),
        ("wrong_type.toml", 'sla.ack_s: expected an integer, got "thirty"'),
        ("bad_url.toml",
         'mqtt.url: expected "embedded", "mqtt://host:port" or "mqtts://host:port", '
         "got 'http://broker.example:1883'"),
        ("bad_lang.toml", "ui.lang: expected one of 'en' or 'zh', got \"fr\""),
        ("bad_center.toml",
         "center.id: expected 1-32 lowercase letters, digits or '-' (it is part of MQTT "
         "topics), got 'Hubei Centre'"),
        ("not_a_table.toml", "sla: expected a table, got 15"),
        ("missing_key_file.toml",
         f"security.key_file: file not found: {CFG / 'no-such-key.bin'}"),
    ],
)
def test_each_failure_has_its_exact_one_line_message(fixture: str, message: str) -> None:
    path = CFG / fixture
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert str(caught.value) == f"{path}: {message}"
    assert "\n" not in str(caught.value)


def test_broken_toml_names_the_file_and_the_line() -> None:
    path = CFG / "bad_toml.toml"
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    # The wording after "line 2" is Python's own and differs between versions.
    assert re.fullmatch(rf"{re.escape(str(path))}: not valid TOML: .*\(at line 2, column \d+\)",
                        str(caught.value))


@pytest.mark.parametrize("how", ["option", "env"])
def test_missing_named_file(tmp_path: Path, how: str) -> None:
    missing = tmp_path / "nope.toml"
    if how == "option":
        with pytest.raises(ConfigError, match=re.escape(f"{missing}: file not found (named by "
                                                         "--config)")):
            find_config(missing, env={}, cwd=tmp_path)
    else:
        with pytest.raises(ConfigError, match=re.escape(f"{missing}: file not found (named by "
                                                         "$DISPATCH_CONFIG)")):
            find_config(None, env={"DISPATCH_CONFIG": str(missing)}, cwd=tmp_path)


def test_several_problems_are_each_reported(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text('[sla]\nack_s = 0\n[ui]\nlang = "de"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{path}: sla.ack_s: expected greater than 0, got 0",
        f"{path}: ui.lang: expected one of 'en' or 'zh', got \"de\"",
    ]


def test_relative_paths_resolve_against_the_file_and_origins_are_known() -> None:
    config = read_config(CFG / "relative_paths.toml")
    assert config.storage.database == CFG / "logs" / "live.db"
    assert database_path(config) == CFG / "logs" / "live.db"
    assert database_path(config, drill=True, name="g4-fog") == CFG / "logs/drills/g4-fog.db"
    assert config.sla.ack_s == 20
    assert config.origin("sla.ack_s") == str(CFG / "relative_paths.toml")
    assert config.origin("sla.answer_s") == "default"


def test_mqtt_url_forms() -> None:
    for url, host, port, tls in [("mqtt://broker.local", "broker.local", 1883, False),
                                 ("mqtts://10.0.0.5:8884", "10.0.0.5", 8884, True)]:
        mqtt = Config.model_validate({"mqtt": {"url": url}}).mqtt
        assert (mqtt.host, mqtt.port, mqtt.tls, mqtt.embedded) == (host, port, tls, False)
    embedded = Config().mqtt
    assert (embedded.host, embedded.port, embedded.embedded) == ("127.0.0.1", 11883, True)


def _leaf_keys() -> list[tuple[str, str]]:
    return [(s, k) for s, f in Config.model_fields.items() for k in f.annotation.model_fields]


def test_shipped_config_documents_every_key_with_its_default() -> None:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    shipped = tomllib.loads(text)
    defaults = Config()
    for section, key in _leaf_keys():
        block = text.split(f"[{section}]", 1)[1].split("\n[", 1)[0]
        assert re.search(rf"^#? ?{key} = ", block, re.M), f"{section}.{key} is not documented"
        if key in shipped.get(section, {}):
            value = shipped[section][key]
            default = getattr(getattr(defaults, section), key)
            if hasattr(default, "model_dump"):  # a table such as [center] name
                default = default.model_dump()
            assert value == default, f"{section}.{key}"
    assert read_config(REPO / "config.toml").model_dump() == defaults.model_dump()


def test_config_show_prints_values_and_origins(capsys: pytest.CaptureFixture[str]) -> None:
    path = CFG / "relative_paths.toml"
    assert main(["--config", str(path), "config", "show"]) == 0
    out = capsys.readouterr().out
    assert f"# configuration file: {path}" in out
    assert re.search(rf"^ack_s = 20 +# {re.escape(str(path))}$", out, re.M)
    assert re.search(r"^answer_s = 15 +# default$", out, re.M)
    assert main(["config", "show", "--json", "--config", str(path)]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["values"]["sla.ack_s"] == {"value": 20, "origin": str(path)}


def test_password_is_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[mqtt]\nurl = "mqtt://b:1883"\nusername = "c1"\npassword = "s3cret"\n')
    main(["--config", str(path), "config", "show"])
    assert "s3cret" not in capsys.readouterr().out


def test_command_line_shows_one_line_and_no_traceback() -> None:
    path = CFG / "wrong_type.toml"
    proc = subprocess.run(
        [sys.executable, "-m", "dispatch.cli", "--config", str(path), "config", "show"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr == f'dispatch: {path}: sla.ack_s: expected an integer, got "thirty"\n'
    assert proc.stdout == ""


def test_mqtt_urls_list_the_brokers_of_a_cluster_in_order() -> None:
    mqtt = Config.model_validate(
        {"mqtt": {"urls": ["mqtt://n1:1883", "mqtt://n2", "mqtt://10.0.0.3:1884"]}}).mqtt
    assert mqtt.endpoints == [("n1", 1883), ("n2", 1883), ("10.0.0.3", 1884)]
    assert (mqtt.host, mqtt.port, mqtt.embedded, mqtt.tls) == ("n1", 1883, False, False)
    from dispatch.bus.link import LinkSettings

    link = LinkSettings.from_config(Config.model_validate({"mqtt": mqtt.model_dump(
        exclude={"url"})}), "c1")
    assert link.brokers == (("n1", 1883), ("n2", 1883), ("10.0.0.3", 1884))
    assert LinkSettings("h", 1, "c").brokers == (("h", 1),)  # one broker: as before


@pytest.mark.parametrize(("urls", "message"), [
    ('["mqtt://n1:1883", "http://n2"]', "mqtt.urls: broker 2: expected \"mqtt://host:port\" "
     "or \"mqtts://host:port\", got 'http://n2'"),
    ("[]", "mqtt.urls: expected a non-empty array"),
    ('"mqtt://n1"', "mqtt.urls: expected a non-empty array"),
    ('["mqtt://n1", "mqtts://n2"]', "mqtt.urls: expected every broker with the same scheme"),
    ('["mqtt://n1:99999"]', "mqtt.urls: broker 1: expected"),
    ('["mqtt://n1", "mqtt://n1"]', "mqtt.urls: a broker is listed twice"),
])
def test_bad_mqtt_urls_are_one_line_each(tmp_path: Path, urls: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[mqtt]\nurls = {urls}\n")
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    text = str(caught.value)
    assert "\n" not in text and text.startswith(f"{path.resolve()}: {message}")


def test_url_and_urls_together_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[mqtt]\nurl = "mqtt://a"\nurls = ["mqtt://b"]\n')
    with pytest.raises(ConfigError, match="set either url or urls, not both"):
        read_config(path)


def test_config_show_lists_the_brokers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[mqtt]\nurls = ["mqtt://n1:1883", "mqtt://ops:pw@n2:1883"]\n')
    assert main(["--config", str(path), "config", "show"]) == 0
    out = capsys.readouterr().out
    assert re.search(r'^urls = \["mqtt://n1:1883", "mqtt://ops:\*+@n2:1883"\] +# ', out, re.M)
    assert "pw@" not in out
