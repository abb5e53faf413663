"""The library: `from mlcomp import ...` gives what the commands compute, typed, without the CLI's
environment, and `import mlcomp` stays light."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

import mlcomp
from mlcomp import Bands, MlcompError, Offer, compare, estimate, load_bands, take_home
from mlcomp.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def cli_json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--format", "json"], prog_name="mlcomp", env={"MLCOMP_BANDS": ""})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_public_names():
    assert set(mlcomp.__all__) >= {"estimate", "compare", "Offer", "Bands", "load_bands", "MlcompError"}
    for name in mlcomp.__all__:
        assert getattr(mlcomp, name) is not None
    assert isinstance(load_bands(), Bands)
    assert issubclass(MlcompError, Exception)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mlcomp.nope  # noqa: B018


def test_import_is_light():
    """`import mlcomp` (which the command starts from) loads none of pydantic, rich or typer."""
    code = ("import sys, mlcomp; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('pydantic', 'rich', 'typer', 'mlcomp.api', 'mlcomp.bands')]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    code = "import sys, mlcomp; mlcomp.estimate(years=4); print(sorted(m for m in sys.modules if 'offers' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"  # an estimate does not pay for building the offer schema


def test_typed_and_versioned():
    assert (resources.files("mlcomp") / "py.typed").is_file()
    assert metadata.version("mlcomp-pay") == mlcomp.__version__
    assert any(f.name == "mlcomp" for f in metadata.distribution("mlcomp-pay").entry_points)


@pytest.mark.parametrize("keys, args", [
    ({"years": 4, "city": "sf"}, ["--years", "4", "--city", "sf"]),
    ({"years": "4.5", "city": "San Francisco", "tier": "FAANG"}, ["-y", "4.5", "-c", "San Francisco", "-t", "FAANG"]),
    ({"level": "Senior", "industry": "quant-finance", "specialization": "rl", "full_lifecycle": True},
     ["-l", "Senior", "-i", "quant-finance", "-s", "rl", "--full-lifecycle"]),
    ({"years": 0, "remote_first": True, "role": "swe"}, ["-y", "0", "--remote-first", "--role", "swe"]),
    ({"years": 60, "city": "NYC", "tier": "ai-startup"}, ["-y", "60", "-c", "NYC", "-t", "ai-startup"]),
])
def test_estimate_as_dict_is_the_json_output(keys, args):
    assert estimate(**keys).as_dict() == cli_json("estimate", *args)


KEYS = load_bands().lookup


@settings(max_examples=max(5, settings().max_examples // 4))
@given(years=st.integers(0, 60) | st.floats(0, 60).map(lambda x: round(x, 2)),
       city=st.sampled_from(sorted(KEYS["cities"])), tier=st.none() | st.sampled_from(sorted(KEYS["tiers"])),
       role=st.sampled_from(sorted(KEYS["roles"])), lifecycle=st.booleans(), upper=st.booleans())
def test_estimate_agrees_with_the_cli_for_any_profile(years, city, tier, role, lifecycle, upper):
    city = city.upper() if upper else city
    args = ["-y", str(years), "-c", city, "--role", role] + (["-t", tier] if tier else []) \
        + (["--full-lifecycle"] if lifecycle else [])
    assert estimate(years=years, city=city, tier=tier, role=role, full_lifecycle=lifecycle).as_dict() \
        == cli_json("estimate", *args)


def test_compare_as_dict_is_the_json_output(monkeypatch):
    files = ["examples/acme.toml", "examples/globex.json"]
    monkeypatch.chdir(ROOT)
    assert compare(files, years=4).as_dict() == cli_json("compare", *files, "--years", "4")
    assert compare(files, horizon=6, growth="10%", city="nyc", level="senior").as_dict() \
        == cli_json("compare", *files, "-n", "6", "-g", "10%", "-c", "nyc", "-l", "senior")
    assert compare(files, years=4, target="75%").as_dict() == cli_json("compare", *files, "-y", "4", "--target", "75%")
    assert compare(files[:1], years=4, growth=-0.2).as_dict() == cli_json("compare", files[0], "-y", "4", "-g", "-20%")
    inline = ["name=A,base=240k,bonus=15%,equity=400k", "name=B,base=265k,sign_on=30k"]
    assert compare(inline, years=6).as_dict() == cli_json("compare", *inline, "-y", "6")


def test_compare_takes_dicts_and_offers():
    a = {"name": "A", "base": "240k", "bonus": "15%", "equity": "400k"}
    b = Offer.model_validate({"name": "B", "base": 265_000})
    by_text = compare(["name=A,base=240k,bonus=15%,equity=400k", "name=B,base=265k"], growth=0.1)
    assert compare([a, b], growth="10%").as_dict() == by_text.as_dict()
    assert by_text.best == "A"


def test_options_of_the_commands_are_keywords_of_the_functions():
    """A profile option added to a command must reach the library too (the command calls it)."""
    group = get_command(app)
    output_only = {"fmt", "field", "explain", "chart", "detail", "input", "input_format", "on_error", "export",
                   "offers", "quiet", "review", "by"}  # --review and --by: of a batch (--input), like --on-error
    # --after-tax's options are the keywords of mlcomp.take_home, which the command calls for them.
    tax = {"after_tax", "state", "filing"}
    assert tax - {"after_tax"} <= set(inspect.signature(take_home).parameters)
    for name, function in (("estimate", estimate), ("compare", compare)):
        command = group.get_command(None, name)  # type: ignore[attr-defined]
        options = {p.name for p in command.params} - output_only - tax
        assert options <= set(inspect.signature(function).parameters), name


def test_bad_values_raise_mlcomp_error_naming_the_keyword():
    with pytest.raises(MlcompError, match="unknown city 'paris'") as caught:
        estimate(years=4, city="paris")
    assert caught.value.field == "city"
    with pytest.raises(MlcompError) as caught:
        estimate(years=10**5000)
    assert caught.value.field == "years"
    with pytest.raises(MlcompError, match="give --years"):
        estimate()
    with pytest.raises(MlcompError) as caught:
        compare([{"name": "A", "base": 1}, {"name": "B", "base": 2}], growth="lots")
    assert caught.value.field == "growth"
    with pytest.raises(MlcompError, match="offer 2: base: missing"):
        compare([{"name": "A", "base": 1}, {"name": "B"}])


def test_the_library_reads_no_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCOMP_BANDS", str(tmp_path / "missing.toml"))
    assert estimate(years=4).as_dict() == cli_json("estimate", "-y", "4")
    assert load_bands().cities.keys() == load_bands(None).cities.keys()
    mine = tmp_path / "mine.toml"
    mine.write_text('[cities.austin]\nlabel = "Austin"\nlow = 0.05\nhigh = 0.1\nassumption = "a guess"\n')
    assert estimate(years=4, city="austin", bands=load_bands(mine)).as_dict()["base"] \
        != estimate(years=4).as_dict()["base"]
    with pytest.raises(MlcompError, match="unknown city"):
        estimate(years=4, city="austin")


def test_the_example_script_runs():
    done = subprocess.run([sys.executable, "examples/library.py"], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1].startswith("city: unknown city 'paris'")


def test_compare_refuses_two_offers_of_one_name_whatever_form_they_take():
    """Dicts and Offer objects get the check the command line gives files and inline specs."""
    with pytest.raises(mlcomp.MlcompError, match="two offers are named 'x' \\(offer 1 and offer 2\\)"):
        mlcomp.compare([{"name": "X", "base": "200k"}, {"name": "x", "base": "300k"}])


def test_compare_numbers_a_bad_inline_offer_by_its_place_in_a_mixed_list():
    with pytest.raises(mlcomp.MlcompError, match=r"^offer 2 \(inline\): base: "):
        mlcomp.compare([{"name": "A", "base": "1"}, "name=B,base=zz"])


def test_the_keywords_are_the_declared_profile_fields():
    """The library's signatures stay explicit (typed for mypy --strict users); they must list exactly
    the fields of mlcomp.fields, as engine.Profile and the batch columns do."""
    from dataclasses import fields as dataclass_fields

    from mlcomp import api, batch, engine
    from mlcomp.fields import NAMES

    def keywords(function, extra):
        return tuple(name for name in inspect.signature(function).parameters if name not in extra)

    assert keywords(api.estimate, ("bands",)) == NAMES
    terms = ("horizon", "target", "leave_after", "start", "bands", "read_stdin")
    assert keywords(api.compare, ("offers", "growth", "bonus", *terms)) == NAMES
    assert keywords(api.scenarios, ("offers", "growths", *terms)) == NAMES
    assert keywords(engine.make_profile, ("bands",)) == NAMES
    assert tuple(f.name for f in dataclass_fields(engine.Profile)) == NAMES
    assert set(batch.INPUTS) == set(NAMES)


def test_compare_takes_the_horizon_as_text_and_names_a_bad_one():
    assert compare(["name=A,base=1", "name=B,base=2"], horizon="6").horizon == 6
    with pytest.raises(MlcompError) as caught:
        compare(["name=A,base=1", "name=B,base=2"], horizon="forever")
    assert caught.value.field == "horizon" and caught.value.usage


def test_a_level_the_years_contradict_comes_back_as_a_note():
    assert estimate(years=2, level="senior").notes == ("level senior is used; 2 years alone would be entry",)
    assert estimate(years=8, level="senior").notes == ()
    assert compare(["name=A,base=1"], years=2, level="staff").notes == (
        "level staff is used; 2 years alone would be entry",)


def test_one_offer_without_a_market_view_is_refused():
    with pytest.raises(MlcompError, match="give at least two offers"):
        compare(["name=A,base=1"])
