"""Loads a rest_api_source config with real dlt into duckdb and prints each resource's root table.

The other side of spec/integration/delivery/replay-dlt.spec.ts: the DuckDB table that
`rest2kafka replay --to duckdb:` builds is compared with what dlt loads from the same API.
Prints one JSON object on stdout: {"dlt": version, "tables": {resource: [row, ...]}}; dates and
times as ISO 8601 text, other values as dlt stored them.

    python load_rows.py --source source.json --workdir /tmp/x
"""
import argparse
import datetime
import decimal
import json
import os

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
    args = parser.parse_args()
    with open(args.source, encoding="utf-8") as f:
        config = json.load(f)
    # A fresh pipelines_dir: no state from an earlier run, so this is a first, full load.
    pipeline = dlt.pipeline(
        pipeline_name="rest2kafka_compare",
        destination=dlt.destinations.duckdb(os.path.join(args.workdir, "dlt.duckdb")),
        dataset_name="compare",
        pipelines_dir=os.path.join(args.workdir, "pipelines"),
    )
    pipeline.run(rest_api_source(config))
    tables = {}
    with pipeline.sql_client() as client:
        for resource in config["resources"]:
            with client.execute_query(f'SELECT * FROM "{resource["name"]}"') as cursor:
                names = [c[0] for c in cursor.description]
                tables[resource["name"]] = [dict(zip(names, row)) for row in cursor.fetchall()]
    print(json.dumps({"dlt": dlt.__version__, "tables": tables}, default=plain))


if __name__ == "__main__":
    main()
