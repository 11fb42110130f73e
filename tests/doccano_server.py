"""A real doccano 1.8.4 server on 127.0.0.1 for the tests and the walk-through of docs/doccano.md.

doccano 1.8.4 pins Django 4, SQLAlchemy < 2 and pandas < 2, and with pandas < 2 comes numpy < 2,
which licex's environment (spaCy 3.8 on numpy 2) cannot share; so doccano gets a virtual
environment of its own (713 MB), outside the checkout: `$LICEX_DOCCANO_VENV`, by default
`${XDG_CACHE_HOME:-~/.cache}/licex/doccano-venv`, reused when it already holds doccano 1.8.4 and
created otherwise (`python3 -m venv` + `pip install "doccano==1.8.4" "marshmallow<4" "numpy<2"`,
about a minute). Each server gets a fresh DOCCANO_HOME (SQLite
database, media, logs) in a temporary folder, an admin and an annotator user with random
passwords, gunicorn bound to 127.0.0.1 on a free port (never `doccano webserver`, which binds
0.0.0.0) and the `doccano task` worker that runs imports and exports.

    python tests/doccano_server.py        # runs one in the foreground, prints URL and users;
                                          # Ctrl-C (or SIGTERM, SIGHUP) stops it and its children

Importable: `with DoccanoServer.start() as server: ...` (server.url, server.admin,
server.annotator, server.home); everything it started is stopped on exit, at interpreter exit
too.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DOCCANO_VERSION = "1.8.4"
PIP_REQUIREMENTS = [f"doccano=={DOCCANO_VERSION}", "marshmallow<4", "numpy<2"]
VENV_ENV = "LICEX_DOCCANO_VENV"


class ServerError(RuntimeError):
    """The server could not be set up or started; the message says which step and why."""


@dataclass(frozen=True)
class User:
    username: str
    password: str


def venv_path() -> Path:
    """Where doccano's virtual environment lives: $LICEX_DOCCANO_VENV, else the user's cache folder."""
    if os.environ.get(VENV_ENV):
        return Path(os.environ[VENV_ENV])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "licex" / "doccano-venv"


def _installed_version(venv: Path) -> str | None:
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    result = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('doccano'))"],
        capture_output=True, text=True,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def ensure_venv(venv: Path | None = None, log=print) -> Path:
    """The doccano virtual environment, created (or completed) when it lacks doccano 1.8.4."""
    venv = Path(venv or venv_path())
    if _installed_version(venv) == DOCCANO_VERSION:
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    # One installer at a time: test workers (pytest -n) and servers started together wait for the
    # first, then find the venv made.
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed_version(venv) != DOCCANO_VERSION:
            _install(venv, log)
    return venv


def _install(venv: Path, log) -> None:
    log(f"installing doccano {DOCCANO_VERSION} into {venv} (about a minute) ...")
    python3 = shutil.which("python3") or sys.executable
    if not (venv / "bin" / "python").exists():
        _run([python3, "-m", "venv", str(venv)], "creating the doccano virtual environment")
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *PIP_REQUIREMENTS],
         f"pip install {' '.join(PIP_REQUIREMENTS)}")
    if _installed_version(venv) != DOCCANO_VERSION:
        raise ServerError(f"{venv}: doccano {DOCCANO_VERSION} is not importable after pip install")


def _run(command: list[str], what: str, env: dict | None = None, timeout: float = 900) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ServerError(f"{what} failed: {error}") from None
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise ServerError(f"{what} failed (exit {result.returncode}):\n" + "\n".join(tail))
    return result.stdout


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _backend_dir(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages/backend/config/wsgi.py"))
    if not found:
        raise ServerError(f"{venv}: doccano's backend package not found")
    return found[0].parent.parent


@dataclass
class DoccanoServer:
    url: str
    admin: User
    annotator: User
    home: Path
    venv: Path
    start_seconds: float = 0.0
    _processes: list[subprocess.Popen] = field(default_factory=list, repr=False)
    _owns_home: bool = True

    @classmethod
    def start(cls, venv: Path | None = None, log=print, timeout: float = 120, workers: int = 2) -> "DoccanoServer":
        """A fresh server: DB initialised, users created, web server and task worker answering."""
        started = time.perf_counter()
        venv = ensure_venv(venv, log)
        failures = []
        for attempt in range(2):  # a second try on a new port and home, should the first one fail
            home = Path(tempfile.mkdtemp(prefix="licex-doccano-"))
            port = _free_port()
            server = cls(
                url=f"http://127.0.0.1:{port}", home=home, venv=venv,
                admin=User("admin", secrets.token_urlsafe(12)),
                annotator=User("annotator", secrets.token_urlsafe(12)),
            )
            atexit.register(server.stop)
            try:
                server._start(port, timeout, workers)
            except ServerError as error:
                server._owns_home = False  # keep the logs of a failed start
                server.stop()
                failures.append(f"attempt {attempt + 1}: {error}")
                log(f"doccano did not start (logs kept in {home}): {error}")
                continue
            except BaseException:
                server.stop()
                raise
            server.start_seconds = time.perf_counter() - started
            return server
        raise ServerError("\n".join(failures))

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCCANO_", "DJANGO_", "VIRTUAL_ENV"))}
        env.update({
            "DOCCANO_HOME": str(self.home),
            "DATABASE_URL": f"sqlite:///{self.home / 'db.sqlite3'}",
            "MEDIA_ROOT": str(self.home / "media"),
            "STANDALONE": "True",
            "DEBUG": "False",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
        })
        env.pop("PYTHONPATH", None)
        return env

    def _start(self, port: int, timeout: float, workers: int) -> None:
        env = self._env()
        doccano = str(self.venv / "bin" / "doccano")
        _run([doccano, "init"], "doccano init", env=env, timeout=300)
        _run([doccano, "createuser", "--username", self.admin.username, "--password", self.admin.password],
             "doccano createuser", env=env)
        backend = _backend_dir(self.venv)
        self._spawn("web", [str(self.venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}",
                            "--workers", str(workers), "--chdir", str(backend), "--timeout", "120",
                            "config.wsgi"], env)
        self._spawn("worker", [doccano, "task", "--concurrency", "1"], env)
        deadline = time.monotonic() + timeout
        self._wait(lambda: self._answers(), deadline, "the web server")
        self._wait(lambda: "ready." in (self.home / "worker.log").read_text("utf-8", "replace"), deadline,
                   "the task worker")
        self._create_annotator()

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = open(self.home / f"{name}.log", "w")
        # A process group of its own: stop() ends gunicorn's and celery's children with it.
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self._processes.append(process)

    def _wait(self, ready, deadline: float, what: str) -> None:
        while time.monotonic() < deadline:
            for process in self._processes:
                if process.poll() is not None:
                    raise ServerError(f"{what}: a doccano process exited ({process.args[0]}, status "
                                      f"{process.returncode}); logs in {self.home}:\n{self.log_tail()}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise ServerError(f"{what} did not start in time; logs in {self.home}:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/v1/health/", timeout=2) as response:
                return response.status == 200
        except urllib.error.HTTPError as error:
            return error.code < 500
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def _create_annotator(self) -> None:
        session = self.session(self.admin)
        response = session.post(f"{self.url}/v1/users/create", json={
            "username": self.annotator.username, "email": "annotator@example.com",
            "password1": self.annotator.password, "password2": self.annotator.password,
        })
        if response.status_code != 201:
            raise ServerError(f"creating the annotator user failed: {response.status_code} {response.text[:300]}")

    def session(self, user: User | None = None):
        """A logged-in requests session (admin by default) with the CSRF header doccano wants."""
        import requests

        user = user or self.admin
        session = requests.Session()
        session.headers.update({"Referer": self.url + "/"})
        response = session.post(f"{self.url}/v1/auth/login/",
                                json={"username": user.username, "password": user.password})
        if response.status_code != 200:
            raise ServerError(f"login as {user.username} failed: {response.status_code}")
        session.headers["X-CSRFToken"] = session.cookies.get("csrftoken", "")
        return session

    def log_tail(self, lines: int = 20) -> str:
        tails = []
        for name in ("web", "worker"):
            path = self.home / f"{name}.log"
            if path.exists():
                text = path.read_text("utf-8", "replace").splitlines()[-lines:]
                tails.append(f"--- {name}.log\n" + "\n".join(text))
        return "\n".join(tails)

    def stop(self, grace: float = 5.0) -> None:
        """End every process group this server started, then remove its home; safe to call twice.

        SIGTERM first, SIGKILL for whatever still runs `grace` seconds later (all groups together:
        gunicorn's and celery's graceful shutdowns would otherwise wait for their workers). While
        it runs, Ctrl-C is ignored: a second Ctrl-C must not leave doccano running in the
        background (its processes have sessions of their own, so the terminal cannot reach them).
        """
        with _signals_ignored(signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            processes, self._processes = self._processes, []
            for process in processes:
                if process.poll() is None:
                    _signal_group(process, signal.SIGTERM)
            deadline = time.monotonic() + grace
            for process in processes:
                try:
                    process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
            # Leaders that did not stop in time, and children that outlived their leader.
            for process in processes:
                _signal_group(process, signal.SIGKILL)
            for process in processes:
                process.wait()
            if self._owns_home and self.home.exists():
                shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> "DoccanoServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def _signals_ignored(*signums: int) -> Iterator[None]:
    """Ignore these signals in the block (only the main thread may change signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # SIGTERM and SIGHUP (a closed terminal) stop the server as Ctrl-C does. SIGINT too, set
    # explicitly: a shell starts a background job with SIGINT ignored, and Python then installs
    # no KeyboardInterrupt handler, so `kill -INT` would do nothing.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_interrupt)
    try:
        server = DoccanoServer.start(log=lambda message: print(message, file=sys.stderr))
    except ServerError as error:
        print(f"doccano_server: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # start() has stopped whatever it had started
        print("doccano_server: interrupted while starting; stopped", file=sys.stderr)
        return 130
    try:
        print(f"doccano {DOCCANO_VERSION} at {server.url} (started in {server.start_seconds:.1f} s)")
        print(json.dumps({"url": server.url,
                          "admin": {"username": server.admin.username, "password": server.admin.password},
                          "annotator": {"username": server.annotator.username,
                                        "password": server.annotator.password},
                          "home": str(server.home)}, indent=2))
        print(f"export DOCCANO_URL={server.url} DOCCANO_USERNAME={server.admin.username} "
              f"DOCCANO_PASSWORD={server.admin.password}")
        print("Ctrl-C stops it.", flush=True)
        while all(p.poll() is None for p in server._processes):
            time.sleep(1)
        print("a doccano process exited:\n" + server.log_tail(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping doccano ...", file=sys.stderr, flush=True)
        return 0
    finally:
        server.stop()
        print("doccano stopped", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
