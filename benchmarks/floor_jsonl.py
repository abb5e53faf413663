"""The JSON Lines floor: json.loads each line, json.dumps the row with an estimate's keys after it.

    python floor_jsonl.py ESTIMATE.json < rows.jsonl

ESTIMATE.json is one estimate as mlcomp writes it (bench.py asks the mlcomp it measures), so the
floor writes rows of the same keys and the same size as mlcomp's."""

import json
import sys


def main(pad_path: str) -> None:
    with open(pad_path, encoding="utf-8") as f:
        pad = json.load(f)
    write = sys.stdout.write
    loads, dumps = json.loads, json.dumps
    for line in sys.stdin:
        row = loads(line)
        write(dumps({**row, **pad}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
