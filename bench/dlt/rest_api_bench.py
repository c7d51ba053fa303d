"""dlt's side of the benchmark: one rest_api_source config, extracted and loaded into duckdb.

Run by bench/dlt.ts (a child process, so its wall clock and peak RSS are its own) with the very
config rest2kafka runs (bench/shapes.ts writes both); prints one JSON line on stdout:
{"dlt": version, "seconds": {"extract", "normalize", "load"}, "counts": {resource: rows}}.

    python bench/dlt/rest_api_bench.py --source source.json --workdir /tmp/x
"""
import argparse
import json
import os
import time

import dlt
from dlt.sources.rest_api import rest_api_source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True, help="JSON file: the rest_api_source config")
    parser.add_argument("--workdir", required=True, help="fresh directory for dlt's state and the duckdb file")
    args = parser.parse_args()
    with open(args.source, encoding="utf-8") as f:
        config = json.load(f)

    # A fresh pipelines_dir: no state from an earlier run, so every run is a first, full load.
    pipeline = dlt.pipeline(
        pipeline_name="rest2kafka_bench",
        destination=dlt.destinations.duckdb(os.path.join(args.workdir, "load.duckdb")),
        dataset_name="bench",
        pipelines_dir=os.path.join(args.workdir, "pipelines"),
    )
    # pipeline.run() is these three steps; timed apart to show where dlt spends its time.
    seconds = {}
    for step, call in (("extract", lambda: pipeline.extract(rest_api_source(config))), ("normalize", pipeline.normalize), ("load", pipeline.load)):
        started = time.perf_counter()
        call()
        seconds[step] = round(time.perf_counter() - started, 3)

    with pipeline.sql_client() as client:
        counts = {r["name"]: client.execute_sql(f'SELECT count(*) FROM "{r["name"]}"')[0][0] for r in config["resources"]}
    print(json.dumps({"dlt": dlt.__version__, "seconds": seconds, "counts": counts}))


if __name__ == "__main__":
    main()
