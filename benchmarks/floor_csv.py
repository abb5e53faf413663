"""The CSV floor: csv.reader to csv.writer, every column in and out plus an estimate's cells.

    python floor_csv.py ESTIMATE.csv < rows.csv

ESTIMATE.csv is one estimate as mlcomp writes it in CSV (a header and a row; bench.py asks the
mlcomp it measures), so the floor writes rows of the same columns and the same size as mlcomp's."""

import csv
import sys


def main(pad_path: str) -> None:
    with open(pad_path, encoding="utf-8", newline="") as f:
        names, cells = list(csv.reader(f))
    reader = csv.reader(sys.stdin)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([*next(reader), *names])
    for row in reader:
        writer.writerow(row + cells)


if __name__ == "__main__":
    main(sys.argv[1])
