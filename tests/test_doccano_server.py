"""tests/doccano_server.py: its virtual environment lives outside the checkout, and stopping it
(Ctrl-C, SIGTERM) ends every process it started, children included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(Path(__file__).resolve().parent))
from doccano_server import VENV_ENV, DoccanoServer, User, venv_path  # noqa: E402


def test_the_venv_is_in_the_cache_folder_not_the_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv(VENV_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert venv_path() == tmp_path / "licex" / "doccano-venv"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert venv_path() == Path.home() / ".cache" / "licex" / "doccano-venv"
    assert ROOT not in venv_path().parents
    monkeypatch.setenv(VENV_ENV, str(tmp_path / "mine"))
    assert venv_path() == tmp_path / "mine"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but for its exit status.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def _all_gone(pids: list[int], timeout: float = 3.0) -> bool:
    """Whether every process has exited within `timeout` (a killed process takes a moment to die)."""
    deadline = time.monotonic() + timeout
    while any(map(_alive, pids)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_stop_ends_processes_that_ignore_sigterm_and_their_children(tmp_path):
    server = DoccanoServer(url="http://127.0.0.1:1", admin=User("a", "b"), annotator=User("c", "d"),
                           home=tmp_path / "home", venv=tmp_path)
    server.home.mkdir()
    child_pids = tmp_path / "children"
    # Like gunicorn or celery taking their time: a leader that ignores SIGTERM, with a child.
    script = f"trap '' TERM; sleep 60 & echo $! >> {child_pids}; wait"
    server._spawn("web", ["sh", "-c", script], dict(os.environ))
    server._spawn("worker", ["sh", "-c", script], dict(os.environ))
    leaders = [p.pid for p in server._processes]
    deadline = time.monotonic() + 10
    while (not child_pids.exists() or len(child_pids.read_text().split()) < 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = [int(pid) for pid in child_pids.read_text().split()]
    started = time.monotonic()
    server.stop(grace=1.0)
    assert time.monotonic() - started < 5
    assert _all_gone(leaders + children)
    assert not server.home.exists()
    server.stop()  # a second call (atexit) does nothing


@pytest.mark.slow
def test_ctrl_c_stops_the_server_script_and_everything_it_started():
    """docs/doccano.md's `python tests/doccano_server.py`, stopped as a terminal's Ctrl-C does (SIGINT)."""
    script = subprocess.Popen([sys.executable, str(ROOT / "tests" / "doccano_server.py")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in script.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C stops it."):
                break
        assert lines and lines[-1].startswith("Ctrl-C"), "".join(lines) + script.stderr.read()
        home = next(line.split('"home": ')[1].strip().strip('",') for line in lines if '"home"' in line)
        # The doccano processes: every process whose environment names this server's home.
        started = [int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _serves(int(pid), home)]
        assert started
        script.send_signal(signal.SIGINT)
        assert script.wait(timeout=30) == 0
        assert "doccano stopped" in script.stderr.read()
        assert _all_gone(started)
        assert not Path(home).exists()
    finally:
        if script.poll() is None:
            script.kill()


def _serves(pid: int, home: str) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return f"DOCCANO_HOME={home}".encode() in environ.read().split(b"\0")
    except OSError:
        return False
