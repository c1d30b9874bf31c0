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
