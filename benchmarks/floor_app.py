"""The start-up floor: a minimal Typer app with one command and two options that imports rich.table
and a pydantic model and prints a one-row rich table. mlcomp is measured against it."""

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

app = typer.Typer()


class Row(BaseModel):
    years: float
    city: str


@app.command()
def estimate(years: float = typer.Option(...), city: str = typer.Option("national")) -> None:
    row = Row(years=years, city=city)
    table = Table("years", "city")
    table.add_row(f"{row.years:g}", row.city)
    Console().print(table)


if __name__ == "__main__":
    app()
