"""The batch floor: read JSON Lines from stdin with json.loads, write an object of about the size
of an mlcomp estimate with json.dumps, one per line."""

import json
import sys

PAD = {"level": "mid", "years": 4, "currency": "USD",
       "band": {"low": 180000, "mid": 220000, "high": 260000},
       "base": {"low": 207000, "mid": 272500, "high": 338000},
       "total_comp": {"low": 248400, "mid": 360800, "high": 473200}}


def main() -> None:
    write = sys.stdout.write
    for line in sys.stdin:
        row = json.loads(line)
        write(json.dumps({**row, **PAD, "adjustments": [{"factor": "location", "key": row.get("city"),
                                                           "low": 0.15, "high": 0.3, "source": "x" * 110,
                                                           "assumption": "y" * 100}]}) + "\n")


if __name__ == "__main__":
    main()
