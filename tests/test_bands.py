"""The shipped data loads with a source for every number; broken files fail naming file and key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mlcomp.bands import check_file, load_bands, shipped_path
from mlcomp.errors import MlcompError

# The guide lives in shared/ beside the checkout.
GUIDE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "ml-engineer-salary-guide-2026.txt"


def shipped() -> dict:
    return tomllib.loads(shipped_path().read_text())


def entries(data: dict):
    """Every table of the data that holds numbers, with its key path."""
    for group in ("levels", "cities", "tiers", "industries", "specializations", "roles", "ml_focus"):
        for key, entry in data[group].items():
            yield from tables(f"{group}.{key}", entry)
    for name in ("experience", "typical", "lifecycle", "cap", "total_comp", "remote_first", "constraints", "ask"):
        yield from tables(name, data[name])


def tables(path: str, entry: dict):
    """The entry, unless it only holds its parts (`base`, `equity_and_bonus`, `typical`), then those."""
    parts = {k: v for k, v in entry.items() if isinstance(v, dict)}
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in entry.values()):
        yield path, entry
    for name, part in parts.items():
        yield f"{path}.{name}", part


def test_shipped_data_loads():
    bands = load_bands()
    assert list(bands.levels) == ["entry", "mid", "senior", "staff"]
    assert bands.currency == "USD"


@pytest.mark.parametrize(("path", "entry"), list(entries(shipped())))
def test_every_number_has_a_source_or_an_assumption(path, entry):
    assert any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in entry.values()), path
    assert entry.get("source") or entry.get("assumption"), path


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide is not beside this checkout")
@pytest.mark.parametrize(("path", "entry"), list(entries(shipped())))
def test_every_source_is_a_quote_of_the_guide(path, entry):
    guide = " ".join(GUIDE.read_text().split())
    if entry.get("source"):
        assert entry["source"] in guide, f"{path}: source is not a quote of the guide"


def write(tmp_path, text: str):
    path = tmp_path / "user.toml"
    path.write_text(text)
    return path


def fails(tmp_path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(MlcompError) as info:
        load_bands(path)
    assert str(path) in info.value.message
    assert not info.value.usage
    return info.value.message


def test_overlay_adds_a_city_and_keeps_the_rest(tmp_path):
    path = write(tmp_path, '[cities.boston]\nlabel = "Boston"\nlow = 0.10\nhigh = 0.15\n'
                           'aliases = ["bos"]\nassumption = "Our own survey."\n')
    bands = load_bands(path)
    assert bands.resolve("cities", "BOS") == "boston"
    assert bands.cities["sf"].high == 0.30 and "senior" in bands.levels


def test_overlay_replaces_an_entry_whole(tmp_path):
    path = write(tmp_path, '[tiers.mid-size]\nlabel = "Ours"\nlow = 0.02\nhigh = 0.01\nassumption = "Ours."\n')
    ours = load_bands(path).tiers["mid-size"]
    assert (ours.low, ours.high, ours.source, ours.assumption) == (0.02, 0.01, None, "Ours.")
    assert ours.base is None and ours.equity_and_bonus is None  # the shipped parts went with the entry
    assert ours.part("base") == ours.part("equity_and_bonus") == (0.02, 0.01)  # whole pay: both parts


def test_toml_syntax_error_names_file_and_line(tmp_path):
    message = fails(tmp_path, "[cities.boston]\nlabel = \nlow = 0.1\n")
    assert "line 2" in message


def test_unknown_key_is_rejected_by_name(tmp_path):
    # A misspelt `source` would otherwise drop the citation silently.
    message = fails(tmp_path, '[cities.boston]\nlabel = "B"\nlow = 0.1\nhigh = 0.1\nsorce = "x"\nassumption = "y"\n')
    assert "cities.boston.sorce: unknown key" in message


def test_number_without_source_or_assumption_is_rejected(tmp_path):
    message = fails(tmp_path, '[cities.boston]\nlabel = "B"\nlow = 0.1\nhigh = 0.1\n')
    assert "cities.boston" in message and "source" in message and "assumption" in message


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_nan_and_inf_are_rejected(tmp_path, value):
    message = fails(tmp_path, f'[cities.boston]\nlabel = "B"\nlow = {value}\nhigh = 0.1\nassumption = "y"\n')
    assert "cities.boston.low" in message


def test_band_low_above_high_is_rejected(tmp_path):
    message = fails(tmp_path, '[levels.mid]\nlabel = "Mid"\nyears_from = 3\nyears_to = 6\nlow = 270000\n'
                              'high = 260000\nsource = "x"\n')
    assert "levels.mid" in message and "above high" in message


def test_negative_money_is_rejected(tmp_path):
    message = fails(tmp_path, '[levels.mid]\nlabel = "Mid"\nyears_from = 3\nyears_to = 6\nlow = -1\n'
                              'high = 260000\nsource = "x"\n')
    assert "levels.mid.low" in message


@pytest.mark.parametrize(("years_from", "kind"), [(4, "gap"), (2, "overlap")])
def test_gaps_and_overlaps_in_experience_are_rejected(tmp_path, years_from, kind):
    message = fails(tmp_path, f'[levels.mid]\nlabel = "Mid"\nyears_from = {years_from}\nyears_to = 6\n'
                              'low = 180000\nhigh = 260000\nsource = "x"\n')
    assert f"levels.mid.years_from: {kind} in experience ranges" in message


def test_premiums_that_would_turn_a_band_upside_down_are_rejected(tmp_path):
    message = fails(tmp_path, '[tiers.squeeze]\nlabel = "S"\nlow = 0.5\nhigh = -0.5\nassumption = "y"\n')
    assert "low end above its high end" in message


MID = '[levels.mid]\nlabel = "Mid"\nyears_from = 3\nyears_to = 6\nlow = 180000\nhigh = 260000\nsource = "x"\n'


def test_typical_p_that_falls_with_years_is_rejected(tmp_path):
    message = fails(tmp_path, MID + '[levels.mid.typical]\nstart = 0.9\nend = 0.7\nassumption = "y"\n')
    assert "levels.mid.typical: start (0.9) is above end (0.7)" in message


def test_typical_p_outside_0_to_1_is_rejected(tmp_path):
    message = fails(tmp_path, MID + '[levels.mid.typical]\nstart = 0.7\nend = 1.5\nassumption = "y"\n')
    assert "levels.mid.typical.end" in message


def test_typical_pay_that_would_drop_at_a_promotion_is_rejected(tmp_path):
    # the entry level ends at p = 0.9 of 180,000 at the top; mid starting at p = 0.3 of 260,000 is less
    message = fails(tmp_path, MID + '[levels.mid.typical]\nstart = 0.3\nend = 0.9\nassumption = "y"\n')
    assert "levels.mid.typical.start: the typical pay would drop at the promotion to mid" in message


def test_the_open_ended_level_needs_the_years_p_rises_over(tmp_path):
    message = fails(tmp_path, '[levels.staff]\nlabel = "Staff"\nyears_from = 10\nlow = 350000\nhigh = 450000\n'
                              'source = "x"\n[levels.staff.typical]\nstart = 0.7\nend = 0.9\nassumption = "y"\n')
    assert "levels.staff.typical.years: the open-ended last level needs the years" in message


def test_a_level_without_a_typical_rule_takes_the_middle(tmp_path):
    bands = load_bands(write(tmp_path, MID))
    from mlcomp.engine import estimate, make_profile

    result = estimate(make_profile(bands, years=4), bands)
    assert result.position == 0.5 and "has no typical rule, so p = 0.5" in result.position_note


def test_alias_used_twice_is_rejected(tmp_path):
    message = fails(tmp_path, '[cities.boston]\nlabel = "B"\nlow = 0.1\nhigh = 0.1\naliases = ["sfo"]\n'
                              'assumption = "y"\n')
    assert "'sfo' is already used by cities.sf" in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(MlcompError, match=r"nope\.toml: file not found"):
        load_bands(tmp_path / "nope.toml")


def test_check_file_lists_every_problem(tmp_path):
    path = write(tmp_path, '[cities.a]\nlabel = "A"\nlow = "x"\nhigh = 0.1\nassumption = "y"\n'
                           '[cities.b]\nlabel = "B"\nlow = 0.1\nhigh = 0.1\nbogus = 1\nassumption = "y"\n')
    problems = check_file(path)
    assert any("cities.a.low" in p for p in problems) and any("cities.b.bogus" in p for p in problems)
    assert check_file(write(tmp_path, '[cities.c]\nlabel = "C"\nlow = 0\nhigh = 0\nassumption = "y"\n')) == []
