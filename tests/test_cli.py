"""CLI: ingest with a summary, query over the output, and one set of habits everywhere.

What every subcommand shares (``pipeline/cli.py``): the datasets folder is an argument,
what a command writes is ``-o``/``--html``, ``-h`` is help, ``--limit`` counts what is
printed; a user error (a path that cannot be written, a bad option value, a folder without
datasets) is one line and exit status 2, a traceback only with ``--debug``; piped output
keeps its lines whole; jixiao's own output is never read as input.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.main import get_command
from typer.testing import CliRunner

from pipeline.cli import app, print_summary
from pipeline.run import Summary, ingest_paths
from pipeline.write import read_dataset
from tests.conftest import ROOT, SAMPLE

runner = CliRunner()
SUBCOMMANDS = ("ingest", "query", "report", "export", "diff", "review")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "out"
    ingest_paths([SAMPLE], out, executor="inline")
    return out


def test_ingest_then_query(tmp_path: Path):
    out = tmp_path / "pq"
    r = runner.invoke(app, ["ingest", str(SAMPLE), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert "indicators" in r.output and "140" in r.output
    r = runner.invoke(app, ["query", "SELECT count(*) AS n FROM targets", str(out)])
    assert r.exit_code == 0 and "15" in r.output


def test_missing_path_and_bad_sql(tmp_path: Path):
    r = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "nope.txt" in r.output
    r = runner.invoke(app, ["query", "SELECT * FROM nothing", str(tmp_path)])
    assert r.exit_code == 2 and "error" in r.output


def test_failed_file_exits_nonzero_but_writes_the_rest(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    r = runner.invoke(app, ["ingest", str(SAMPLE), str(bad), "-o", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 1
    assert "bad.txt: empty file" in r.output
    assert (tmp_path / "o" / "indicators").is_dir()


# --- 1. a user error is one line, exit status 2 ------------------------------------------


def _writers(data: Path, dst: Path, tmp: Path) -> dict[str, list[str]]:
    """Every option of every subcommand that writes, pointed at ``dst``."""
    d = str(data)
    return {
        "ingest -o": ["ingest", str(SAMPLE), "-o", str(dst), "--executor", "inline"],
        "ingest --log": ["ingest", str(SAMPLE), "-o", str(tmp / "o"), "--log", str(dst)],
        "query -o": ["query", "SELECT 1 AS one", d, "-o", str(dst / "x.csv")],
        "report -o": ["report", d, "-o", str(dst / "report.html")],
        "export -o": ["export", d, "-o", str(dst / "indicators.xlsx")],
        "diff -o": ["diff", d, d, "-o", str(dst)],
        "diff --html": ["diff", d, d, "--html", str(dst / "diff.html")],
        "review --html": ["review", d, "--html", str(dst / "review.html")],
    }


@pytest.mark.parametrize(
    "writer",
    [
        "ingest -o",
        "ingest --log",
        "query -o",
        "report -o",
        "export -o",
        "diff -o",
        "diff --html",
        "review --html",
    ],
)
def test_unwritable_output_is_one_line_and_exit_2(data: Path, tmp_path: Path, writer: str):
    blocker = tmp_path / "a_file"  # a regular file where a folder should be: even root
    blocker.write_text("x", encoding="utf-8")  # cannot write under it
    args = _writers(data, blocker / "out", tmp_path)[writer]
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    [line] = r.stderr.splitlines()  # one line, naming the path and the reason
    assert line.startswith("error: ") and str(blocker) in line and "folder" in line, line
    assert "Traceback" not in r.output
    debug = runner.invoke(app, ["--debug", *args])
    assert isinstance(debug.exception, OSError), debug.output  # --debug: the real error


def test_user_errors_are_one_line_and_exit_2(data: Path, tmp_path: Path):
    cases = {
        ("report", str(tmp_path / "nope")): "no such output directory",
        ("diff", str(data), str(tmp_path / "nope")): "no such output directory",
        ("ingest", str(SAMPLE), "--jobs", "0"): "'-j' / '--jobs'",
        ("query", "SELECT 1", str(data), "--limit", "-1"): "'--limit'",
        ("diff", str(data), str(data), "--by", "file"): "'--by': 'file' is not one of",
        ("export", str(data), "--dataset", "budget"): "'--dataset': 'budget'",
        ("query", "DROP TABLE targets", str(data)): "only queries run here",
        ("ingest",): "Missing argument",
    }
    for args, reason in cases.items():
        r = runner.invoke(app, list(args))
        assert r.exit_code == 2, (args, r.output)
        [line] = r.stderr.splitlines()
        assert line.startswith("error: ") and reason in line, (args, line)
    r = runner.invoke(app, ["diff", str(data), str(data), "--by", "file"])
    assert "--fail-on" not in r.output  # the error names the option that was given


# --- 2. jixiao's own output is never an input ---------------------------------------------


def test_an_output_inside_the_input_folder_is_never_read(tmp_path: Path):
    proj = tmp_path / "proj"
    proj.mkdir()
    shutil.copy(SAMPLE, proj / "a.txt")
    out = proj / "out"
    for run in range(3):
        r = runner.invoke(app, ["ingest", str(proj), "-o", str(out), "--executor", "inline"])
        assert r.exit_code == 0, r.output
        docs = read_dataset(out, "documents").to_pylist()
        assert [d["source"] for d in docs] == ["a.txt"], (run, docs)
    assert re.search(rf"^not read\s+{re.escape(str(out))}: a jixiao output folder", r.stderr, re.M)
    # another ingest's output met among the inputs, and a file named inside one, neither
    other = tmp_path / "other"
    r = runner.invoke(app, ["ingest", str(tmp_path), "-o", str(other), "--executor", "inline"])
    assert r.exit_code == 0, r.output
    assert [d["path"] for d in read_dataset(other, "documents").to_pylist()] == [
        str(proj / "a.txt")
    ]
    part = next((out / "documents").glob("*.parquet"))
    r = runner.invoke(app, ["ingest", str(part), "-o", str(tmp_path / "third")])
    assert r.exit_code == 2 and "jixiao's own output" in r.stderr


# --- 3. one set of habits -------------------------------------------------------------------


@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_dash_h_is_help(cmd: str):
    for flag in ("-h", "--help"):
        r = runner.invoke(app, [cmd, flag])
        assert r.exit_code == 0 and f"Usage: root {cmd}" in r.output and "-h, --help" in r.output
    assert runner.invoke(app, ["-h"]).exit_code == 0


def test_the_datasets_folder_is_an_argument_of_every_subcommand(data: Path, tmp_path: Path):
    d = str(data)
    given = {
        "query": ["query", "SELECT count(*) AS n FROM targets", d],
        "report": ["report", d, "-o", str(tmp_path / "report.html")],
        "export": ["export", d, "-o", str(tmp_path / "x.csv")],
        "review": ["review", d],
        "diff": ["diff", d, d],
    }
    for cmd, args in given.items():
        r = runner.invoke(app, args)
        assert r.exit_code == 0, (cmd, r.output)
        r = runner.invoke(app, [*args, "-d", d])
        assert r.exit_code == 2 and "No such option: -d" in r.stderr, cmd
    # left out, it is data/parquet of the folder the command runs in
    (tmp_path / "data").mkdir()
    shutil.copytree(data, tmp_path / "data" / "parquet", symlinks=True)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        for cmd in ("query", "report", "export", "review"):
            r = runner.invoke(app, given[cmd][:1] + given[cmd][2:] if cmd != "query" else
                              given[cmd][:2])  # fmt: skip
            assert r.exit_code == 0, (cmd, r.output)
    finally:
        os.chdir(cwd)
    usage = {c: runner.invoke(app, [c, "-h"]).output.splitlines()[0] for c in given}
    assert usage["diff"].endswith("[OPTIONS] OLD NEW")
    assert usage["query"].endswith("[OPTIONS] SQL [DATA]")
    for cmd in ("report", "export", "review"):
        assert usage[cmd].endswith("[OPTIONS] [DATA]"), usage[cmd]


def test_one_meaning_per_option_name():
    group = get_command(app)
    meaning: dict[str, set[str]] = {}
    for cmd in group.commands.values():  # type: ignore[attr-defined]
        for p in cmd.params:
            if p.param_type_name == "option":
                for opt in p.opts:
                    meaning.setdefault(opt, set()).add(f"{p.bare_type()} {p.name}")
    assert meaning["--limit"] == {"int limit"}  # a count of what is printed, everywhere
    assert meaning["-o"] == {"Path out_dir", "Path out_file"}  # what the command writes
    assert "-d" not in meaning and "--data" not in meaning
    ingest = runner.invoke(app, ["ingest", "-h"]).output
    assert "--limit" not in ingest and "Seconds per page of a file" in " ".join(ingest.split())


def test_cli_defaults_are_the_pipeline_defaults():
    from pipeline import run

    params = {p.name: p.default for p in get_command(app).commands["ingest"].params}  # type: ignore[attr-defined]
    assert params["timeout"] == run.DEFAULT_TIMEOUT
    assert params["timeout_cap"] == run.DEFAULT_TIMEOUT_CAP
    assert params["max_mb"] * 2**20 == run.DEFAULT_MAX_BYTES
    assert params["part_docs"] == run.DEFAULT_PART_DOCS


# --- 7. output width ----------------------------------------------------------------------


def test_piped_output_keeps_every_line_whole(data: Path, tmp_path: Path):
    r = runner.invoke(app, ["review", str(data), "--limit", "3"])  # not a terminal
    assert r.exit_code == 0
    item = next(ln for ln in r.stdout.splitlines() if ln.lstrip().startswith("1. "))
    assert cell_len(item) > 80 and "外出调研轻车简从情况" in item and item.endswith("合规")
    long = tmp_path / ("a_long_folder_name_" * 4) / ("notice_" * 12 + ".ofd")
    long.parent.mkdir()
    long.write_bytes(b"not read")
    r = runner.invoke(app, ["ingest", str(SAMPLE), str(long), "-o", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    [skipped] = [ln for ln in r.stderr.splitlines() if re.match(r"skipped\s+1 \.ofd", ln)]
    assert long.name in skipped and "│" not in r.stderr  # a whole line, not a box


def test_the_summary_box_stays_within_the_terminal():
    s = Summary(documents=2, parsed=2, seconds=1.0, out_dir=Path("/tmp/out"))
    s.statuses.update(["ok", "skipped"])
    s.skipped = [("/very/long/" + "folder/" * 30 + "slides.pptx", "x", "unsupported")]
    s.dropped = ["/old/" + "x" * 200 + ".pdf"]
    buf = io.StringIO()
    print_summary(s, Console(file=buf, force_terminal=True, width=80))
    lines = buf.getvalue().splitlines()
    assert "┃" in buf.getvalue() or "│" in buf.getvalue()  # the box
    assert max(cell_len(re.sub(r"\x1b\[[0-9;]*m", "", ln)) for ln in lines) <= 80


# --- 8. small truths ------------------------------------------------------------------------


def test_an_unchanged_rerun_claims_no_rate(tmp_path: Path):
    args = ["ingest", str(SAMPLE), "-o", str(tmp_path / "o"), "--executor", "inline"]
    first = runner.invoke(app, args)
    assert re.search(r"^time\s+[\d.]+ s \([\d.]+ documents parsed/s\)$", first.stderr, re.M)
    again = runner.invoke(app, args)
    assert re.search(r"^time\s+[\d.]+ s \(nothing parsed: every document unchanged\)$",
                     again.stderr, re.M)  # fmt: skip
    assert "documents/s" not in again.stderr


# --- 9. start-up: what --version imports -------------------------------------------------


def fresh_python(code: str) -> str:
    """What ``code`` prints, run in a fresh interpreter (what a process imports is per
    process); stderr is in the error when it fails."""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_version_and_help_import_no_pipeline_stage_nor_dataframe_library():
    code = (
        "import sys\nfrom pipeline.cli import app\n"
        "for args in (['--version'], ['--help'], ['ingest', '--help']):\n"
        "    try:\n        app(args)\n    except SystemExit:\n        pass\n"
        "heavy = ('pandas', 'pyarrow', 'duckdb', 'numpy', 'pipeline.run', 'pipeline.interpret')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = fresh_python(code)
    assert out.strip().splitlines()[-1] == "[]", out


def test_an_ingest_of_text_never_imports_pandas_and_pandas_still_reads_its_output(tmp_path):
    # pyarrow imports pandas the first time it converts a list, unless told it has none
    # (write.arrow_without_pandas): 0.3 s of every ingest process, for nothing
    out = tmp_path / "o"
    code = (
        "import sys\nfrom pipeline.__main__ import main\n"
        f"sys.argv = ['jixiao', 'ingest', {str(SAMPLE)!r}, '-o', {str(out)!r}, '-q',"
        " '--executor', 'inline']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('pandas' in sys.modules)\n"
        "from pipeline.write import read_dataset\n"
        "df = read_dataset(sys.argv[4], 'indicators').to_pandas()\n"
        "print(type(df).__name__, len(df) > 0)"
    )
    assert fresh_python(code).split() == ["False", "DataFrame", "True"]


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["ingest", "a.txt"], "ingest"),
        (["--debug", "ingest", "a.txt", "-o", "out"], "ingest"),
        (["--version"], None),
        (["query", "SELECT 1"], "query"),
    ],
)
def test_the_command_word_is_the_first_word_that_is_not_a_flag(args, word):
    from pipeline.__main__ import command_word

    assert command_word(args) == word
