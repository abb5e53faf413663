"""Write docs/errors.md: every kind of bad input, with the exact message and exit code mlcomp gives.

Each case is run for real (a shell runs `mlcomp ...` as a user would type it, in a scratch
directory holding the case's files), so the table shows what the tool prints today.
tests/test_errors_doc.py fails when docs/errors.md differs from a fresh run.

    python docs/make_errors.py          # rewrite docs/errors.md
    python docs/make_errors.py --check  # exit 1 if it is out of date

To cover a new command (offer files, inline offers, batch rows, ...), add Case rows to CASES.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

DOC = Path(__file__).with_name("errors.md")
# The installed command (so messages say 'mlcomp', as a user sees them), else the module.
SCRIPT = Path(sys.executable).with_name("mlcomp")
TOOL = f'"{SCRIPT}"' if SCRIPT.exists() else f'"{sys.executable}" -m mlcomp'


@dataclass(frozen=True)
class Case:
    kind: str  # the group of the table it goes in
    what: str  # the bad input, in words
    command: str  # as typed in a shell; `mlcomp` is the tool
    files: dict[str, bytes] = field(default_factory=dict)  # written to the scratch directory first


def bands(text: str) -> dict[str, bytes]:
    return {"bands.toml": text.encode()}


def offers(a: str, b: bytes) -> dict[str, bytes]:
    return {"a.toml": a.encode(), "b.toml": b}


B_TOML = b'name = "B"\nbase = "250k"\n'
PEOPLE = b"id,years,city\n1,4,sf\n2,forty,sf\n3,6,nyc\n"

CITY = '[cities.boston]\nlabel = "Boston"\nlow = 0.10\nhigh = 0.15\nassumption = "Our own survey."\n'
LEVEL = '[levels.mid]\nlabel = "Mid"\nyears_from = 3\nyears_to = 6\nlow = 180000\nhigh = 260000\nassumption = "x"\n'

CASES = [
    Case("Options", "No command", "mlcomp"),
    Case("Options", "Unknown command", "mlcomp estimat -y 4"),
    Case("Options", "Unknown option", "mlcomp estimate --yeers 4"),
    Case("Options", "Option without its value", "mlcomp estimate --years"),
    Case("Options", "Neither --years nor --level", "mlcomp estimate"),
    Case("Options", "Years out of range", "mlcomp estimate --years 99"),
    Case("Options", "Years not a number", "mlcomp estimate --years four"),
    Case("Options", "Years not finite", "mlcomp estimate --years nan"),
    Case("Options", "Unknown city, close to a known one", "mlcomp estimate -y 4 --city seatle"),
    Case("Options", "Unknown tier", "mlcomp estimate -y 4 --tier google"),
    Case("Options", "Unknown level", "mlcomp estimate --level lead"),
    Case("Options", "A plain startup (the guide's top tier is a well-funded AI startup)",
         "mlcomp estimate -y 4 --tier startup"),
    Case("Options", "Unknown ML focus", "mlcomp estimate -y 4 --ml-focus research"),
    Case("Options", "Unknown format", "mlcomp estimate -y 4 --format xml"),
    Case("Options", "Unknown --field path", "mlcomp estimate -y 4 --field base.median"),
    Case("Options", "An option of another command", "mlcomp curve --years 4"),
    Case("Options", "A global option after the command", "mlcomp estimate --bands my-bands.toml -y 4"),
    Case("Options", "--explain with --field", "mlcomp estimate -y 4 --explain --field base.mid"),
    Case("Options", "--field with --format", "mlcomp estimate -y 4 --field base.mid --format csv"),
    Case("Options", "--on-error without --input", "mlcomp estimate -y 4 --on-error skip"),
    Case("Options", "--input-format without --input", "mlcomp estimate -y 4 --input-format csv"),
    Case("Options", "A state that does not exist", "mlcomp estimate -y 4 --after-tax --state CX"),
    Case("Options", "A filing status not in the list", "mlcomp estimate -y 4 --after-tax --filing widow"),
    Case("Options", "--state without --after-tax", "mlcomp estimate -y 4 --state CA"),
    Case("Options", "An empty --export name", "mlcomp estimate -y 4 --export ''"),
    Case("Options", "A newline in a value", "mlcomp estimate -y 4 --city $'s\\nf'"),
    Case("Options", "An escape sequence in a value", "mlcomp estimate -y 4 --city $'\\e[31mred'"),
    Case("Options", "A value of 5,000 digits", "mlcomp estimate --years $(printf '9%.0s' {1..5000})"),
    Case("Options", "A value of 100,000 characters", "mlcomp estimate -y 4 --city $(printf 'x%.0s' {1..100000})"),
    Case("Bands files", "File does not exist", "mlcomp --bands missing.toml estimate -y 4"),
    Case("Bands files", "File does not exist (from the environment)",
         "MLCOMP_BANDS=missing.toml mlcomp estimate -y 4"),
    Case("Bands files", "A directory", "mlcomp --bands . estimate -y 4"),
    Case("Bands files", "An empty file name", "mlcomp --bands '' estimate -y 4"),
    Case("Bands files", "Nested 10,000 deep (on stdin)",
         "mlcomp --bands - estimate -y 4 < <(printf 'a = '; printf '[%.0s' {1..10000})"),
    Case("Bands files", "A number of 5,000 digits (on stdin)",
         "mlcomp --bands - estimate -y 4 < <(printf '[levels.mid]\\nlow = '; printf '9%.0s' {1..5000})"),
    Case("Bands files", "Dollars above $1,000,000,000", "mlcomp --bands bands.toml estimate -y 4",
         bands(LEVEL.replace("260000", "1000000001"))),
    Case("Bands files", "'-' for --bands and for an offer", "mlcomp --bands - compare - b.toml < b.toml",
         {"b.toml": B_TOML}),
    Case("Bands files", "TOML syntax error", "mlcomp --bands bands.toml estimate -y 4",
         bands('[cities.boston]\nlabel = "Boston"\nlow = \n')),
    Case("Bands files", "Unknown (misspelt) key", "mlcomp --bands bands.toml estimate -y 4",
         bands(CITY.replace("assumption", "asumption"))),
    Case("Bands files", "No `source` and no `assumption`", "mlcomp --bands bands.toml estimate -y 4",
         bands(CITY.replace('assumption = "Our own survey."\n', ""))),
    Case("Bands files", "Missing key", "mlcomp --bands bands.toml estimate -y 4",
         bands(CITY.replace("high = 0.15\n", ""))),
    Case("Bands files", "Number in quotes", "mlcomp --bands bands.toml estimate -y 4",
         bands(CITY.replace("low = 0.10", 'low = "0.10"'))),
    Case("Bands files", "NaN or infinity", "mlcomp --bands bands.toml estimate -y 4",
         bands(CITY.replace("low = 0.10", "low = nan"))),
    Case("Bands files", "Dollars not whole", "mlcomp --bands bands.toml estimate -y 4",
         bands(LEVEL.replace("180000", "180000.5"))),
    Case("Bands files", "Negative dollars", "mlcomp --bands bands.toml estimate -y 4",
         bands(LEVEL.replace("180000", "-180000"))),
    Case("Bands files", "low above high", "mlcomp --bands bands.toml estimate -y 4",
         bands(LEVEL.replace("low = 180000\nhigh = 260000", "low = 260000\nhigh = 180000"))),
    Case("Bands files", "Gap in the years", "mlcomp --bands bands.toml estimate -y 4",
         bands(LEVEL.replace("years_from = 3", "years_from = 4"))),
    Case("Bands files", "Overlap in the years", "mlcomp --bands bands.toml estimate -y 4",
         bands(LEVEL.replace("years_from = 3", "years_from = 2"))),
    Case("Bands files", "Typical pay that would drop at a promotion", "mlcomp --bands bands.toml estimate -y 4",
         bands(LEVEL + '[levels.mid.typical]\nstart = 0.3\nend = 0.9\nassumption = "x"\n')),
    Case("Bands files", "Alias used twice", "mlcomp --bands bands.toml estimate -y 4",
         bands(CITY + 'aliases = ["sf"]\n')),
    Case("Bands files", "Premiums that would turn a band upside down", "mlcomp --bands bands.toml estimate -y 4",
         bands('[remote_first]\nlabel = "Remote-first"\nlow = 0.5\nhigh = 0.0\nassumption = "x"\n')),
    Case("Bands files", "500 bad entries: the first 10 problems and a count", "mlcomp --bands bands.toml estimate -y 4",
         bands("".join(f'[cities.c{i}]\nlabel = "C"\nlow = "x"\nhigh = 0.1\nassumption = "a"\n' for i in range(500)))),
    Case("Bands files", "`bands --check` on a broken file: every problem, one per line (on stdout: the "
         "check's result)", "mlcomp bands --check bands.toml >&2",
         bands(CITY.replace("assumption", "asumption") + LEVEL.replace("180000", "-180000"))),
    Case("Offer files", "TOML syntax error", "mlcomp compare a.toml b.toml",
         offers('name = "A"\nbase = \n', B_TOML)),
    Case("Offer files", "JSON syntax error", "mlcomp compare a.json b.toml",
         {"a.json": b'{"name": "A",\n "base": 1\n', "b.toml": B_TOML}),
    Case("Offer files", "Unknown (misspelt) key", "mlcomp compare a.toml b.toml",
         offers('name = "A"\nbase = "240k"\nbnous = "15%"\n', B_TOML)),
    Case("Offer files", "No base", "mlcomp compare a.toml b.toml", offers('name = "A"\n', B_TOML)),
    Case("Offer files", "Vesting not summing to 100", "mlcomp compare a.toml b.toml",
         offers('base = "240k"\nvesting = [25, 25, 25]\n', B_TOML)),
    Case("Offer files", "Vesting as fractions", "mlcomp compare a.toml b.toml",
         offers('base = "240k"\nvesting = [0.25, 0.25, 0.25, 0.25]\n', B_TOML)),
    Case("Offer files", "Base of 400 digits (JSON on stdin)",
         "mlcomp compare - b.toml < <(printf '{\"name\": \"A\", \"base\": 1'; printf '0%.0s' {1..400}; printf '}')",
         {"b.toml": B_TOML}),
    Case("Offer files", "Base of 5,000 digits (TOML on stdin)",
         "mlcomp compare - b.toml < <(printf 'base = 1'; printf '0%.0s' {1..4999})", {"b.toml": B_TOML}),
    Case("Offer files", "Nested 100,000 deep (JSON on stdin)",
         "mlcomp compare - b.toml < <(printf '[%.0s' {1..100000})", {"b.toml": B_TOML}),
    Case("Offer files", "A key given twice in JSON", "mlcomp compare a.json b.toml",
         {"a.json": b'{"name": "A", "base": 240000, "base": 250000}', "b.toml": B_TOML}),
    Case("Offer files", "NaN in JSON", "mlcomp compare a.json b.toml",
         {"a.json": b'{"name": "A", "base": NaN}', "b.toml": B_TOML}),
    Case("Offer files", "A JSON number on stdin", "mlcomp compare - b.toml <<< '42'", {"b.toml": B_TOML}),
    Case("Offer files", "A TOML date as money", "mlcomp compare a.toml b.toml",
         offers('base = 1979-05-27\n', B_TOML)),
    Case("Offer files", "A JSON array on stdin", "mlcomp compare - b.toml <<< '[240000, 250000]'",
         {"b.toml": B_TOML}),
    Case("Offer files", "Negative money", "mlcomp compare a.toml b.toml",
         offers('base = "240k"\nsign_on = -5000\n', B_TOML)),
    Case("Offer files", "Unparsable money", "mlcomp compare a.toml b.toml",
         offers('base = "240 grand"\n', B_TOML)),
    Case("Offer files", "Years not a number", "mlcomp compare a.toml b.toml",
         offers('base = "240k"\nyears = [4]\n', B_TOML)),
    Case("Offer files", "Unknown city in an offer", "mlcomp compare a.toml b.toml",
         offers('base = "240k"\ncity = "boston"\n', B_TOML)),
    Case("Offer files", "Two offers with the same name", "mlcomp compare a.toml b.toml",
         offers('name = "Acme"\nbase = "240k"\n', B_TOML.replace(b"B", b"acme"))),
    Case("Offer files", "Fewer than two offers", "mlcomp compare a.toml",
         offers('base = "240k"\n', B_TOML)),
    Case("Offer files", "'-' (stdin) twice", "mlcomp compare - - < b.toml", {"b.toml": B_TOML}),
    Case("Offer files", "Empty stdin", "mlcomp compare - b.toml < /dev/null", {"b.toml": B_TOML}),
    Case("Offer files", "File does not exist", "mlcomp compare missing.toml b.toml", {"b.toml": B_TOML}),
    Case("Offer files", "Wrong file extension", "mlcomp compare a.yaml b.toml",
         {"a.yaml": b"base: 1\n", "b.toml": B_TOML}),
    Case("Offer files", "A directory", "mlcomp compare . b.toml", {"b.toml": B_TOML}),
    Case("Offer files", "A loop of symbolic links",
         "ln -s a.toml c.toml; ln -s c.toml a.toml; mlcomp compare a.toml b.toml", {"b.toml": B_TOML}),
    Case("Offer files", "Offer not UTF-8 on stdin", "mlcomp compare - b.toml < a.toml",
         {"a.toml": 'name = "Caf\xe9"\nbase = 1\n'.encode("latin-1"), "b.toml": B_TOML}),
    Case("Offer files", "Both equity (dollars) and shares", "mlcomp compare a.toml b.toml",
         offers('base = "200k"\nequity = "400k"\nshares = 40000\nshare_price = 20\n', B_TOML)),
    Case("Offer files", "Shares without a share price", "mlcomp compare a.toml b.toml",
         offers('base = "200k"\nshares = 40000\n', B_TOML)),
    Case("Offer files", "A strike without shares", "mlcomp compare a.toml b.toml",
         offers('base = "200k"\nequity = "400k"\nstrike = 5\n', B_TOML)),
    Case("Offer files", "More than 1,000,000,000 shares", "mlcomp compare a.toml b.toml",
         offers('base = "200k"\nshares = 2e9\nshare_price = 1\n', B_TOML)),
    Case("Offer files", "A share price (or strike) above $1,000,000", "mlcomp compare a.toml b.toml",
         offers('base = "200k"\nshares = 100\nshare_price = "2m"\n', B_TOML)),
    Case("Offer files", "A discount above 100%", "mlcomp compare a.toml b.toml",
         offers('base = "200k"\nequity = "400k"\nequity_discount = "120%"\n', B_TOML)),
    Case("Offer files", "A state that does not exist, with --after-tax", "mlcomp compare a.toml b.toml --after-tax",
         offers('name = "A"\nbase = "240k"\nstate = "Texsa"\n', B_TOML)),
    Case("Offer files", "Sign-on as an empty list", "mlcomp compare a.toml b.toml",
         offers('base = "200k"\nsign_on = []\n', B_TOML)),
    Case("Inline offers", "Misspelt key", "mlcomp compare name=A,bnous=15%,base=240k name=B,base=250k"),
    Case("Inline offers", "Bad value", "mlcomp compare name=A,base=240k,bonus=lots name=B,base=250k"),
    Case("Inline offers", "Not key=value", "mlcomp compare name=A,base=240k 250k,name=B"),
    Case("Inline offers", "Unknown key in another script",
         "mlcomp compare name=A,base=240k,bonüs=15% name=B,base=250k"),
    Case("Inline offers", "No key before '='", "mlcomp compare name=A,base=240k,=15% name=B,base=250k"),
    Case("Inline offers", "Key given twice", "mlcomp compare name=A,base=1,base=2 name=B,base=250k"),
    Case("Inline offers", "Money above $1,000,000,000",
         "mlcomp compare name=A,base=999999999999999999999999m name=B,base=250k"),
    Case("Inline offers", "Longer than 255 characters: still an inline offer, not a file name",
         "mlcomp compare \"name=A,base=240k,bnous=$(printf 'x%.0s' {1..300})\" name=B,base=250k"),
    Case("Inline offers", "A name longer than 200 characters",
         "mlcomp compare \"name=$(printf 'x%.0s' {1..300}),base=240k\" name=B,base=250k"),
    Case("Inline offers", "Bad --horizon", "mlcomp compare name=A,base=1 name=B,base=2 --horizon 40"),
    Case("Inline offers", "A --leave-after that is not whole months",
         "mlcomp compare name=A,base=1 name=B,base=2 --leave-after 1.4y"),
    Case("Inline offers", "--leave-after with --horizon",
         "mlcomp compare name=A,base=1 name=B,base=2 --leave-after 18m --horizon 2"),
    Case("Inline offers", "A quarterly vesting list without its period",
         "mlcomp compare name=A,base=1,equity=1,vesting=" + "/".join(["6.25"] * 16) + " name=B,base=2"),
    Case("Inline offers", "A vesting schedule that does not sum to 100",
         "mlcomp compare name=A,base=1,equity=1,vesting=10/20/30 name=B,base=2"),
    Case("Inline offers", "A cliff longer than the schedule",
         "mlcomp compare \"name=A,base=1,equity=1,vesting=1y monthly, 2y cliff\" name=B,base=2"),
    Case("Inline offers", "A clawback without how it is repaid",
         "mlcomp compare name=A,base=1,sign_on=10k,sign_on_clawback=12m name=B,base=2"),
    Case("Inline offers", "Two names that differ only in their Unicode form (NFC and NFD)",
         "mlcomp compare name=Zo\u00eb,base=1 name=Zoe\u0308,base=2"),
    Case("Inline offers", "Bad --growth", "mlcomp compare name=A,base=1 name=B,base=2 --growth fast"),
    Case("Inline offers", "A bad rate in a --growth list",
         "mlcomp compare name=A,base=1 name=B,base=2 --growth -20%,0,fast"),
    Case("Inline offers", "More than 20 growth scenarios",
         "mlcomp compare name=A,base=1 name=B,base=2 --growth " + ",".join(f"{n}%" for n in range(21))),
    Case("Inline offers", "A raise outside 0% to 100%", "mlcomp compare name=A,base=1,raise=-3% name=B,base=2"),
    Case("Inline offers", "Bad --target", "mlcomp compare name=A,base=1 -y 4 --target 1.5"),
    Case("Batch rows", "Bad years at line 3 (stop, the default)", "mlcomp estimate --input people.csv -f csv",
         {"people.csv": PEOPLE}),
    Case("Batch rows", "Bad rows skipped, with a summary", "mlcomp estimate --input people.csv -f csv "
         "--on-error skip > out.csv", {"people.csv": PEOPLE}),
    Case("Batch rows", "Wrong number of values in a CSV row", "mlcomp estimate --input people.csv -f csv",
         {"people.csv": b"id,years,city\n1,4\n"}),
    Case("Batch rows", "Blank lines before the CSV header: skipped, lines keep their numbers",
         "mlcomp estimate --input people.csv -f csv", {"people.csv": b"\n\n" + PEOPLE}),
    Case("Batch rows", "Invalid JSON line", "mlcomp estimate --input people.jsonl",
         {"people.jsonl": b'{"years": 4}\n{"years": 5,\n'}),
    Case("Batch rows", "A JSON line that is not an object", "mlcomp estimate --input people.jsonl",
         {"people.jsonl": b'{"years": 4}\n[5]\n'}),
    Case("Batch rows", "Neither years nor level in a row", "mlcomp estimate --input people.csv",
         {"people.csv": b"id,years,city\n1,,sf\n"}),
    Case("Batch rows", "A line that is not UTF-8", "mlcomp estimate --input people.csv",
         {"people.csv": b"id,years,city\n1,4,z\xfcrich\n"}),
    Case("Batch rows", "A JSON escape for half a character", "mlcomp estimate --input people.jsonl -f jsonl",
         {"people.jsonl": b'{"years": 4, "name": "\\udcff"}\n'}),
    Case("Batch rows", "A JSON key given twice", "mlcomp estimate --input people.jsonl -f jsonl",
         {"people.jsonl": b'{"id": 1, "id": 2, "years": 4, "years": 12}\n'}),
    Case("Batch rows", "NaN, Infinity or 1e400 in a carried cell", "mlcomp estimate --input people.jsonl -f jsonl",
         {"people.jsonl": b'{"years": 4, "score": NaN}\n'}),
    Case("Batch rows", "A column the CSV header lacks", "mlcomp estimate --input people.jsonl -f csv",
         {"people.jsonl": b'{"years": 0}\n{"years": 4, "nick": "x"}\n'}),
    Case("Batch rows", "One endless line", "mlcomp estimate --input /dev/zero"),
    Case("Batch rows", "A column named like an output field", "mlcomp estimate --input people.csv",
         {"people.csv": b"currency,years\n1,4\n"}),
    Case("Batch rows", "Pay in another currency", "mlcomp review people.csv",
         {"people.csv": "years,base\n4,\u20ac240000\n".encode()}),
    Case("Batch rows", "Total comp below base", "mlcomp review people.csv",
         {"people.csv": b"years,base,total_comp\n4,260000,250000\n"}),
    Case("Batch rows", "A base of 240 (for 240k)", "mlcomp review people.csv",
         {"people.csv": b"years,base\n4,240\n"}),
    Case("Batch rows", "A review's header without a pay column", "mlcomp review people.csv",
         {"people.csv": b"years,Base Salary\n4,240000\n"}),
    Case("Batch rows", "A review's --by column that the file lacks", "mlcomp review people.csv --by teem",
         {"people.csv": b"years,team,base\n4,ml,240000\n"}),
    Case("Batch rows", "A review of a file with no rows", "mlcomp review people.csv",
         {"people.csv": b"years,base\n"}),
    Case("Batch rows", "A column named like an output column of CSV", "mlcomp estimate --input people.csv -f csv",
         {"people.csv": b"name,years,base_mid\nA,4,250000\n"}),
    Case("Batch rows", "Columns that differ only in case", "mlcomp estimate --input people.csv",
         {"people.csv": b"years,Years\n4,8\n"}),
    Case("Batch rows", "A quote never closed", "mlcomp estimate --input people.csv --on-error skip",
         {"people.csv": b'years,notes\n4,"oops\n5,x\n6,y\n'}),
    Case("Batch rows", "A stray quote in a cell", "mlcomp estimate --input people.csv",
         {"people.csv": b'years,notes\n4,"a"b\n'}),
    Case("Batch rows", "A JSON line nested 100,000 deep",
         "mlcomp estimate --input - --input-format jsonl < <(printf '[%.0s' {1..100000})"),
    Case("Batch rows", "A CSV value of a megabyte",
         "mlcomp estimate --input - < <(printf 'years,city\\n4,'; printf 'x%.0s' {1..1048576})"),
    Case("Batch rows", "Input file does not exist", "mlcomp estimate --input missing.csv"),
    Case("Batch rows", "--format json with --input", "mlcomp estimate --input people.csv -f json",
         {"people.csv": PEOPLE}),
    Case("Curve", "--from above --to", "mlcomp curve --from 10 --to 5"),
    Case("Curve", "--to out of range", "mlcomp curve --to 99"),
    Case("Curve", "--to of 5,000 digits", "mlcomp curve --to $(printf '9%.0s' {1..5000})"),
    Case("Export and completion", "--export to a file that is neither .svg nor .html",
         "mlcomp estimate -y 4 --export pay.png"),
    Case("Export and completion", "--export with another format than the table",
         "mlcomp estimate -y 4 --format json --export pay.svg"),
    Case("Export and completion", "--export into a folder that does not exist",
         "mlcomp curve --export missing/pay.html"),
    Case("Export and completion", "Completion for an unknown shell", "mlcomp --show-completion tcsh"),
    Case("Encodings", "Bands file not UTF-8", "mlcomp --bands bands.toml estimate -y 4",
         {"bands.toml": CITY.replace("Boston", "Bost\xf6n").encode("latin-1")}),
    Case("Encodings", "Argument not UTF-8", "mlcomp estimate -y 4 --city $'\\xff'"),
    Case("Encodings", "Non-ASCII argument, ASCII terminal",
         "PYTHONIOENCODING=ascii mlcomp estimate -y 4 --city z\u00fcrich"),
    Case("Pipes", "Output to a full disk", "mlcomp estimate -y 4 > /dev/full"),
    Case("Pipes", "Standard output closed", "mlcomp estimate -y 4 >&-"),
    Case("Pipes", "Reader stops early", "mlcomp estimate -y 4 --format json | true"),
    Case("Notes", "--level and --years that disagree: allowed (the level wins), with a note",
         "mlcomp estimate --level senior --years 2 --field level"),
]


def run(case: Case) -> tuple[int, str]:
    """Exit code and stderr of the case, run by bash in a scratch directory."""
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in case.files.items():
            Path(scratch, name).write_bytes(data)
        script = f'mlcomp() {{ {TOOL} "$@"; }}\n{case.command}\nexit ${{PIPESTATUS[0]}}\n'
        env = {k: v for k, v in os.environ.items() if k not in ("MLCOMP_BANDS", "PYTHONIOENCODING", "NO_COLOR")}
        proc = subprocess.run(["bash", "-c", script], cwd=scratch, capture_output=True, timeout=120,
                              env={**env, "LC_ALL": "C.UTF-8", "COLUMNS": "80"})
    return proc.returncode, proc.stderr.decode("utf-8", "backslashreplace")


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def bounds() -> list[str]:
    """The limits on every value and file, read from the code that enforces them."""
    from mlcomp import inputs, money, offers
    from mlcomp.bands import MAX_YEARS, load_bands

    experience = load_bands(None).experience
    return ["", "## Bounds", "",
            "Every value from outside is checked where it enters; above a bound it is refused (exit 1 in a",
            "file or row, exit 2 on the command line), never carried into the arithmetic.", "",
            "| What | Bound |", "|---|---|",
            f"| Money (offers, bands files) | whole dollars from $0 to ${money.MAX_MONEY:,} |",
            "| Rates (--growth, an offer's growth and bonus, premiums in bands files) | from -100% to 1000% |",
            f"| Years of experience (--years, curve --from/--to, rows) | {experience.min_years:g} to "
            f"{experience.max_years:g} (the data's `experience`); years in a bands file at most {MAX_YEARS} |",
            f"| compare --horizon, --leave-after | 1 month to {offers.MAX_HORIZON} years, in whole months "
            "(18m, 1.5y) |",
            f"| An offer's vesting | at most {offers.MAX_HORIZON} years; a cliff within the schedule; a list of "
            f"more than {offers.MAX_LIST_WITHOUT_PERIOD} entries needs vesting_period |",
            f"| An offer's sign_on_clawback | 1 month to {offers.MAX_HORIZON} years |",
            f"| An offer's shares | at most {offers.MAX_SHARES:,} |",
            f"| An offer's share_price and strike | $0 to ${offers.MAX_SHARE_PRICE:,} a share (cents allowed) |",
            "| An offer's raise and equity_discount; compare --target | from 0% to 100% |",
            f"| An offer's sign_on as a list | 1 to {offers.MAX_HORIZON} yearly amounts |",
            f"| compare --growth as a list | at most {offers.MAX_SCENARIOS} rates |",
            f"| compare: offers x scenarios x years | at most {offers.MAX_OFFER_YEARS:,} in one run |",
            f"| An offer's name or profile keys | at most {offers.MAX_TEXT} characters |",
            f"| A TOML or JSON file (offer, bands overlay) | at most {inputs.MAX_BYTES // 1024 // 1024} MB; nested "
            f"at most {inputs.MAX_DEPTH} levels deep; numbers of at most {inputs.MAX_DIGITS:,} digits |",
            "| Text | UTF-8, with or without a byte-order mark; CRLF or LF line ends |",
            "| Control characters from input | shown escaped (`\\x1b`, `\\n`) in tables and messages; "
            "JSON, CSV and TSV output keep them exact |"]


def render(results: list[tuple[Case, tuple[int, str]]]) -> str:
    lines = ["# Bad input: what mlcomp says", "",
             "Every kind of bad input, with the exact message (on stderr) and exit code: 0 ok, 1 a bad file,",
             "row or output, 2 a bad command line. Generated by `python docs/make_errors.py` from real runs;",
             "`tests/test_errors_doc.py` fails when this file differs from what the tool prints.", *bounds()]
    kind = None
    for case, (code, stderr) in results:
        if case.kind != kind:
            kind = case.kind
            lines += ["", f"## {kind}", "", "| Bad input | Command | Exit | Message |", "|---|---|---|---|"]
        files = "".join(f"<br>`{name}`: `{cell(data.decode('utf-8', 'backslashreplace').strip())}`"
                        for name, data in case.files.items())
        message = cell(stderr.strip()) or "(no message)"
        lines.append(f"| {cell(case.what)}{files} | `{cell(case.command)}` | {code} | {message} |")
    return "\n".join(lines) + "\n"


def run_all(cases: list[Case] = CASES) -> list[tuple[Case, tuple[int, str]]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(zip(cases, pool.map(run, cases), strict=True))


def generate() -> str:
    return render(run_all())


if __name__ == "__main__":
    text = generate()
    if "--check" in sys.argv[1:]:
        sys.exit(0 if DOC.exists() and DOC.read_text(encoding="utf-8") == text else 1)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
