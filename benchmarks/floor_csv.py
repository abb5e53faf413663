"""The CSV floor: csv.reader to csv.writer, every column in and out plus 10 new ones per row."""

import csv
import sys

NEW = ["mid", "USD", 180000, 220000, 260000, 207000, 272500, 338000, 248400, "location sf +15%..+30%"]


def main() -> None:
    reader = csv.reader(sys.stdin)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([*next(reader), *(f"new_{i}" for i in range(10))])
    for row in reader:
        writer.writerow(row + NEW)


if __name__ == "__main__":
    main()
