"""The JSON Lines floor for real-shaped data: json.loads each line and json.dumps a 10-key object."""

import json
import sys


def main() -> None:
    write = sys.stdout.write
    loads, dumps = json.loads, json.dumps
    for line in sys.stdin:
        row = loads(line)
        write(dumps({**row, "level": "mid", "currency": "USD"}) + "\n")


if __name__ == "__main__":
    main()
