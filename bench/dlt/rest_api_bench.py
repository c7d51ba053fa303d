"""Loads a rest_api_source config with real dlt into duckdb: dlt's side of the comparisons.

Used by the bench (bench/dlt.ts: time and row counts beside a rest2kafka run of the same config)
and by spec/integration/delivery/replay-dlt.spec.ts (with --rows: the tables that
`rest2kafka replay --to duckdb:` must match). Each run is a first, full load: a fresh
pipelines_dir, so no state from an earlier run. Prints one JSON object on stdout:
{"dlt": version, "seconds": {"extract", "normalize", "load"}, "counts": {resource: rows}} and,
with --rows, "tables": {resource: [row, ...]} (dates and times as ISO 8601 text, other values
as dlt stored them).

    python scripts/dlt/rest_api_load.py --source source.json --workdir /tmp/x [--rows]
"""
import argparse
import datetime
import decimal
import json
import os
import time

import dlt
from dlt.sources.rest_api import rest_api_source


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True, help="JSON file: the rest_api_source config")
    parser.add_argument("--workdir", required=True, help="fresh directory for dlt's state and the duckdb file")
    parser.add_argument("--rows", action="store_true", help="also print every row of each resource's root table")
    args = parser.parse_args()
    with open(args.source, encoding="utf-8") as f:
        config = json.load(f)

    pipeline = dlt.pipeline(
        pipeline_name="rest2kafka_dlt",
        destination=dlt.destinations.duckdb(os.path.join(args.workdir, "dlt.duckdb")),
        dataset_name="rest2kafka",
        pipelines_dir=os.path.join(args.workdir, "pipelines"),
    )
    # pipeline.run() is these three steps; timed apart to show where dlt spends its time.
    seconds = {}
    for step, call in (("extract", lambda: pipeline.extract(rest_api_source(config))), ("normalize", pipeline.normalize), ("load", pipeline.load)):
        started = time.perf_counter()
        call()
        seconds[step] = round(time.perf_counter() - started, 3)

    names = [r["name"] for r in config["resources"]]
    out = {"dlt": dlt.__version__, "seconds": seconds}
    with pipeline.sql_client() as client:
        out["counts"] = {name: client.execute_sql(f'SELECT count(*) FROM "{name}"')[0][0] for name in names}
        if args.rows:
            out["tables"] = {}
            for name in names:
                with client.execute_query(f'SELECT * FROM "{name}"') as cursor:
                    columns = [c[0] for c in cursor.description]
                    out["tables"][name] = [dict(zip(columns, row)) for row in cursor.fetchall()]
    print(json.dumps(out, default=plain))


if __name__ == "__main__":
    main()
