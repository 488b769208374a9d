"""The configuration's shape: every section, key, type, default and rule.

Validation is strict (``extra="forbid"``): an unknown key is an error, not a
silently ignored typo.  ``config.toml`` at the top of the repository documents
every key declared here; a test keeps the two in step.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

CENTER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")

Port = Annotated[int, Field(ge=1, le=65535)]
Seconds = Annotated[int, Field(gt=0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CentreName(_Section):
    """``[center] name`` as a table: the centre's name in each language."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        """The name in ``lang`` (English for any other language)."""
        return self.zh if lang == "zh" else self.en


#: What ``[center] name`` must be, said when it is not.
_NAME_FORMS = 'expected a string or a table { en = "...", zh = "..." }'


class CenterConfig(_Section):
    """``[center]``: who this console works for."""

    id: str = "hubei"
    #: One string (the same in both languages) or ``{ en = "...", zh = "..." }``.
    name: str | CentreName = CentreName(en="Hubei Expressway Rescue Hotline",
                                        zh="湖北高速救援热线")
    timezone: str = "Asia/Shanghai"

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: object) -> object:
        # One readable message for both forms instead of pydantic's one per union member.
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            langs = set(value)
            texts = [v for v in value.values() if isinstance(v, str) and v.strip()]
            if langs != {"en", "zh"} or len(texts) != 2:
                raise ValueError(f"{_NAME_FORMS} (both en and zh, not empty), "
                                 f"got keys {', '.join(sorted(map(str, langs))) or 'none'}")
            return CentreName(en=value["en"].strip(), zh=value["zh"].strip())
        if isinstance(value, CentreName):
            return value
        raise ValueError(f"{_NAME_FORMS}, got {value!r}")

    def display_name(self, lang: str) -> str:
        """The centre's name in ``lang`` (status bar, greeting, reports)."""
        return self.name if isinstance(self.name, str) else self.name.get(lang)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CENTER_ID.match(value):
            raise ValueError(
                "expected 1-32 lowercase letters, digits or '-' (it is part of MQTT topics), "
                f"got {value!r}"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"expected an IANA time zone such as 'Asia/Shanghai', got {value!r}"
            ) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The centre's time zone (incident ids use its calendar day)."""
        return ZoneInfo(self.timezone)


#: What a broker URL must look like, said when it does not.
_URL_FORMS = '"mqtt://host:port" or "mqtts://host:port"'


def _bad_broker_url(value: object) -> bool:
    """Whether ``value`` is not an ``mqtt://`` or ``mqtts://`` URL naming a host."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    ok = parts.scheme in ("mqtt", "mqtts") and parts.hostname and not parts.path.strip("/")
    try:
        port_ok = parts.port is None or 1 <= parts.port <= 65535
    except ValueError:
        port_ok = False
    return not (ok and port_ok)


def _endpoint(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (8883 if parts.scheme == "mqtts" else 1883)


class MqttConfig(_Section):
    """``[mqtt]``: the broker link."""

    url: str = "embedded"
    #: Several brokers of one cluster, tried in order; the link fails over to
    #: the next when one is lost.  Instead of ``url``.
    urls: list[str] | None = None
    embedded_host: str = "127.0.0.1"
    embedded_port: Port = 11883
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    keepalive_s: Annotated[int, Field(ge=5, le=3600)] = 30
    reconnect_max_s: Annotated[float, Field(gt=0, le=600)] = 30.0

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value != "embedded" and _bad_broker_url(value):
            raise ValueError(f'expected "embedded", {_URL_FORMS}, got {value!r}')
        return value

    @field_validator("urls", mode="before")
    @classmethod
    def _urls(cls, value: object) -> object:
        # One line naming the bad entry, instead of pydantic's one per item and type.
        if value is None:
            return value
        if not isinstance(value, list) or not value:
            raise ValueError(f"expected a non-empty array of {_URL_FORMS}, got {value!r}")
        for n, url in enumerate(value, 1):
            if _bad_broker_url(url):
                raise ValueError(f"broker {n}: expected {_URL_FORMS}, got {url!r}")
        schemes = {urlsplit(url).scheme for url in value}
        if len(schemes) > 1:
            raise ValueError("expected every broker with the same scheme (all mqtt:// or all "
                             "mqtts://: the TLS files are shared)")
        if len(set(value)) != len(value):
            raise ValueError("a broker is listed twice")
        return value

    @model_validator(mode="after")
    def _one_of_url_and_urls(self) -> MqttConfig:
        if self.urls is not None and "url" in self.model_fields_set:
            raise ValueError("set either url or urls, not both")
        return self

    @property
    def embedded(self) -> bool:
        """Whether the console runs its own broker in-process."""
        return self.urls is None and self.url == "embedded"

    @property
    def tls(self) -> bool:
        """Whether the link is encrypted (``mqtts://``)."""
        return (self.urls[0] if self.urls else self.url).startswith("mqtts://")

    @property
    def endpoints(self) -> list[tuple[str, int]]:
        """Every broker as ``(host, port)``, in the order the link tries them."""
        if self.urls:
            return [_endpoint(url) for url in self.urls]
        if self.embedded:
            return [(self.embedded_host, self.embedded_port)]
        return [_endpoint(self.url)]

    @property
    def host(self) -> str:
        """The (first) broker's host name."""
        return self.endpoints[0][0]

    @property
    def port(self) -> int:
        """The (first) broker's port (1883, or 8883 for TLS, when the URL names none)."""
        return self.endpoints[0][1]


class StorageConfig(_Section):
    """``[storage]``: where the logs live (``None``: the user data folder)."""

    database: Path | None = None
    drill_dir: Path | None = None
    #: The live log as a URL: ``sqlite:///PATH`` (several seats on one host) or
    #: ``postgresql://USER@HOST:PORT/DB`` (seats on several hosts).  Overrides
    #: ``database``; drills keep their own files in ``drill_dir``.
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
                ("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("a log URL is sqlite:///PATH or postgresql://USER@HOST:PORT/DB")
        return value


class SlaConfig(_Section):
    """``[sla]``: service-level deadlines, in seconds."""

    answer_s: Seconds = 15
    dispatch_s: Seconds = 60
    ack_s: Seconds = 30
    on_scene_s: Seconds = 1800
    resolve_s: Seconds = 900


class ModesConfig(_Section):
    """``[modes]``: when the automatic outage and peak modes switch on."""

    outage_after_s: Seconds = 30
    peak_calls: Annotated[int, Field(ge=2)] = 8
    peak_window_s: Seconds = 120
    merge_distance_m: Annotated[float, Field(gt=0)] = 2000.0
    merge_window_s: Seconds = 1800
    traffic_control_calls: Annotated[int, Field(ge=2)] = 5


class UiConfig(_Section):
    """``[ui]``: how the screens speak."""

    lang: Literal["en", "zh"] = "en"


SEAT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class ConsoleConfig(_Section):
    """``[console]``: this seat of the floor (DESIGN, *The floor*)."""

    seat: str | None = None

    @field_validator("seat")
    @classmethod
    def _seat(cls, value: str | None) -> str | None:
        if value is not None and not SEAT_ID.match(value):
            raise ValueError("a seat id is 1-40 lowercase letters, digits, '-' or '_', "
                             "starting with a letter or digit")
        return value


class SecurityConfig(_Section):
    """``[security]``: message signing (with a key, unsigned messages are refused)."""

    key_file: Path | None = None


class DataConfig(_Section):
    """``[data]``: the playbooks and maps to load (``None``: the shipped ones)."""

    playbooks: Path | None = None
    maps: Path | None = None
    off_network_m: Annotated[float, Field(gt=0)] = 500.0


class Config(BaseModel):
    """The whole effective configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    center: CenterConfig = CenterConfig()
    mqtt: MqttConfig = MqttConfig()
    storage: StorageConfig = StorageConfig()
    sla: SlaConfig = SlaConfig()
    modes: ModesConfig = ModesConfig()
    ui: UiConfig = UiConfig()
    console: ConsoleConfig = ConsoleConfig()
    security: SecurityConfig = SecurityConfig()
    data: DataConfig = DataConfig()

    _source: Path | None = PrivateAttr(default=None)
    _given: frozenset[str] = PrivateAttr(default=frozenset())

    @property
    def source(self) -> Path | None:
        """The file this configuration was read from (``None``: built-in defaults)."""
        return self._source

    def origin(self, dotted: str) -> str:
        """Say where the value of ``dotted`` (e.g. ``"sla.ack_s"``) came from."""
        given = dotted in self._given or any(k.startswith(f"{dotted}.") for k in self._given)
        if given and self._source is not None:  # a table (``center.name``) counts as given
            return str(self._source)
        return "default"


#: What ``config show`` prints instead of a secret.
MASKED = "********"


def shown_value(key: str, value: object) -> object:
    """``value`` of ``key`` as it may be shown: passwords masked, and the password
    inside a URL's ``user:password@`` too.  Every form of ``config show`` uses this."""
    if value is None:
        return None
    if isinstance(value, list):  # [mqtt] urls: each URL masked as one would be
        return [shown_value(key, item) for item in value]
    if "password" in key or "secret" in key:
        return MASKED
    if isinstance(value, str) and "@" in value:
        parts = urlsplit(value)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", f":{MASKED}@", 1)
            return parts._replace(netloc=netloc).geturl()
    return value


#: Keys whose values are paths, resolved against the configuration file's folder.
PATH_KEYS = (
    ("mqtt", "ca_file"),
    ("mqtt", "cert_file"),
    ("mqtt", "key_file"),
    ("storage", "database"),
    ("storage", "drill_dir"),
    ("security", "key_file"),
    ("data", "playbooks"),
    ("data", "maps"),
)

#: Path keys that must name an existing file when set.
MUST_EXIST = {("mqtt", "ca_file"), ("mqtt", "cert_file"), ("mqtt", "key_file"),
              ("security", "key_file")}
