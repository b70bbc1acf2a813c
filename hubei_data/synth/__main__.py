"""`python -m hubei_data.synth OUT_DIR --scale 10 --as-of 2025-03-31 [--database]`: generate and time it."""

import argparse
import datetime as dt
import time
from collections import Counter
from pathlib import Path

from hubei_data import warehouse
from hubei_data.synth.pipeline import DEFAULT_SCHEMA, generate


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m hubei_data.synth", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--defect-rate", type=float, default=0.03)
    parser.add_argument("--database", action="store_true", help="also load the warehouse's source tables")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    args = parser.parse_args()
    conn = warehouse.connect() if args.database else None
    started = time.perf_counter()
    try:
        report = generate(
            args.out_dir, seed=args.seed, scale=args.scale, as_of=args.as_of, conn=conn,
            schema=args.schema, defect_rate=args.defect_rate,
        )
    finally:
        if conn is not None:
            conn.close()
    seconds = time.perf_counter() - started
    total = sum(sum(channels.values()) for channels in report.rows.values())
    for source, channels in report.rows.items():
        print(f"{source:22} " + "  ".join(f"{channel}={count}" for channel, count in sorted(channels.items())))
    print(f"{len(report.files)} files, {len(report.defects)} defects: {dict(Counter(d.rule for d in report.defects))}")
    vaccinations = report.rows.get("vaccination", {}).get("database", 0)
    print(f"{total} rows in {seconds:.1f} s: {total / seconds:,.0f} rows/s overall"
          + (f", {vaccinations} vaccinations" if vaccinations else ""))


if __name__ == "__main__":
    main()
