"""python -m bench.heldout_world --out DIR --seed N --videos N [--format tiktok-api|zeeschuimer]"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import FORMATS, generate_world


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.heldout_world", description=__doc__)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", required=True, type=int)
    ap.add_argument("--videos", required=True, type=int)
    ap.add_argument("--format", default="tiktok-api", choices=FORMATS)
    args = ap.parse_args(argv)
    truth = generate_world(args.out, args.seed, args.videos, args.format)
    c = truth["counts"]
    print(f"{args.out}: {c['videos']} videos, {c['accounts']} accounts, {len(truth['cells'])} cells "
          f"({c['cell_accounts']} accounts), {len(truth['benign'])} benign classes "
          f"({c['benign_accounts']} accounts), window {truth['window']['days']} days")


if __name__ == "__main__":
    main()
