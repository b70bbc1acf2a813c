"""One generation run: every source in reference order, then the truth file."""

import datetime as dt
from pathlib import Path

import psycopg

from hubei_data.synth import children, cosmetics, devices, drugs, enterprises, licenses, sampling, supervision
from hubei_data.synth.parts import Outputs
from hubei_data.synth.report import TRUTH_FILE, GenerationReport, write_truth
from hubei_data.synth.world import World

DEFAULT_SCHEMA = "source_systems"

# Enterprises before what they hold, drug products before the samples of them.
_ORDER = (enterprises, licenses, drugs, cosmetics, devices, supervision, sampling, children)


def generate(
    out_dir: Path,
    *,
    seed: int = 1,
    scale: float = 1.0,
    as_of: dt.date,
    conn: psycopg.Connection | None,
    schema: str = DEFAULT_SCHEMA,
    defect_rate: float = 0.03,
) -> GenerationReport:
    """Synthetic source data with known defects, for testing the platform end to end.

    Database-channel sources become tables `<schema>.<source>` in `conn` (recreated each
    run), file-channel sources landing files under `out_dir/<source>/`, and every
    database source also one supplementary file. Equal (seed, scale, as_of, defect_rate)
    give byte-identical files and identical tables. Without `conn`, only files are written.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    if not 0 <= defect_rate < 0.3:
        raise ValueError(f"defect_rate must be in [0, 0.3), got {defect_rate}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = World(seed=seed, scale=scale, as_of=as_of, defect_rate=defect_rate)
    outputs = Outputs(world, out_dir, conn, schema)
    if conn is None:
        _run(world, outputs)
    else:
        with conn.transaction():
            _run(world, outputs)
    write_truth(out_dir / TRUTH_FILE, world.defects)
    return GenerationReport(rows=outputs.rows(), files=list(outputs.files), defects=world.defects)


def _run(world: World, outputs: Outputs) -> None:
    try:
        for module in _ORDER:
            module.generate(world, outputs)
    finally:
        outputs.close()
