"""The transformer config trains and reloads, offline, on a tiny random BERT the test builds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("spacy_transformers", reason="the trf extra is not installed")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def tiny_bert(tmp_path: Path, monkeypatch) -> Path:
    """A randomly initialised 1-layer BERT whose vocab holds the characters of the test texts."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    chars = sorted({c for p in (ROOT / "corpus" / "raw").glob("*.txt") for c in p.read_text("utf-8") if not c.isspace()})
    folder = tmp_path / "tiny-bert"
    folder.mkdir()
    (folder / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]) + "\n", "utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), tokenize_chinese_chars=True)
    tokenizer.save_pretrained(folder)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=160)
    BertModel(config).save_pretrained(folder)
    return folder


def test_trf_config_without_a_local_transformer_says_so_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from licex.cli import app

    config = ROOT / "configs" / "trf.cfg"
    for extra, named in (([], "it names none"), (["--transformer", str(tmp_path / "absent")], "is not a folder")):
        result = CliRunner().invoke(app, ["train", "-o", str(tmp_path / "out"), "--config", str(config), *extra])
        assert result.exit_code == 1
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"licex: error: {config}: component 'transformer' needs a local transformer model: "
                               "give its folder with --transformer PATH") and named in line
    assert not (tmp_path / "out").exists()  # refused before any work

    cnn = ROOT / "configs" / "cnn.cfg"
    result = CliRunner().invoke(app, ["train", "-o", str(tmp_path / "out"), "--config", str(cnn), "--transformer", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"licex: error: {cnn}: has no transformer component; --transformer is for a "
                                     "transformer config such as configs/trf.cfg")


@pytest.mark.slow
def test_trf_config_trains_and_reloads(tmp_path, tiny_bert):
    import spacy

    from licex.jobs.train import train

    result = train(
        tmp_path / "trf", config=ROOT / "configs" / "trf.cfg", corpora=[ROOT / "corpus" / "annotations"],
        synth=6, synth_seed=3, dev_fraction=0.34, transformer=tiny_bert,
        overrides={"training.max_steps": 2, "training.eval_frequency": 2},
    )
    nlp = spacy.load(result.model)
    assert nlp.pipe_names[0] == "transformer"
    text = (ROOT / "corpus" / "raw" / "002_3fa2e29c17b4fcd1.txt").read_text("utf-8")
    record = nlp(text)._.license_record
    # Two steps teach the model nothing; the rule fallback still fills the record.
    assert record["license_no"] == "B2-20160073"
    assert os.environ["HF_HUB_OFFLINE"] == "1"
