"""Turning payloads into bytes and back: canonical JSON, signatures, every check.

:func:`decode` is the one gate every inbound message passes.  It either
returns a validated model or raises :class:`Rejected` with a short reason;
callers log the reason as a ``message_rejected`` event and carry on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from dispatch.bus.payloads import Envelope
from dispatch.errors import BusError

MAX_BYTES = 64 * 1024

M = TypeVar("M", bound=Envelope)


class Rejected(BusError):
    """An inbound message that failed a check; ``str()`` is the reason."""


def canonical(obj: dict[str, Any]) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(obj: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 (base64url, unpadded) of the canonical JSON without ``sig``."""
    body = canonical({k: v for k, v in obj.items() if k != "sig"})
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).rstrip(
        b"="
    ).decode()


def sign(obj: dict[str, Any], key: bytes | None) -> dict[str, Any]:
    """Return ``obj`` with ``sig`` set (unchanged when no key is configured)."""
    if key is None:
        return obj
    return {**obj, "sig": signature(obj, key)}


def encode(message: Envelope | dict[str, Any], key: bytes | None = None) -> bytes:
    """The bytes to publish: canonical JSON, signed when a key is given.

    Raises:
        BusError: The payload would exceed 64 KiB.
    """
    obj = message.to_json() if isinstance(message, Envelope) else message
    raw = canonical(sign(obj, key))
    if len(raw) > MAX_BYTES:
        raise BusError(f"payload of {len(raw)} bytes exceeds the 64 KiB limit")
    return raw


@dataclass(frozen=True)
class Checks:
    """What an inbound message must satisfy besides its schema.

    Args:
        center: The centre id every payload must name.
        drill: ``True`` on the drill root (payloads must say ``drill: true``), else ``False``.
        key: The shared HMAC key, if configured.  With a key every inbound
            message must carry a valid signature: unsigned ones are refused.
    """

    center: str
    drill: bool
    key: bytes | None = None


def decode(raw: bytes | bytearray, model: type[M], checks: Checks) -> M:
    """Validate one inbound payload.

    Raises:
        Rejected: Too big, not UTF-8, not a JSON object, bad or missing signature,
            wrong schema, wrong centre, or the drill flag on the wrong root.
    """
    if len(raw) > MAX_BYTES:
        raise Rejected(f"too big: {len(raw)} bytes (limit 65536)")
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise Rejected(f"not JSON: {exc}"[:200]) from None
    if not isinstance(obj, dict):
        raise Rejected(f"not a JSON object but {type(obj).__name__}")
    _check_signature(obj, checks)
    try:
        message = model.model_validate(obj)
    except ValidationError as exc:
        raise Rejected(f"wrong schema: {_first_error(exc)}") from None
    except (RecursionError, ValueError) as exc:
        raise Rejected(f"wrong schema: {exc}"[:200]) from None
    if message.center != checks.center:
        raise Rejected(f"wrong centre: {message.center!r}, expected {checks.center!r}")
    if message.drill != checks.drill:
        raise Rejected("drill message on the live root" if message.drill
                       else "live message on the drill root")
    return message


def _check_signature(obj: dict[str, Any], checks: Checks) -> None:
    sig = obj.get("sig")
    if checks.key is None:
        return
    if sig is None:
        raise Rejected("missing signature")
    # Compare bytes: compare_digest raises TypeError on non-ASCII text (found by fuzzing).
    if not isinstance(sig, str) or not hmac.compare_digest(
            sig.encode("utf-8", "surrogatepass"), signature(obj, checks.key).encode()):
        raise Rejected("bad signature")


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "payload"
    return f"{where}: {err['msg']}"[:200]


#: The shortest shared key accepted: HMAC-SHA256 with less is guessable.
MIN_KEY_BYTES = 16


def load_key(path: str | object | None) -> bytes | None:
    """Read the shared HMAC key from ``[security] key_file`` (``None``: no signing).

    The one reader of key files: the console, the field unit, the simulator and
    the broker tools all trim surrounding white space (a trailing space or
    newline added by an editor) and require the same minimum length, so a key
    that one of them accepts the others accept too.

    Raises:
        BusError: The file cannot be read or holds no key (one line, naming the file).
    """
    if path is None:
        return None
    from pathlib import Path

    try:
        key = Path(str(path)).read_bytes().strip()
    except OSError as exc:
        raise BusError(f"{path}: security.key_file: cannot read the HMAC key: "
                       f"{exc.strerror}") from None
    if len(key) < MIN_KEY_BYTES:
        raise BusError(f"{path}: security.key_file: the HMAC key must be at least "
                       f"{MIN_KEY_BYTES} bytes (it has {len(key)})")
    return key
