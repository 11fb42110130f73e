"""The doccano annotation loop against a real doccano 1.8.4 server (tests/doccano_server.py).

The server starts once per session (about 20 s; creating its virtual environment the first time
takes a minute more). Where it cannot start the server tests are skipped, except under CI=true,
where they fail: CI must not pass a loop it never ran.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
import spacy

from licex.corpus.annotations import AnnotationError, read_annotations
from licex.doccano import (
    SCHEME_LABELS,
    Connection,
    DoccanoClient,
    DoccanoError,
    convert_export,
    label_colours,
    label_differences,
    project_status,
    pull_annotations,
    push_texts,
    sidecar_path,
)
from licex.doccano.meta import text_sha256
from licex.fields.labels import ENTITY_LABELS
from licex.jobs.pipeline import rules_pipeline

ROOT = Path(__file__).resolve().parent.parent
RAW = sorted((ROOT / "corpus" / "raw").glob("*.txt"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from doccano_server import DoccanoServer, ServerError  # noqa: E402


# -- without a server ----------------------------------------------------------------------------


def test_every_label_gets_its_own_colour():
    colours = label_colours()
    assert list(colours) == list(SCHEME_LABELS)
    assert len(set(colours.values())) == len(colours)


def test_label_differences_name_extra_and_missing_labels():
    assert label_differences(list(SCHEME_LABELS)) is None
    problem = label_differences([n for n in SCHEME_LABELS if n != "OTHER"] + ["FOO"])
    assert "not in licex's scheme: FOO" in problem and "missing: OTHER" in problem


def test_connection_settings(monkeypatch):
    for name in ("DOCCANO_URL", "DOCCANO_USERNAME", "DOCCANO_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(DoccanoError, match="set DOCCANO_URL, DOCCANO_USERNAME, DOCCANO_PASSWORD"):
        Connection.resolve()
    for url in ("http://admin:Secret-1@127.0.0.1:8000", "ftp://admin:Secret-1@host"):
        with pytest.raises(DoccanoError, match="must not contain credentials") as caught:
            Connection.resolve(url, "admin", "pw")
        assert "Secret-1" not in str(caught.value)
    monkeypatch.setenv("DOCCANO_URL", "http://127.0.0.1:8000/")
    monkeypatch.setenv("DOCCANO_USERNAME", "admin")
    monkeypatch.setenv("DOCCANO_PASSWORD", "pw")
    connection = Connection.resolve()
    assert connection.url == "http://127.0.0.1:8000" and "pw" not in repr(connection)


def _export_zip(rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("all.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return buffer.getvalue()


def test_convert_export_splits_labels_and_names_every_problem():
    text = "公司名称:北京某某科技有限公司。一、你公司应当遵守规定。"
    good = {"id": 7, "text": text, "licex_id": "doc", "licex_sha256": text_sha256(text), "origin": "real", "Comments": [],
            "label": [[5, 15, "COMPANY"], [16, 28, "GEN_LEGAL_COMPLIANCE"]]}
    [example], _ = convert_export(_export_zip([good]), "p")
    assert (example.id, example.entities, example.clauses, example.meta) == (
        "doc", [(5, 15, "COMPANY")], [(16, 28, "GEN_LEGAL_COMPLIANCE")], {"origin": "real"})
    bad = {**good, "id": 8, "licex_id": "bad", "label": [[5, 15, "COMPANY"], [6, 9, "LEGAL_REP"], [0, 3, "FOO"],
                                                         [15, 17, "OTHER"]]}
    with pytest.raises(AnnotationError) as caught:
        convert_export(_export_zip([good, bad, {**good, "id": 9}]), "p")
    problems = "\n".join(caught.value.problems)
    assert "example 8 (bad)" in problems
    assert "unknown label 'FOO'" in problems
    assert "overlaps" in problems
    assert "example 9 (doc): duplicate id 'doc' (first at doccano project 'p', example 7 (doc))" in problems


def test_unreachable_server_is_one_clear_line(tmp_path, cli):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {"DOCCANO_URL": url, "DOCCANO_USERNAME": "admin", "DOCCANO_PASSWORD": "pw"}
    out = tmp_path / "pulled.jsonl"
    for args in (["pull", "--project", "p", "-o", str(out)], ["status", "--project", "p"],
                 ["push", str(RAW[0]), "--project", "p", "--rules-only"]):
        result = cli("doccano", *args, env=env)
        assert result.exit_code == 1, result.stderr
        assert result.stderr.strip() == f"licex: error: cannot reach doccano at {url}: connection refused or host unknown"
    assert list(tmp_path.iterdir()) == []


# -- a real server -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def doccano():
    try:
        server = DoccanoServer.start(log=lambda message: print(message, file=sys.stderr))
    except (ServerError, OSError) as error:
        message = f"doccano server could not start: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    print(f"doccano started in {server.start_seconds:.1f} s at {server.url}", file=sys.stderr)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def admin(doccano) -> Connection:
    return Connection(doccano.url, doccano.admin.username, doccano.admin.password)


def licex(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("DOCCANO_")}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "licex.cli", "doccano", *args], capture_output=True, text=True,
                          env=full, cwd=cwd or ROOT, timeout=300)


def server_env(server: DoccanoServer, password: str | None = None) -> dict[str, str]:
    return {"DOCCANO_URL": server.url, "DOCCANO_USERNAME": server.admin.username,
            "DOCCANO_PASSWORD": password or server.admin.password}


def new_project() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def push(connection: Connection, project: str, paths=RAW):
    documents = [(p.stem, p.read_text("utf-8")) for p in paths]
    return push_texts(connection, project, documents, rules_pipeline)


class Api:
    """doccano's REST API as an annotator in the web UI uses it."""

    def __init__(self, server: DoccanoServer, project: str, user=None):
        self.server = server
        self.session = server.session(user)
        self.v1 = f"{server.url}/v1"
        found = self.get("projects", params={"search": project})["results"]
        self.pid = next(p["id"] for p in found if p["name"] == project)

    def get(self, path, **kwargs):
        response = self.session.get(f"{self.v1}/{path}", **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def send(self, method, path, expect=(200, 201, 204), **kwargs):
        response = self.session.request(method, f"{self.v1}/{path}", **kwargs)
        assert response.status_code in expect, response.text
        return response.json() if response.content else None

    def add_member(self, username: str, role: str = "annotator") -> None:
        user = next(u for u in self.get("users", params={"search": username}) if u["username"] == username)
        role_id = next(r["id"] for r in self.get("roles") if r["name"] == role)
        self.send("POST", f"projects/{self.pid}/members", json={"user": user["id"], "role": role_id})

    def example(self, doc_id: str) -> dict:
        examples = self.get(f"projects/{self.pid}/examples", params={"limit": 100})["results"]
        return next(e for e in examples if e["meta"]["licex_id"] == doc_id)

    def label_ids(self) -> dict[str, int]:
        return {t["text"]: t["id"] for t in self.get(f"projects/{self.pid}/span-types")}

    def spans(self, example_id: int) -> list[dict]:
        return self.get(f"projects/{self.pid}/examples/{example_id}/spans")

    def span_of(self, example_id: int, label: str) -> dict:
        ids = self.label_ids()
        return next(s for s in self.spans(example_id) if s["label"] == ids[label])

    def add_span(self, example_id: int, start: int, end: int, label: str) -> None:
        self.send("POST", f"projects/{self.pid}/examples/{example_id}/spans",
                  json={"start_offset": start, "end_offset": end, "label": self.label_ids()[label]})

    def confirm(self, example_id: int) -> None:
        self.send("POST", f"projects/{self.pid}/examples/{example_id}/states", json={})


def spans_of(nlp, text: str) -> tuple[list, list]:
    doc = nlp(text)
    return ([(e.start_char, e.end_char, e.label_) for e in doc.ents],
            sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["clauses"]))


@pytest.mark.slow
def test_annotation_loop_end_to_end(doccano, admin, tmp_path, rules_nlp):
    env = server_env(doccano)
    project = new_project()
    first = licex("push", *map(str, RAW), "--project", project, "--rules-only", "--order", "uncertainty", env=env)
    assert first.returncode == 0, first.stderr
    assert f"created project '{project}'" in first.stdout
    assert "uploaded 3 document(s), pre-annotated by rules only" in first.stdout
    assert "skipped 0 already present" in first.stdout
    again = licex("push", str(ROOT / "corpus" / "raw"), "--project", project, "--rules-only", env=env)
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stdout and "uploaded 0 documents" in again.stdout
    assert "skipped 3 already present" in again.stdout

    # What the push uploaded: the rules' entities and clauses of each licence.
    expected = {p.stem: spans_of(rules_nlp, p.read_text("utf-8")) for p in RAW}

    # An annotator corrects three things in the web UI and marks one licence done.
    Api(doccano, project).add_member(doccano.annotator.username)
    ui = Api(doccano, project, doccano.annotator)
    a, b = RAW[0].stem, RAW[2].stem
    ex_a, ex_b = ui.example(a), ui.example(b)
    # The record's doubts ride along for the annotator (the preamble names the company otherwise).
    assert ui.example(RAW[1].stem)["meta"]["needs_review"] == [
        "company_name: the 特别规定事项 preamble names 北京蓝汛通信技术有限责任公司"]
    relabel = ui.span_of(ex_a["id"], "LICENSE_NO")
    ui.send("PATCH", f"projects/{ui.pid}/examples/{ex_a['id']}/spans/{relabel['id']}",
            json={"label": ui.label_ids()["PREV_LICENSE_NO"]})
    move = ui.span_of(ex_b["id"], "COMPANY")
    ui.send("PATCH", f"projects/{ui.pid}/examples/{ex_b['id']}/spans/{move['id']}",
            json={"end_offset": move["end_offset"] - 2})
    delete = ui.span_of(ex_b["id"], "SIGNER")
    ui.send("DELETE", f"projects/{ui.pid}/examples/{ex_b['id']}/spans/{delete['id']}")
    ui.confirm(ex_b["id"])

    entities_a, clauses_a = expected[a]
    old = (relabel["start_offset"], relabel["end_offset"], "LICENSE_NO")
    entities_a = sorted([s for s in entities_a if s != old] + [(old[0], old[1], "PREV_LICENSE_NO")])
    entities_b, clauses_b = expected[b]
    moved = (move["start_offset"], move["end_offset"], "COMPANY")
    deleted = (delete["start_offset"], delete["end_offset"], "SIGNER")
    assert moved in entities_b and deleted in entities_b
    entities_b = sorted([s for s in entities_b if s not in (moved, deleted)] + [(moved[0], moved[1] - 2, "COMPANY")])
    expected[a], expected[b] = (entities_a, clauses_a), (entities_b, clauses_b)

    status = licex("status", "--project", project, env=env)
    assert status.returncode == 0, status.stderr
    assert f"project '{project}'" in status.stdout and "3 examples, 3 annotated, 1 approved" in status.stdout
    assert "PREV_LICENSE_NO" in status.stdout and "total" in status.stdout

    out = tmp_path / "annotations" / "doccano.jsonl"
    pulled = licex("pull", "--project", project, "-o", str(out), env=env)
    assert pulled.returncode == 0, pulled.stderr
    assert "3 documents" in pulled.stdout and str(out) in pulled.stdout
    examples = {e.id: e for e in read_annotations(out)}
    assert set(examples) == {p.stem for p in RAW}
    for path in RAW:
        example = examples[path.stem]
        assert example.text == path.read_text("utf-8")
        assert (example.entities, example.clauses) == expected[path.stem], path.stem
        assert example.meta == {"origin": "real"}
    # The password reaches no file; the sidecar records the pull.
    for file in (out, sidecar_path(out)):
        assert doccano.admin.password not in file.read_text("utf-8")
    record = json.loads(sidecar_path(out).read_text("utf-8"))
    assert record["project"] == project and record["documents"] == 3

    approved = tmp_path / "approved.jsonl"
    result = licex("pull", "--project", project, "-o", str(approved), "--approved-only", env=env)
    assert result.returncode == 0, result.stderr
    assert [e.id for e in read_annotations(approved)] == [b]

    # The pulled annotations train a model (tiny here) that loads.
    from licex.jobs.train import train

    trained = train(tmp_path / "training", ROOT / "configs" / "cnn.cfg", corpora=[out], synth=8,
                    overrides={"training.max_steps": 2, "training.eval_frequency": 2})
    assert trained.metrics["corpus"]["real (held out)"] == 3
    nlp = spacy.load(trained.model)
    assert "ner" in nlp.pipe_names
    assert nlp(RAW[0].read_text("utf-8"))._.license_record is not None


@pytest.fixture(scope="session")
def shared_project(doccano, admin) -> str:
    """A project with the three real licences, for tests that only read it."""
    project = new_project()
    result = push(admin, project)
    assert len(result.uploaded) == 3
    return project


@pytest.mark.slow
def test_push_skips_duplicates_within_one_push(doccano, admin, tmp_path):
    copy = tmp_path / "copy_of_000.txt"
    copy.write_bytes(RAW[0].read_bytes())
    project = new_project()
    result = push_texts(admin, project, [(p.stem, p.read_text("utf-8")) for p in (RAW[0], copy)], rules_pipeline)
    assert (result.created, result.uploaded, result.skipped_duplicate) == (True, [RAW[0].stem], ["copy_of_000"])
    # Another text under an id the project already has would give the pulled corpus a duplicate id.
    with pytest.raises(DoccanoError, match=f"already has a different text with the id.*{RAW[0].stem}"):
        push_texts(admin, project, [(RAW[0].stem, RAW[1].read_text("utf-8"))], rules_pipeline)
    assert project_status(admin, project).examples == 1


@pytest.mark.slow
def test_a_failed_push_leaves_no_half_made_project(doccano, admin, monkeypatch):
    project = new_project()
    monkeypatch.setattr(DoccanoClient, "task_status",
                        lambda self, task_id: {"ready": True, "result": None, "error": {"text": "worker lost"}})
    with pytest.raises(DoccanoError, match="^the import task failed in doccano: worker lost$"):
        push(admin, project, RAW[:1])
    assert DoccanoClient(admin).find_project(project) is None


@pytest.mark.slow
def test_wrong_password_is_refused_and_never_shown(doccano, tmp_path):
    secret = "Wrong-" + secrets.token_hex(8)
    env = server_env(doccano, password=secret)
    out = tmp_path / "pulled.jsonl"
    for args in (["pull", "--project", "p", "-o", str(out)], ["status", "--project", "p"],
                 ["push", str(RAW[0]), "--project", "p", "--rules-only"]):
        result = licex(*args, env=env)
        assert result.returncode == 1
        assert result.stderr.strip() == (f"licex: error: doccano at {doccano.url} refused the login of 'admin': "
                                         "wrong username or password")
        assert secret not in result.stdout + result.stderr
    # Given as a flag rather than a variable, the same.
    result = licex("status", "--project", "p", "--password", secret, env={**env, "DOCCANO_PASSWORD": ""})
    assert result.returncode == 1 and "wrong username or password" in result.stderr
    assert secret not in result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_missing_project(doccano, tmp_path):
    env = server_env(doccano)
    out = tmp_path / "pulled.jsonl"
    for args in (["pull", "--project", "no-such-project", "-o", str(out)], ["status", "--project", "no-such-project"]):
        result = licex(*args, env=env)
        assert result.returncode == 1
        assert result.stderr.strip() == (f"licex: error: no doccano project named 'no-such-project' at {doccano.url} "
                                         "(that user 'admin' can see)")
    assert not out.exists()


@pytest.mark.slow
def test_project_with_other_labels_is_refused(doccano, tmp_path):
    project = new_project()
    api_session = doccano.session()
    created = api_session.post(f"{doccano.url}/v1/projects", json={
        "name": project, "description": "made in the web UI", "guideline": "", "project_type": "SequenceLabeling",
        "resourcetype": "SequenceLabelingProject", "collaborative_annotation": True, "allow_overlapping": True,
    })
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    for name in [n for n in SCHEME_LABELS if n != "OTHER"] + ["FOO"]:
        response = api_session.post(f"{doccano.url}/v1/projects/{pid}/span-types", json={"text": name})
        assert response.status_code == 201, response.text
    env = server_env(doccano)
    out = tmp_path / "pulled.jsonl"
    for args in (["push", str(RAW[0]), "--project", project, "--rules-only"],
                 ["pull", "--project", project, "-o", str(out)], ["status", "--project", project]):
        result = licex(*args, env=env)
        assert result.returncode == 1, result.stdout
        assert (f"the labels of doccano project '{project}' differ from licex's scheme "
                "(not in licex's scheme: FOO; missing: OTHER)") in result.stderr, result.stderr
    assert not out.exists()
    assert api_session.get(f"{doccano.url}/v1/projects/{pid}/examples").json()["count"] == 0


@pytest.mark.slow
def test_export_task_that_times_out_or_fails_writes_nothing(doccano, admin, shared_project, tmp_path, monkeypatch):
    out = tmp_path / "pulled.jsonl"
    result = licex("pull", "--project", shared_project, "-o", str(out), "--timeout", "0", env=server_env(doccano))
    assert result.returncode == 1
    assert result.stderr.strip() == ("licex: error: the export task did not finish within 0 s (is doccano's task "
                                     "worker, `doccano task`, running? raise --timeout for large projects)")
    assert not out.exists()

    out.write_text("earlier annotations\n", "utf-8")
    monkeypatch.setattr(DoccanoClient, "task_status",
                        lambda self, task_id: {"ready": True, "result": None, "error": {"text": "disk full"}})
    with pytest.raises(DoccanoError, match="^the export task failed in doccano: disk full$"):
        pull_annotations(admin, shared_project, out, force=True)
    assert out.read_text("utf-8") == "earlier annotations\n"
    assert not sidecar_path(out).exists()


@pytest.mark.slow
def test_newer_annotations_on_disk_are_not_overwritten(doccano, shared_project, tmp_path):
    env = server_env(doccano)
    out = tmp_path / "doccano.jsonl"
    assert licex("pull", "--project", shared_project, "-o", str(out), env=env).returncode == 0
    again = licex("pull", "--project", shared_project, "-o", str(out), env=env)
    assert again.returncode == 0 and "doccano unchanged since the last pull" in again.stdout

    edited = re.sub(r'"origin":\s*"real"', '"origin":"real","note":"fixed by hand"', out.read_text("utf-8"), count=1)
    assert "fixed by hand" in edited
    out.write_text(edited, "utf-8")
    sidecar = sidecar_path(out).read_text("utf-8")
    refused = licex("pull", "--project", shared_project, "-o", str(out), env=env)
    assert refused.returncode == 1
    assert f"licex: error: {out}: changed on disk since the last pull" in refused.stderr
    assert "use --force" in refused.stderr
    assert out.read_text("utf-8") == edited and sidecar_path(out).read_text("utf-8") == sidecar

    # A file no pull wrote (here a copy of the real annotations) is never replaced either.
    real = tmp_path / "real.jsonl"
    real.write_bytes((ROOT / "corpus" / "annotations" / "real.jsonl").read_bytes())

    forced = licex("pull", "--project", shared_project, "-o", str(out), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert "fixed by hand" not in out.read_text("utf-8")
    # The same licences in another file of the folder: the pull says so.
    assert f"licex: note: 3 of these documents are also in {real}" in forced.stderr

    refused = licex("pull", "--project", shared_project, "-o", str(real), env=env)
    assert refused.returncode == 1 and "was not written by `licex doccano pull`" in refused.stderr
    assert real.read_bytes() == (ROOT / "corpus" / "annotations" / "real.jsonl").read_bytes()


@pytest.mark.slow
def test_invalid_annotations_in_doccano_fail_without_writing(doccano, admin, tmp_path):
    env = server_env(doccano)
    project = new_project()
    push(admin, project, RAW[:1])
    api = Api(doccano, project)
    example = api.example(RAW[0].stem)
    company = api.span_of(example["id"], "COMPANY")
    # Two overlapping entities, and an entity that starts on whitespace.
    api.add_span(example["id"], company["start_offset"] + 2, company["end_offset"] + 3, "ADDRESS")
    text = RAW[0].read_text("utf-8")
    entity_ids = {type_id for name, type_id in api.label_ids().items() if name in ENTITY_LABELS}
    taken = [(s["start_offset"], s["end_offset"]) for s in api.spans(example["id"]) if s["label"] in entity_ids]
    space = next(i for i, ch in enumerate(text) if ch == " " and text[i + 1:i + 3].strip()
                 and not any(start < i + 3 and i < end for start, end in taken))
    api.add_span(example["id"], space, space + 3, "SIGNER")
    out = tmp_path / "pulled.jsonl"
    result = licex("pull", "--project", project, "-o", str(out), env=env)
    assert result.returncode == 1
    where = f"doccano project '{project}', example {example['id']} ({RAW[0].stem})"
    assert f"licex: error: {where}: entity ADDRESS [{company['start_offset'] + 2}, {company['end_offset'] + 3}] overlaps entity COMPANY" in result.stderr
    assert f"licex: error: {where}: entity SIGNER [{space}, {space + 3}]" in result.stderr
    assert "has leading or trailing whitespace" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (f"licex: error: {out}: not written, 2 problem(s) in the "
                                                      f"annotations of doccano project '{project}'")
    assert not out.exists() and not sidecar_path(out).exists()

    # A label added in doccano and used there: the project no longer matches the scheme.
    response = api.session.post(f"{api.v1}/projects/{api.pid}/span-types", json={"text": "STAMP"})
    assert response.status_code == 201, response.text
    api.add_span(example["id"], 0, 5, "STAMP")
    result = licex("pull", "--project", project, "-o", str(out), env=env)
    assert result.returncode == 1 and "not in licex's scheme: STAMP" in result.stderr
    assert not out.exists()


def test_pre_annotations_are_made_valid_for_the_corpus():
    from licex.doccano.push import _valid_spans

    doc = spacy.blank("zh")("ab cd  ef")
    spans = [(0, 3, "A"), (2, 5, "B"), (1, 4, "C"), (5, 7, "D")]
    # Whitespace trimmed, overlaps and whitespace-only spans dropped.
    assert _valid_spans(doc, spans) == ([(0, 2, "A"), (3, 5, "B")], 2)


def test_uncertainty_order_puts_the_licences_with_most_to_review_first_and_the_guideline_says_where_to_look():
    from licex.doccano import label_guideline
    from licex.doccano.meta import META_REVIEW
    from licex.doccano.push import most_review_first

    lines = [{"licex_id": "a", META_REVIEW: []}, {"licex_id": "b", META_REVIEW: ["license_no: x", "issue_date: y"]},
             {"licex_id": "c", META_REVIEW: ["company_name: z"]}, {"licex_id": "d", META_REVIEW: []}]
    assert [line["licex_id"] for line in most_review_first(lines)] == ["b", "c", "a", "d"]
    assert "needs_review" in label_guideline() and "--order uncertainty" in label_guideline()


def test_an_unknown_push_order_is_one_clear_line(cli):
    result = cli("doccano", "push", "corpus/raw", "--project", "p", "--order", "random")
    assert result.exit_code == 2
    assert "--order random: give given or uncertainty" in result.output
