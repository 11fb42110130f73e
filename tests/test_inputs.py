import io
import os
import sys
from pathlib import Path

import pytest

from licex.files.inputs import InputSource, collect_inputs, decode_text
from licex.files.messages import InputError, OutputError
from licex.files.outputs import atomic_write_text

SHORT = "经营许可证编号: B1-20070275\n公司名称:北京蓝汛通信技术有限公司\n第一类增值电信业务\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk"])
@pytest.mark.parametrize("which", ["short", "licence"])
def test_decodes_every_encoding_to_the_original_text(tmp_path, encoding, which, raw_texts):
    text = SHORT if which == "short" else raw_texts["001_093c3da1120a2424"]
    path = tmp_path / "licence.txt"
    path.write_bytes(text.encode(encoding))
    assert InputSource("licence.txt", path).read() == text  # BOM removed, CRLF/spacing untouched


def test_bom_is_removed_and_line_ends_kept():
    assert decode_text("\ufeff第一\r\n第二".encode("utf-8"), "x") == "第一\r\n第二"
    assert decode_text("第一\r\n".encode("utf-16"), "x") == "第一\r\n"


def test_short_gb_text_is_not_taken_for_big5():
    assert decode_text("北京".encode("gbk"), "x") == "北京"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\u3000\n".encode("utf-8"), "".encode("utf-8-sig"),
                                  " \n".encode("utf-16"), " \n \n".encode("utf-16-le")])
def test_empty_or_whitespace_only(data):
    with pytest.raises(InputError, match=r"^corpus/x\.txt: file is empty$"):
        decode_text(data, "corpus/x.txt")


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00",
    b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00",
    b"\x00",
])
def test_nul_bytes_that_are_not_utf16_are_binary(data):
    with pytest.raises(InputError, match=r"^x\.bin: binary data \(NUL bytes\), not a licence text$"):
        decode_text(data, "x.bin")


def test_mostly_control_characters_is_binary():
    with pytest.raises(InputError, match=r"^x\.bin: binary data \(control characters\)"):
        decode_text(bytes(range(1, 32)) * 10 + "许可证".encode(), "x.bin")
    # a few stray controls in a real text are fine
    assert decode_text(("\x0c" + SHORT).encode(), "x") == "\x0c" + SHORT


def test_undecodable_bytes():
    with pytest.raises(InputError, match=r"^x\.txt: cannot decode: not UTF-8, UTF-16 or GB18030$"):
        decode_text(b"\x81\x20\xff\xfe\x80\x81\x20" * 5, "x.txt")


def test_invalid_utf8_after_bom_is_not_guessed():
    with pytest.raises(InputError, match=r"^x\.txt: cannot decode: invalid utf-8"):
        decode_text(b"\xef\xbb\xbf" + "许可证".encode("gbk"), "x.txt")


def test_read_names_the_file(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    with pytest.raises(InputError) as info:
        InputSource(str(tmp_path / "e.txt"), tmp_path / "e.txt").read()
    assert str(info.value) == f"{tmp_path / 'e.txt'}: file is empty"
    with pytest.raises(InputError, match="cannot read"):
        InputSource("gone.txt", tmp_path / "gone.txt").read()


def test_collect_files_folders_and_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ["b/2.txt", "b/sub/deeper/1.txt", "b/a.txt", "b/notes.md", "single.txt", "empty/readme.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("许可证", "utf-8")
    sources, errors = collect_inputs(["single.txt", "nope.txt", "b", "empty", "b/a.txt"])
    assert [(s.name, s.path) for s in sources] == [
        ("single.txt", Path("single.txt")),
        ("b/2.txt", Path("b/2.txt")),
        ("b/a.txt", Path("b/a.txt")),
        ("b/sub/deeper/1.txt", Path("b/sub/deeper/1.txt")),
    ]  # b/a.txt named again is not read twice
    assert [str(e) for e in errors] == ["nope.txt: no such file or folder", "empty: folder has no licence files (*.txt, *.pdf, page images)"]


def test_stdin_at_most_once(monkeypatch):
    sources, errors = collect_inputs(["-", "-"])
    assert [(s.name, s.path) for s in sources] == [("<stdin>", None)]
    assert len(errors) == 1 and str(errors[0]).startswith("<stdin>: ")

    class FakeStdin:
        buffer = io.BytesIO(SHORT.encode("gb18030"))

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    assert sources[0].read() == SHORT


def test_empty_stdin_is_named(monkeypatch):
    monkeypatch.setattr(sys, "stdin", type("S", (), {"buffer": io.BytesIO(b"")}))
    with pytest.raises(InputError, match=r"^<stdin>: file is empty$"):
        InputSource("<stdin>", None).read()


def test_atomic_write_creates_parents_and_leaves_no_temp(tmp_path):
    out = tmp_path / "new" / "dir" / "out.jsonl"
    atomic_write_text(out, "第一行\n")
    atomic_write_text(out, "第二行\r\n")
    assert out.read_bytes() == "第二行\r\n".encode("utf-8")
    assert os.listdir(out.parent) == ["out.jsonl"]


def test_atomic_write_failure_keeps_old_file(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("old content\n", "utf-8")

    def broken_replace(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="out.jsonl: cannot write: disk on fire"):
        atomic_write_text(out, "new content that must not appear\n")
    assert out.read_text("utf-8") == "old content\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]
