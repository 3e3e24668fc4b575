"""The detection grid's run-to-run comparison (bench/detection_quality.py --compare): the same
incidents, side by side, and nothing else (medians over different incidents do not compare)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("detection_quality",
                                                  ROOT / "bench" / "detection_quality.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _row(seed: int, precision: float, recall: float, ari: float, method: str = "lockstep") -> dict:
    return {"world": "heldout", "seed": seed, "videos": 10_000, "method": method,
            "precision": precision, "recall": recall, "ari": ari}


def test_compare_counts_changes_on_the_incidents_both_runs_have(capsys) -> None:
    quality = _module()
    earlier = [_row(1, 1.0, 0.5, 0.6), _row(2, 0.9, 0.8, 0.9), _row(3, 1.0, 1.0, 1.0),
               _row(1, 0.1, 0.9, 0.0, method="coortweet")]
    now = [_row(1, 1.0, 0.75, 0.6), _row(2, 0.8, 0.8, 0.95), _row(4, 0.2, 0.1, 0.1)]
    lines = quality.compare(now, earlier)
    assert lines[0].startswith("\nSame incidents as the earlier run (2): ")
    assert "precision up on 0, down on 1; recall up on 1, down on 0; ari up on 1, down on 0" in lines[0]
    assert lines[1:] == ["* heldout seed 1 at 10,000 videos: recall 0.500 -> 0.750",
                         "* heldout seed 2 at 10,000 videos: precision 0.900 -> 0.800, "
                         "ari 0.900 -> 0.950"]
    assert "seed 4" not in capsys.readouterr().out  # only in one run: not compared
