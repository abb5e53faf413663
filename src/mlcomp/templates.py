"""`mlcomp new offer`: a commented offer file to fill in, with every key an offer takes.

The keys come from offers.KEYS (the Offer schema's fields), so a key added there is in the template
(under "Other keys" until it is given a place, an example and a line of help below; a test fails
until it is). The name and base are filled in, so that the template is an offer as it stands; every
other key is commented out, with an example value that works once the line is uncommented.
"""

from __future__ import annotations

from mlcomp.offers import KEYS

# key -> (an example value, as TOML, and what the key means). One line each, as the file shows it.
KEY_HELP: dict[str, tuple[str, str]] = {
    "name": ('"My offer"', "shown in the output; offers' names must differ"),
    "base": ('"200k"', "yearly base salary in year 1 (240000, 240k, $240,000)"),
    "bonus": ('"15%"', "a share of base (15%, 0.15), a fixed amount (20k), a target x payout (15% x 1.25), "
                       "or a range (10k-30k)"),
    "bonus_prorated": ("true", "the first bonus counts the months from start to the end of its year; needs start"),
    "start": ('"2027-03"', "the month the job starts; year 1 is its first twelve months"),
    "raise": ('"3%"', "yearly base raise"),
    "sign_on": ('["60k", "40k"]', "one-time cash: one amount (year 1) or one per year"),
    "sign_on_clawback": ('"12m prorated"', "what is repaid on leaving early: 12m prorated, 12m full or none"),
    "relocation": ('"10k"', "one-time cash in year 1"),
    "equity": ('"400k"', "the initial grant in dollars at today's price (or give shares instead)"),
    "shares": ("1600", "the initial grant as a number of shares, instead of equity; needs share_price"),
    "share_price": ("250", "the value of one share today, in dollars"),
    "strike": ("0", "a stock option's exercise price; 0 for RSUs"),
    "preferred_price": ("9.5", "a private company's price per share in its latest round, instead of share_price"),
    "fmv": ("2.5", "the 409A fair market value of a share"),
    "valued_at": ('"preferred"', "the price shares count at with preferred_price or fmv: preferred or fmv"),
    "liquidity": ('"2029-06"', "double-trigger RSUs: the month of the liquidity event (needs start), or none"),
    "equity_discount": ('"0%"', "what illiquid private equity is discounted by, 0% to 100%"),
    "vesting": ("[25, 25, 25, 25]", "yearly percentages, even, front-loaded, back-loaded, or \"4y monthly, 1y cliff\""),
    "vesting_period": ('"year"', "what each entry of a vesting list is: month, quarter, half or year"),
    "refresh": ('"40k"', "a refresher grant in dollars every year from year 2 (or give refresh_shares instead)"),
    "refresh_shares": ("160", "the refresher as a number of shares, instead of refresh"),
    "refresh_vesting": ('"4y quarterly"', "the refreshers' own schedule, in any form vesting takes"),
    "refresh_from": ("2", "the year of the first refresher, 2 to 30"),
    "refresh_kind": ('"guaranteed"', "guaranteed, or expected (hoped for, shown apart)"),
    "refreshers": ('"48k in year 2 on 4y monthly expected; 20k in year 3"',
                   "refreshers one by one, each its size, year, schedule and kind (instead of refresh)"),
    "growth": ('"0%"', "yearly change of the equity's value (--growth overrides it)"),
    "benefits": ('"12k"', "other benefits in dollars a year"),
    "match_401k": ('"50% up to 6%"', "the employer's 401(k) match"),
    "espp": ('"15% discount, 10% of base"', "an employee stock purchase plan"),
    "hsa": ('"1k"', "the employer's HSA contribution a year"),
    "years": ("4", "years of experience, for the market view (as mlcomp estimate --years)"),
    "level": ('"mid"', "level, for the market view (instead of years)"),
    "city": ('"sf"', "city (mlcomp factors lists the keys)"),
    "tier": ('"faang"', "company tier"),
    "industry": ('"tech"', "industry"),
    "specialization": ('"generalist"', "specialization"),
    "full_lifecycle": ("false", "covers the whole ML lifecycle"),
    "remote_first": ("false", "the employer pays one national band wherever you live"),
    "ml_focus": ('"core"', "how central ML is to the employer (mlcomp factors)"),
    "state": ('"CA"', "where the offer is taxed, with --after-tax (default: the city's state)"),
}
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The offer (required)", ("name", "base")),
    ("Cash", ("bonus", "bonus_prorated", "start", "raise", "sign_on", "sign_on_clawback", "relocation")),
    ("Equity: a grant in dollars, or in shares (shares, share_price, strike, ...)",
     ("equity", "shares", "share_price", "strike", "preferred_price", "fmv", "valued_at", "liquidity",
      "equity_discount", "vesting", "vesting_period", "growth")),
    ("Refreshers", ("refresh", "refresh_shares", "refresh_vesting", "refresh_from", "refresh_kind", "refreshers")),
    ("Benefits", ("benefits", "match_401k", "espp", "hsa")),
    ("Your profile, for the market view (the command's options fill what is left out)",
     ("years", "level", "city", "tier", "industry", "specialization", "full_lifecycle", "remote_first",
      "ml_focus", "state")),
)
REQUIRED = SECTIONS[0][1]


def sections() -> list[tuple[str, list[str]]]:
    """The template's sections with the keys an offer takes, in order; a key without a section last."""
    placed = {key for _, keys in SECTIONS for key in keys}
    found = [(title, [key for key in keys if key in KEYS]) for title, keys in SECTIONS]
    other = [key for key in KEYS if key not in placed]
    return found + ([("Other keys (see docs/compare.md)", other)] if other else [])


def offer() -> str:
    """The template: a TOML offer file, every key with a line of help, all but the required ones
    commented out."""
    lines = ["# An offer for 'mlcomp compare': fill in what the offer says, uncomment the lines you need",
             "# (remove the '# '), and compare:  mlcomp compare offer.toml other.toml --years 4 --city sf",
             "# Money: 240000, 240k, $240,000 or 1.2m; rates: 15% or 0.15. Keys: docs/compare.md."]
    for title, keys in sections():
        lines += ["", f"# -- {title}"]
        for key in keys:
            value, meaning = KEY_HELP.get(key, ('""', "see docs/compare.md"))
            lines.append(f"{'' if key in REQUIRED else '# '}{key} = {value}  # {meaning}")
    return "\n".join(lines) + "\n"
