"""Build bench/eval/sets/general.jsonl from fixed enumerations (no hand-picked questions).

Lists: every EU member state's capital (27), the chemical symbols of elements 1-30, the reason
phrases of the HTTP status codes registered in Python's http.HTTPStatus (1xx-5xx, the common
ones), Python built-in functions described by the first sentence of their own docstring (those
whose docstring does not name them), every US state capital (50), the planets in order from
the Sun (8), and the SI base units (7). Rows alternate dev / heldout.

    python bench/eval/make_general_set.py   (rewrites the file; deterministic)
"""

from __future__ import annotations

import builtins
import http
import inspect
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent / "sets" / "general.jsonl"

EU_CAPITALS = {
    "Austria": "Vienna",
    "Belgium": "Brussels",
    "Bulgaria": "Sofia",
    "Croatia": "Zagreb",
    "Cyprus": "Nicosia",
    "Czechia": "Prague",
    "Denmark": "Copenhagen",
    "Estonia": "Tallinn",
    "Finland": "Helsinki",
    "France": "Paris",
    "Germany": "Berlin",
    "Greece": "Athens",
    "Hungary": "Budapest",
    "Ireland": "Dublin",
    "Italy": "Rome",
    "Latvia": "Riga",
    "Lithuania": "Vilnius",
    "Luxembourg": "Luxembourg",
    "Malta": "Valletta",
    "Netherlands": "Amsterdam",
    "Poland": "Warsaw",
    "Portugal": "Lisbon",
    "Romania": "Bucharest",
    "Slovakia": "Bratislava",
    "Slovenia": "Ljubljana",
    "Spain": "Madrid",
    "Sweden": "Stockholm",
}
ELEMENTS = [
    ("hydrogen", "H"),
    ("helium", "He"),
    ("lithium", "Li"),
    ("beryllium", "Be"),
    ("boron", "B"),
    ("carbon", "C"),
    ("nitrogen", "N"),
    ("oxygen", "O"),
    ("fluorine", "F"),
    ("neon", "Ne"),
    ("sodium", "Na"),
    ("magnesium", "Mg"),
    ("aluminium", "Al"),
    ("silicon", "Si"),
    ("phosphorus", "P"),
    ("sulfur", "S"),
    ("chlorine", "Cl"),
    ("argon", "Ar"),
    ("potassium", "K"),
    ("calcium", "Ca"),
    ("scandium", "Sc"),
    ("titanium", "Ti"),
    ("vanadium", "V"),
    ("chromium", "Cr"),
    ("manganese", "Mn"),
    ("iron", "Fe"),
    ("cobalt", "Co"),
    ("nickel", "Ni"),
    ("copper", "Cu"),
    ("zinc", "Zn"),
]
HTTP_CODES = [
    100,
    101,
    200,
    201,
    202,
    204,
    206,
    301,
    302,
    303,
    304,
    307,
    308,
    400,
    401,
    403,
    404,
    405,
    406,
    408,
    409,
    410,
    411,
    412,
    413,
    415,
    429,
    500,
    501,
    502,
    503,
    504,
]
US_CAPITALS = {
    "Alabama": "Montgomery",
    "Alaska": "Juneau",
    "Arizona": "Phoenix",
    "Arkansas": "Little Rock",
    "California": "Sacramento",
    "Colorado": "Denver",
    "Connecticut": "Hartford",
    "Delaware": "Dover",
    "Florida": "Tallahassee",
    "Georgia": "Atlanta",
    "Hawaii": "Honolulu",
    "Idaho": "Boise",
    "Illinois": "Springfield",
    "Indiana": "Indianapolis",
    "Iowa": "Des Moines",
    "Kansas": "Topeka",
    "Kentucky": "Frankfort",
    "Louisiana": "Baton Rouge",
    "Maine": "Augusta",
    "Maryland": "Annapolis",
    "Massachusetts": "Boston",
    "Michigan": "Lansing",
    "Minnesota": "Saint Paul",
    "Mississippi": "Jackson",
    "Missouri": "Jefferson City",
    "Montana": "Helena",
    "Nebraska": "Lincoln",
    "Nevada": "Carson City",
    "New Hampshire": "Concord",
    "New Jersey": "Trenton",
    "New Mexico": "Santa Fe",
    "New York": "Albany",
    "North Carolina": "Raleigh",
    "North Dakota": "Bismarck",
    "Ohio": "Columbus",
    "Oklahoma": "Oklahoma City",
    "Oregon": "Salem",
    "Pennsylvania": "Harrisburg",
    "Rhode Island": "Providence",
    "South Carolina": "Columbia",
    "South Dakota": "Pierre",
    "Tennessee": "Nashville",
    "Texas": "Austin",
    "Utah": "Salt Lake City",
    "Vermont": "Montpelier",
    "Virginia": "Richmond",
    "Washington": "Olympia",
    "West Virginia": "Charleston",
    "Wisconsin": "Madison",
    "Wyoming": "Cheyenne",
}
PLANETS = ["Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]
SI_UNITS = [
    ("time", "second"),
    ("length", "metre|meter"),
    ("mass", "kilogram"),
    ("electric current", "ampere"),
    ("thermodynamic temperature", "kelvin"),
    ("amount of substance", "mole"),
    ("luminous intensity", "candela"),
]


def builtin_rows() -> list[tuple[str, str]]:
    """Built-in functions and the first sentence of their docstring's description."""
    out = []
    for name in sorted(dir(builtins)):
        obj = getattr(builtins, name)
        if name.startswith("_") or not inspect.isbuiltin(obj):
            continue
        paras = [" ".join(p.split()) for p in (inspect.getdoc(obj) or "").split("\n\n")]
        paras = [p for p in paras if p and not re.match(rf"{name}\(", p)]
        if not paras:
            continue
        first = re.split(r"(?<=[.])\s", paras[0])[0]
        if re.search(rf"\b{name}\b", first, re.I) or len(first) < 20:
            continue
        out.append((name, first))
    return out


def rows() -> list[dict[str, object]]:
    items: list[tuple[str, str, str, str]] = []  # list, prompt, expected, judge
    for country, cap in EU_CAPITALS.items():
        items.append(("eu_capitals", f"What is the capital of {country}?", cap, "contains"))
    for el, sym in ELEMENTS:
        items.append(("element_symbols", f"What is the chemical symbol of {el}?", sym, "word"))
    for code in HTTP_CODES:
        phrase = http.HTTPStatus(code).phrase
        items.append(
            (
                "http_status",
                f"What is the reason phrase of HTTP status code {code}?",
                phrase,
                "contains",
            )
        )
    for name, doc in builtin_rows():
        items.append(
            (
                "python_builtins",
                f'Which Python built-in function is described as: "{doc}"?',
                name,
                "word",
            )
        )
    for state, cap in US_CAPITALS.items():
        items.append(
            (
                "us_state_capitals",
                f"What is the capital of the US state of {state}?",
                cap,
                "contains",
            )
        )
    for i, planet in enumerate(PLANETS):
        items.append(
            ("planets", f"Which planet is the {ORDINALS[i]} from the Sun?", planet, "contains")
        )
    for qty, unit in SI_UNITS:
        items.append(("si_units", f"What is the SI base unit of {qty}?", unit, "contains"))
    out = []
    for i, (lst, prompt, expected, judge) in enumerate(items):
        out.append(
            {
                "id": f"general-{lst}-{i:03d}",
                "prompt": prompt,
                "expected": expected,
                "category": "general",
                "skill": "general",
                "judge": judge,
                "split": "dev" if i % 2 == 0 else "heldout",
                "list": lst,
            }
        )
    return out


if __name__ == "__main__":
    data = rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    from collections import Counter

    print(len(data), dict(Counter(r["list"] for r in data)))
