"""Config files are validated: unknown keys refused, errors naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_DIR, load_config
from pipeline.config_files import ConfigError
from pipeline.direction import load_directions


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "configs"
    shutil.copytree(DEFAULT_DIR, d)
    return d


def test_the_shipped_configs_are_valid():
    cfg = load_config()
    assert cfg.header_role("指标权重", loose=True) == "weight"
    assert load_directions().rules


@pytest.mark.parametrize(
    "file, edit, where",
    [
        ("schema.yaml", lambda s: s + "\nmatch_treshold: 70\n", "match_treshold"),
        (
            "schema.yaml",
            lambda s: s.replace("match_threshold: 80", "match_threshold: 180"),
            "match_threshold",
        ),
        ("labels.yaml", lambda s: s.replace("  seq: [序号", "  sequence: [序号"), "grid_header"),
        ("labels.yaml", lambda s: s.replace("  owner: [", "  owners: ["), "fields"),
        (
            "labels.yaml",
            lambda s: s.replace("self_evaluation: '自评表|自评'", "self_evaluation: '自评表(|'"),
            "titles",
        ),
    ],
)
def test_a_bad_config_names_file_and_key(tmp_path, file, edit, where):
    d = _copy(tmp_path)
    p = d / file
    p.write_text(edit(p.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(d)
    assert str(p) in str(e.value) and where in str(e.value)


def test_a_bad_directions_rule_names_file_and_rule(tmp_path):
    d = _copy(tmp_path)
    p = d / "directions.yaml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("direction: maintain", "direction: steady", 1),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as e:
        load_directions(p)
    assert str(p) in str(e.value) and "rules.0.direction" in str(e.value)


def test_yaml_that_does_not_parse_names_the_file(tmp_path):
    d = _copy(tmp_path)
    (d / "labels.yaml").write_text("fields: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="labels.yaml: not valid YAML"):
        load_config(d)


def test_the_vocabulary_is_read_once_from_configs():
    """Word lists live in configs/vocabulary.yaml: what the readers and the normalizer
    match (a worded target's word, a unit, an operator word, an empty mark) comes from it."""
    from pipeline.normalize import normalize_value
    from pipeline.readers.grid.kinds import kind_of
    from pipeline.vocabulary import VOCAB

    cfg = load_config()
    assert "有所提升"[-2:] in VOCAB.worded_target_words and "人次" in VOCAB.units
    assert kind_of("不低于", cfg).kind == "op" and kind_of("无", cfg).kind == "none"
    v = normalize_value("不少于500人次")
    assert (v.op, v.value, v.unit) == (">=", 500, "人次")


def test_a_bad_vocabulary_names_file_and_key(tmp_path):
    from pipeline import vocabulary

    d = _copy(tmp_path)
    p = d / "vocabulary.yaml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("bound_suffixes:", "bound_sufixes:"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as e:
        vocabulary.read(p)
    assert str(p) in str(e.value) and "bound_sufixes" in str(e.value)


def test_a_run_config_may_not_carry_another_vocabulary(tmp_path):
    """The word lists are compiled when jixiao starts: a --config directory whose
    vocabulary.yaml differs is refused, naming the file, rather than silently ignored; one
    without the file, or with the same copy, is fine."""
    d = _copy(tmp_path)
    assert load_config(d).config_hash == load_config().config_hash
    p = d / "vocabulary.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="vocabulary.yaml: differs"):
        load_config(d)
    p.unlink()
    assert load_config(d).config_hash == load_config().config_hash
