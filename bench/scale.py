"""Every speed benchmark at growing sizes, each ratio beside its aim, written to docs/benchmarks.md with a chart.

    uv run python bench/scale.py                            # 1M, 3M and 10M rows
    uv run python bench/scale.py --sizes 1000000 --stages landing,push
    uv run python bench/scale.py --landing-only-above 3000000  # 10M rows for landing alone
    uv run python bench/scale.py --sizes 1000000 --stages push --keep-others   # one stage again, the rest kept
    uv run python bench/scale.py --quick --output /tmp/b    # a smoke run of a few thousand rows

Runs on an embedded PostgreSQL in a data directory of its own, removed afterwards (name one with HUBEI_DATA_DIR to
keep it); each size lands on top of the sizes before it (the
first records are sent again), so the builds at a size read the history of every size so far. Ratios compare rates
with a plain COPY of the same rows on the same server in the same run, so they hold across machines; seconds do
not. Each stage starts on a quiet server: what the stages before wrote is vacuumed and written out first
(a checkpoint), untimed. Peak memory is the resident size of the largest process of the stage.
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))

import incremental_speed
import ingest_speed
import landing_speed
import orchestration_speed
import push_throughput
from quiet import vacuumed

from hubei_data import embedded, warehouse

SIZES = (1_000_000, 3_000_000, 10_000_000)
QUICK = (2_000,)
STAGES = ("landing", "xlsx", "ingest", "orchestration", "incremental", "push")
# Excel's own limit: a workbook sheet holds at most 1,048,576 rows.
XLSX_ROWS = 1_048_575


@dataclass(frozen=True)
class Measure:
    stage: str
    rows: int
    seconds: float
    ratio: float
    aim: float
    peak_mb: float | None = None
    against: str = "COPY"

    @property
    def met(self) -> bool:
        return self.ratio >= self.aim


def run(sizes: tuple[int, ...], stages: tuple[str, ...], scratch: Path,
        landing_only_above: int | None = None) -> list[Measure]:
    url = warehouse.connect_info().url
    subprocess.run([ingest_speed.CLI, "db", "upgrade"], check=True, capture_output=True)
    token = ingest_speed.operator_token(url) if {"ingest", "incremental"} & set(stages) else None
    found = []
    for rows in sizes:
        now = ("landing",) if landing_only_above and rows > landing_only_above else stages
        copied = {}
        for encoding in landing_speed.ENCODINGS:
            if "landing" not in now and encoding != "utf-8":
                continue
            path = landing_speed.write_csv(url, scratch / f"vaccination_{rows}_{encoding[:5]}.csv", rows, encoding)
            copied[encoding] = landing_speed.plain_copy(url, path, encoding)
            if "landing" in now:
                seconds, landed, peak = landing_speed.land(url, path)
                assert landed == rows, (landed, rows)
                found.append(_report(Measure(f"landing CSV {encoding}", rows, seconds, copied[encoding] / seconds,
                                             0.5, peak)))
        utf8 = scratch / f"vaccination_{rows}_utf-8.csv"
        if "xlsx" in now and rows <= XLSX_ROWS and rows == min(sizes):
            book = landing_speed.write_xlsx(scratch / f"vaccination_{rows}.xlsx", utf8)
            seconds, _, peak = landing_speed.land(url, book)
            found.append(_report(Measure("landing XLSX", rows, seconds, copied["utf-8"] / seconds, 0.0, peak)))
        if "ingest" in now:
            vacuumed(url)
            seconds, peak = ingest_speed.ingest(utf8, rows, token)
            found.append(_report(Measure("ingest command", rows, seconds, copied["utf-8"] / seconds, 0.1, peak)))
        if "orchestration" in now:
            runs = orchestration_speed.measure(url)
            plain, orchestrated = runs["full"]
            found.append(_report(Measure("Dagster run of a full build", rows, orchestrated, plain / orchestrated,
                                         round(1 / 1.15, 2), against="dbt build")))
            plain, orchestrated = runs["nothing new"]
            found.append(_report(Measure("Dagster run, nothing new", rows, orchestrated, plain / orchestrated, 0.0,
                                         against="dbt build")))
        if "incremental" in now:
            if "ingest" not in now:
                incremental_speed.land_history(utf8, token)
            vacuumed(url)
            full, daily = incremental_speed.measure(rows, scratch, token)
            found.append(_report(Measure("full build", rows, full, 0.0, 0.0, against="")))
            found.append(_report(Measure("day's build, 1% of rows", rows, daily, full / daily, 20.0,
                                         against="full build ÷ day's")))
        if "push" in now:
            vacuumed(url)
            pushed = push_throughput.measure(rows)
            for kind, label in (("push", "push, first load"), ("merge", "push, all rows changed")):
                found.append(_report(Measure(label, rows, pushed[kind], pushed["copy"] / pushed[kind], 0.5)))
        for path in scratch.glob(f"vaccination_{rows}_*"):
            path.unlink()
    return found


def _report(measure: Measure) -> Measure:
    peak = f"  peak {measure.peak_mb:5.0f} MB" if measure.peak_mb else ""
    aim = f"aim ≥ {measure.aim:.2f} {'met' if measure.met else 'NOT MET'}" if measure.aim else "no aim"
    print(f"{measure.stage:24} {measure.rows:>11,} rows {measure.seconds:8.2f} s  {measure.rows / measure.seconds:>11,.0f}"
          f" rows/s  {f'{measure.ratio:5.2f} × {measure.against}' if measure.against else ''}  ({aim}){peak}",
          flush=True)
    return measure


def write_chart(found: list[Measure], output: Path) -> None:
    """benchmarks.png: seconds against rows for each stage, both axes logarithmic, so that a stage taking seconds
    and one taking half an hour are both seen, and a stage whose line runs parallel to the dashed one grows in
    proportion to the rows."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import FuncFormatter, NullFormatter

    figure, axes = pyplot.subplots(figsize=(9.5, 5))
    for number, stage in enumerate(dict.fromkeys(m.stage for m in found)):
        points = sorted((m.rows, m.seconds) for m in found if m.stage == stage)
        # ten colours go round: the stages after the tenth are told apart by their marks
        axes.plot([r for r, _ in points], [s for _, s in points], marker="os^"[number // 10 % 3], label=stage)
    sizes = sorted({m.rows for m in found})
    if len(sizes) > 1:
        first = sorted(m.seconds for m in found if m.rows == sizes[0])
        start = first[len(first) // 2]
        axes.plot([sizes[0], sizes[-1]], [start, start * sizes[-1] / sizes[0]], linestyle="--", color="grey",
                  label="in proportion to rows")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sizes)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda rows, _: _rows_label(rows)))
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.yaxis.set_major_formatter(FuncFormatter(lambda seconds, _: f"{seconds:g}"))
    axes.set_xlabel("rows (log scale)")
    axes.set_ylabel("seconds (log scale)")
    axes.set_title("Time against rows, per stage")
    axes.grid(alpha=0.3, which="both")
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.tight_layout()
    figure.savefig(output / "benchmarks.png", dpi=120)
    pyplot.close(figure)


def _rows_label(rows: float) -> str:
    """2k, 1M, 10M: row counts as the chart's axis shows them."""
    for size, unit in ((1_000_000, "M"), (1_000, "k")):
        if rows >= size:
            return f"{rows / size:g}{unit}"
    return f"{rows:g}"


def write_docs(found: list[Measure], output: Path, kept: int = 0) -> None:
    """docs/benchmarks.md: the table and the chart (write_chart); `kept` rows of it were measured by earlier runs."""
    output.mkdir(parents=True, exist_ok=True)
    write_chart(found, output)
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today()} by `{' '.join(['uv run python bench/scale.py', *sys.argv[1:]])}`"
        f" on {_machine()}"
        + (f", with {kept} rows of the table kept from earlier runs (benchmarks.json)" if kept else "")
        + ". Ratios compare each stage's"
        " rate with a plain `COPY` of the same rows into a table of text columns on the same server in the same"
        " run, and a Dagster run of the dbt models and their tests with `dbt build` of the same models, both from"
        " scratch (and, with no aim, both with nothing new to take: what a run costs whatever it builds);"
        " the day's build (1% of the history's rows new or changed, built incrementally) is compared with a full"
        " build of every model downstream of raw vaccination over the same history, both plain `dbt build`;"
        " each stage starts once what the stages before it wrote is vacuumed and written out (a checkpoint), untimed;"
        " peak memory is the resident size of the stage's largest process.",
        "",
        "![seconds against rows per stage, both axes logarithmic](benchmarks.png)",
        "",
        "Both axes of the chart are logarithmic: a stage whose line runs parallel to the dashed one grows in"
        " proportion to the rows.",
        "",
        "| stage | rows | seconds | rows/s | ratio | against | aim | peak MB |",
        "|---|--:|--:|--:|--:|---|--:|--:|",
    ]
    for m in found:
        aim = f"≥ {m.aim:.2f} {'✓' if m.met else '✗'}" if m.aim else "—"
        peak = f"{m.peak_mb:.0f}" if m.peak_mb else "—"
        ratio = f"{m.ratio:.2f}" if m.against else "—"
        lines.append(f"| {m.stage} | {m.rows:,} | {m.seconds:.2f} | {m.rows / m.seconds:,.0f} | {ratio} |"
                     f" {m.against or '—'} | {aim} | {peak} |")
    (output / "benchmarks.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (output / "benchmarks.json").write_text(json.dumps([asdict(m) for m in found], indent=1),
                                            encoding="utf-8")


def _kept(output: Path, measured: set[tuple[str, int]]) -> list[Measure]:
    """The last run's measures of the stages and sizes this run did not measure."""
    saved = output / "benchmarks.json"
    earlier = [Measure(**fields) for fields in json.loads(saved.read_text(encoding="utf-8"))] if saved.exists() else []
    return [m for m in earlier if (m.stage, m.rows) not in measured]


def _machine() -> str:
    return (f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB,"
            f" {platform.system()} {platform.machine()}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/scale.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(map(str, QUICK))} rows: a smoke run")
    parser.add_argument("--sizes", help="comma-separated row counts (default: 1M, 3M, 10M)")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"any of {', '.join(STAGES)}")
    parser.add_argument("--keep-others", action="store_true",
                        help="keep the page's last measures (benchmarks.json) of stages and sizes not measured now")
    parser.add_argument("--landing-only-above", type=int, metavar="ROWS",
                        help="at sizes above ROWS measure landing alone (its memory at ten million rows, say)")
    parser.add_argument("--output", type=Path, default=Path(__file__).parents[1] / "docs",
                        help="where benchmarks.md and its chart go")
    args = parser.parse_args()
    stages = tuple(args.stages.split(","))
    if unknown := set(stages) - set(STAGES):
        parser.error(f"unknown stages: {', '.join(sorted(unknown))}")
    if "orchestration" in stages and "ingest" not in stages:
        parser.error("the orchestration stage builds on what the ingest stage landed: name it too")
    sizes = QUICK if args.quick else tuple(int(n) for n in args.sizes.split(",")) if args.sizes else SIZES
    own = warehouse.DIR_VARIABLE not in os.environ
    data = Path(os.environ.setdefault(warehouse.DIR_VARIABLE, tempfile.mkdtemp(prefix="hdbench")))
    try:
        with tempfile.TemporaryDirectory(prefix="hdbench_files") as scratch:
            found = run(sizes, stages, Path(scratch), args.landing_only_above)
    finally:
        if own:
            embedded.release(data / "pg")
            shutil.rmtree(data, ignore_errors=True)
    kept = _kept(args.output, {(m.stage, m.rows) for m in found}) if args.keep_others else []
    write_docs(sorted(kept + found, key=lambda m: m.rows), args.output, len(kept))
    print(f"wrote {args.output / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
