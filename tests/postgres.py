"""A real PostgreSQL server for tests: a throw-away cluster on a free loopback port.

initdb and pg_ctl come from PATH or from Debian's /usr/lib/postgresql/<major>/bin
(CI installs the package).  When they are missing, or initdb fails, a server that
already answers on 127.0.0.1:5432 is used instead, with a fresh database per test;
it is not ours, so it cannot be stopped, killed or restarted (NotOurServer).

psycopg is imported inside the functions, so the suite still collects without it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from .brokers import free_port

#: The superuser of our clusters; trust authentication, loopback only.
USER = "dispatch"
#: initdb refuses to run as root, so root runs the cluster as this user.
OWNER = "postgres"

#: Appended to the cluster's postgresql.conf.  fsync and synchronous_commit keep
#: their defaults: the durability tests rely on commits really reaching the disk.
CONF = """
# dispatch tests
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
shared_buffers = 32MB
max_connections = 200
"""

#: Servers that may already run on this machine, tried in order when we cannot
#: start our own cluster (the Debian package's default cluster, a CI service).
EXISTING = (
    "postgresql://postgres@127.0.0.1:5432/{db}",
    "postgresql://postgres:postgres@127.0.0.1:5432/{db}",
    "postgresql://dispatch@127.0.0.1:5432/{db}",
    "postgresql://dispatch:dispatch@127.0.0.1:5432/{db}",
    # Over the socket: trust for local connections, or peer auth as this OS user.
    "postgresql://postgres@/{db}?host=/var/run/postgresql",
    "postgresql://{me}@/{db}?host=/var/run/postgresql",
)

#: How long a start, a stop or a connection may take before we give up.
TIMEOUT = 60


class NotOurServer(RuntimeError):
    """The server is one we found running, not ours: no stop, kill or restart."""


class ClusterUnavailable(RuntimeError):
    """No temporary cluster here: the binaries are missing or initdb failed."""


def binaries() -> Path:
    """The folder with initdb and pg_ctl: PATH first, else the newest Debian major."""
    found = shutil.which("initdb")
    candidates = [Path(found).parent] if found else []

    def major(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))

    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=major, reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise ClusterUnavailable("PostgreSQL is not installed (no initdb and pg_ctl on PATH or "
                             "under /usr/lib/postgresql/*/bin): apt-get install postgresql")


def connect(url: str, **kwargs: object):  # type: ignore[no-untyped-def]
    """A psycopg connection that gives up after a few seconds instead of hanging."""
    import psycopg

    return psycopg.connect(url, connect_timeout=5, **kwargs)


class Postgres:
    """A temporary cluster that tests can stop, kill and start again on the same port.

    `folder` is the test's folder.  As root the cluster itself lives elsewhere, in
    a fresh /tmp/dispatch-pg-* owned by the postgres user, because pytest's
    folders under /tmp/pytest-of-root are 0700 and postgres could not reach them;
    the server log is copied into `folder` on close().
    """

    def __init__(self, folder: Path, port: int | None = None, *, fallback: bool = True) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.fallback = fallback
        self.root = os.geteuid() == 0
        self.private: Path | None = None  # our own /tmp/dispatch-pg-*, removed on close
        self.home = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.bin: Path | None = None  # where initdb and pg_ctl are
        self.initialised = False
        self.running = False
        self.external: str | None = None  # URL template of a server that is not ours
        self.databases: set[str] = set()
        self.started_in: float | None = None  # seconds the first start took
        atexit.register(self._atexit)  # an interrupted session leaves no postmaster

    # -- what tests use

    @property
    def ours(self) -> bool:
        """Whether this is our own cluster (which may be stopped, killed, restarted)."""
        return self.external is None

    def url(self, dbname: str = "postgres") -> str:
        """A libpq URL for one database on this server."""
        if self.external is not None:
            return self.external.format(db=quote(dbname))
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{quote(dbname)}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        from psycopg import sql

        with connect(self.url(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.databases.add(name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, cutting off whoever is still connected to it."""
        from psycopg import sql

        with connect(self.url(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                          .format(sql.Identifier(name)))
        self.databases.discard(name)

    def start(self) -> None:
        """Start and return once the server accepts connections."""
        if self.external is not None or self.running:
            return
        began = time.monotonic()
        if not self.initialised:
            try:
                self._initdb()
            except ClusterUnavailable as error:
                if not self.fallback:
                    raise
                self._use_existing(error)
                return
        self._pg_ctl("start", "-l", str(self.log), "-t", str(TIMEOUT))
        self.running = True
        self._wait_until_ready(began)
        if self.started_in is None:
            self.started_in = time.monotonic() - began

    def stop(self) -> None:
        """Stop it gracefully (fast shutdown: a checkpoint, clients disconnected)."""
        self._ours("stop")
        if self.running:
            self._pg_ctl("stop", "-m", "fast", "-t", str(TIMEOUT))
            self.running = False

    def kill(self) -> None:
        """Stop it at once with no checkpoint, as a crash would; a start recovers."""
        self._ours("kill")
        if self.running:
            self._pg_ctl("stop", "-m", "immediate", "-t", str(TIMEOUT))
            self.running = False

    def restart(self) -> None:
        """Stop gracefully and start again: same port, same data."""
        self._ours("restart")
        self.stop()
        self.start()

    def close(self) -> None:
        """The end: stop our cluster and delete it, or drop what we made elsewhere."""
        atexit.unregister(self._atexit)
        if self.external is not None:
            for name in list(self.databases):
                self.drop_database(name)
        # The pid file, not self.running: a start that timed out may have left one.
        elif self.initialised and (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate", "-t", str(TIMEOUT))
        self.running = False
        if self.private is not None:
            if self.log.exists():
                shutil.copyfile(self.log, self.folder / "server.log")
            shutil.rmtree(self.private, ignore_errors=True)
            self.private = None

    def server_log(self) -> str:
        """What the server wrote so far (for failure messages)."""
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return "(no server log)"

    # -- the cluster

    def _initdb(self) -> None:
        folder = binaries()
        self.bin = folder
        if self.root:
            try:
                owner = pwd.getpwnam(OWNER)
            except KeyError:
                raise ClusterUnavailable(f"initdb refuses root and there is no {OWNER!r} "
                                         "user to run it as") from None
            self.private = Path(tempfile.mkdtemp(prefix="dispatch-pg-"))
            self.private.chmod(0o755)
            os.chown(self.private, owner.pw_uid, owner.pw_gid)
            self.home = self.private
        elif len(str(self.folder / "data" / f".s.PGSQL.{self.port}")) > 100:
            # A unix socket path may have at most 107 bytes; pytest's can be longer.
            self.private = Path(tempfile.mkdtemp(prefix="dispatch-pg-"))
            self.home = self.private
        self.data = self.home / "data"
        self.log = self.home / "server.log"
        command = [str(folder / "initdb"), "-D", str(self.data), "-A", "trust", "-U", USER,
                   "-E", "UTF8", "--no-locale", "--no-sync"]
        try:
            done = self._run(command)
        except FileNotFoundError as error:  # no runuser, no su
            raise ClusterUnavailable(f"cannot run initdb: {error}") from error
        if done.returncode != 0:
            raise ClusterUnavailable(f"initdb failed ({done.returncode}):\n{done.stdout}")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(CONF.format(port=self.port, sockets=self.data))
        self.initialised = True

    def _pg_ctl(self, action: str, *options: str) -> None:
        assert self.bin is not None, "no cluster yet"
        done = self._run([str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-w",
                          *options])
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {action} failed ({done.returncode}) on port "
                               f"{self.port}:\n{done.stdout}\nserver log:\n{self.server_log()}")

    def _run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL program, as the postgres user when we are root."""
        if self.root:
            if shutil.which("runuser"):
                command = ["runuser", "-u", OWNER, "--", *command]
            else:
                command = ["su", OWNER, "-s", "/bin/sh", "-c", shlex.join(command)]
        # cwd: a folder postgres may enter (root's may be a 0700 pytest folder).
        return subprocess.run(command, cwd=self.home, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=TIMEOUT + 30, check=False)

    def _wait_until_ready(self, began: float) -> None:
        # pg_ctl -w already waited for the postmaster to say "ready"; make sure
        # a client gets in over TCP too.
        import psycopg

        while True:
            try:
                with connect(self.url()) as probe:
                    probe.execute("SELECT 1")
                return
            except psycopg.OperationalError as error:
                if time.monotonic() - began > TIMEOUT:
                    raise RuntimeError(f"PostgreSQL on port {self.port} accepts no "
                                       f"connections: {error}\nserver log:\n"
                                       f"{self.server_log()}") from error
                time.sleep(0.05)

    def _ours(self, what: str) -> None:
        if self.external is not None:
            raise NotOurServer(f"cannot {what} {self.url()}: it is not ours "
                               "(no initdb here, so the tests use an existing server)")

    # -- someone else's server

    def _use_existing(self, why: ClusterUnavailable) -> None:
        """Fall back to a server already running here, if one lets us create databases."""
        import psycopg

        tried = []
        for candidate in EXISTING:
            me = quote(pwd.getpwuid(os.geteuid()).pw_name)
            template = candidate.replace("{me}", me)
            url = template.format(db="postgres")
            try:
                with connect(url) as probe:
                    row = probe.execute("SELECT rolsuper OR rolcreatedb FROM pg_roles "
                                        "WHERE rolname = current_user").fetchone()
            except psycopg.Error as error:
                tried.append(f"  {url}: {str(error).strip().splitlines()[0]}")
                continue
            if row and row[0]:
                self.external = template
                self.port = 5432
                return
            tried.append(f"  {url}: may not create databases")
        raise RuntimeError(f"no PostgreSQL for the tests: {why}\nand no existing server "
                           "would do:\n" + "\n".join(tried))

    def _atexit(self) -> None:
        # The interpreter is going away; nothing is left to report a failure to.
        with contextlib.suppress(Exception):
            self.close()
