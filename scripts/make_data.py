"""Regenerate the small data sets in utils/data_files/ (seeded: the same bytes every time).

    python scripts/make_data.py

They live inside the package so that an installed wheel carries them. Then update the checksums
in utils/data.py and data/README.md if a file changed on purpose.
"""
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "utils" / "data_files"


def coffee_roasting(n=200, seed=2):
    """Roast temperature (Celsius) and duration (minutes) -> good roast (1) or not (0).

    A roast is good inside a band: hot or long enough to develop, not so hot or long that it burns.
    """
    rng = np.random.default_rng(seed)
    temperature = rng.uniform(150, 285, n)
    duration = rng.uniform(11.5, 15.5, n)
    developed = (temperature - 175) / 80 + (duration - 12) / 3 >= 0.6
    not_burnt = (temperature <= 260) & (duration <= 15)
    good = (developed & not_burnt).astype(int)
    return np.column_stack([temperature.round(2), duration.round(2), good])


def house_prices(n=100, seed=3):
    """Floor area (1000 sq ft) -> sale price (1000 $): a straight line plus noise."""
    rng = np.random.default_rng(seed)
    size = rng.uniform(0.6, 3.4, n)
    price = 60 + 180 * size + rng.normal(0, 25, n)
    return np.column_stack([size.round(3), price.round(1)])


def write(name, header, rows, formats):
    path = DATA / name
    with path.open("w", newline="\n") as f:
        f.write(header + "\n")
        for row in rows:
            f.write(",".join(fmt.format(v) for fmt, v in zip(formats, row, strict=True)) + "\n")
    print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    write("coffee_roasting.csv", "temperature_c,duration_min,good_roast",
          coffee_roasting(), ["{:.2f}", "{:.2f}", "{:.0f}"])
    write("house_prices.csv", "size_1000sqft,price_1000usd", house_prices(), ["{:.3f}", "{:.1f}"])
