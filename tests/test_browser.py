"""Every exported kind opened in headless Chromium at 1200 and 400 px wide: nothing overflows sideways
(not even with long, marked-up or right-to-left names), the title and the answer are on the first
screen, and the chart is as wide as the page lets it be. A copy of each file gets a small script that
measures the page and posts the figures to a harness page holding it in a frame of that width
(headless Chromium's window is at least 500 px wide; a frame can be narrower, and its media queries
see its own width), which writes them into its DOM for `chromium --dump-dom` to print.

Without a browser the tests skip, unless MLCOMP_REQUIRE_BROWSER is set (as .ci/run sets it, after
installing Debian's chromium): then a missing browser fails them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcomp.cli import app

ROOT = Path(__file__).resolve().parents[1]
BIGCO, STARTUP = str(ROOT / "examples/bigco.toml"), str(ROOT / "examples/startup.json")
TEAM = str(ROOT / "examples/team.csv")
KINDS = {
    "estimate.html": ["estimate", "-y", "4", "-c", "sf"],
    "compare.html": ["compare", BIGCO, STARTUP, "-y", "4", "-c", "sf"],
    "curve.html": ["curve", "-c", "sf"],
    "compare-names.html": ["compare", "name=A very long offer name that a person might give it,base=240k",
                           "name=B & <C>,base=250k,equity=400k", "name=Third,base=230k", "name=Fourth,base=235k"],
    "estimate.svg": ["estimate", "-y", "4", "-c", "sf"],
    "compare.svg": ["compare", BIGCO, STARTUP, "-y", "4", "-c", "sf"],
    "curve.svg": ["curve", "-c", "sf"],
    "review.html": ["review", TEAM, "--by", "team"],
    "review-names.html": ["review", "{names}", "--by", "team"],
    "review.svg": ["review", TEAM],
}
# A pay file whose names, ids and groups are long, marked up or written right to left (and some pay
# far outside the range, drawn at the chart's edge).
PEOPLE = [("Avery-" + "x" * 300, 1, 120_000, "<b>research</b>"),
          ("\u202eBlake \u05e9\u05dc\u05d5\u05dd", 4, 150_000, "r"),
          ("<script>alert(1)</script>", 8, 200_000, "r"),
          ("A very long name that a person might give", 12, 900_000, "r"),
          ("E", 4, 1_000_000, "r"), ("F", 4, 100_000, "r")]
NAMES = "id,name,years,city,base,team\n" + "".join(f"{i}{'9' * 80},{name},{years},sf,{base},{team}\n"
                                                    for i, (name, years, base, team) in enumerate(PEOPLE))
HEIGHT = 900
HARNESS = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{src}" style="border:0;width:{width}px;height:{height}px"></iframe><pre id="out"></pre>
<script>addEventListener("message", function (e) {{ document.getElementById("out").textContent = e.data; }});</script>
</body></html>"""
MEASURE = """
(function () {
  var d = document.documentElement;
  function box(e) { if (!e) return null; var b = e.getBoundingClientRect(); return [b.top, b.bottom, b.left, b.right]; }
  var m = {scroll: d.scrollWidth, inner: window.innerWidth, height: window.innerHeight,
           title: box(document.getElementById('title') || document.querySelector('text')),
           answer: box(document.getElementById('answer') || document.querySelector('text')),
           chart: box(document.querySelector('figure svg') || document.querySelector('svg'))};
  parent.postMessage('MEASURED' + JSON.stringify(m) + 'END', '*');
})();
"""


def browser() -> str:
    found = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if found is None:
        if os.environ.get("MLCOMP_REQUIRE_BROWSER"):
            pytest.fail("MLCOMP_REQUIRE_BROWSER is set but no chromium is installed (apt-get install chromium)")
        pytest.skip("no headless browser here (chromium): apt-get install chromium to run these")
    return found


def measured(chromium: str, path: Path, width: int) -> dict[str, object]:
    """The page's measurements at `width` x HEIGHT CSS pixels."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".svg":
        probe = text.replace("</svg>", f"<script><![CDATA[{MEASURE}]]></script></svg>")
    else:
        probe = text.replace("</body>", f"<script>{MEASURE}</script></body>")
    copy = path.with_name(f"probe-{path.name}")
    copy.write_text(probe, encoding="utf-8")
    harness = path.with_name(f"harness-{width}-{path.stem}.html")
    harness.write_text(HARNESS.format(src=copy.name, width=width, height=HEIGHT), encoding="utf-8")
    run = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          "--no-first-run", "--disable-extensions", f"--user-data-dir={path.parent / 'profile'}",
                          f"--window-size={width + 100},{HEIGHT + 100}", "--virtual-time-budget=10000", "--dump-dom",
                          harness.as_uri()],
                         capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="out">MEASURED(\{.*?\})END', run.stdout)
    assert found, (run.returncode, run.stderr[-2000:])
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    (folder / "names.csv").write_text(NAMES, encoding="utf-8")
    runner = CliRunner()
    for name, args in KINDS.items():
        args = [a.replace("{names}", str(folder / "names.csv")) for a in args]
        result = runner.invoke(app, [*args, "--export", str(folder / name)], env={"MLCOMP_BANDS": ""})
        assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize("width", [1200, 400])
@pytest.mark.parametrize("name", KINDS)
def test_nothing_overflows_and_the_title_and_answer_are_on_the_first_screen(exported, name, width):
    m = measured(browser(), exported / name, width)
    assert m["inner"] == width
    assert m["scroll"] <= m["inner"], m  # no sideways scrolling
    for part in ("title", "answer"):
        top, bottom, _left, right = m[part]
        assert top >= 0 and bottom <= HEIGHT and right <= width, (part, m)
    _top, _bottom, left, right = m["chart"]
    assert left >= 0 and right <= width and right - left >= min(width, 576) * 0.8, m  # the chart fills its width
