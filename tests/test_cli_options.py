"""Out-of-range numeric options stop with a message naming the option: no traceback, nothing
silently changed (click's ranges; no database is needed to refuse them)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lockstep.cli import SCALE, main
from samples.window import MIN_SCALE


@pytest.mark.parametrize(("args", "option"), [
    (["generate", "--out", "x", "--scale", "0.001"], "--scale"),
    (["generate", "--out", "x", "--scale", "-1"], "--scale"),
    (["generate", "--out", "x", "--seed", "-3"], "--seed"),
    (["demo", "--scale", "0"], "--scale"),
    (["demo", "--port", "70000"], "--port"),
    (["ingest", "x.json", "--batch-size", "-5"], "--batch-size"),
    (["ingest", "x.json", "--batch-size", "0"], "--batch-size"),
    (["ingest", "x.json", "--workers", "0"], "--workers"),
    (["detect", "--window", "-60"], "--windows"),
    (["detect", "--alpha", "2"], "--alpha"),
    (["detect", "--min-cluster-size", "1"], "--min-cluster-size"),
    (["export", "clusters", "--out", "x.csv", "--min-size", "-1"], "--min-size"),
    (["export", "clusters", "--out", "x.csv", "--min-score", "1.5"], "--min-score"),
    (["app", "--port", "0"], "--port"),
    (["db", "start", "--port", "99999"], "--port"),
    (["coordination", "--input", "IN", "--out", "o.csv", "--window", "-1"], "--window"),
])
def test_out_of_range_options_are_refused_with_the_option_named(args: list[str], option: str,
                                                                 tmp_path) -> None:  # noqa: ANN001
    source = tmp_path / "in.csv"
    source.write_text("object_id,account_id,content_id,timestamp_share\n")
    args = [str(source) if a == "IN" else a for a in args]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert option in result.output and "Traceback" not in result.output


def test_the_scale_range_is_the_generators() -> None:
    assert SCALE.min == MIN_SCALE
