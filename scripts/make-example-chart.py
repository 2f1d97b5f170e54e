"""Write the fictitious client export used by scenarios/client-example.toml.

Usage: .venv/bin/python scripts/make-example-chart.py

An HR export as a client might send it: ``employees.csv`` (id, name, email, site, manager_id,
division, team; rows in no particular order) and ``collaboration.csv`` (a, b, weight: how much
two people work together, as trust in (0, 1]). Everything is invented; the same seed always
writes the same files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "client-example"
DIVISIONS = {"Sales": 150, "Operations": 180, "Engineering": 120, "Finance": 40, "People": 30}
SITES = ("Leeds", "Lyon", "Porto")
SEED = 20261202


def main() -> None:
    """Build the fictitious organisation and write both files."""
    rng = np.random.default_rng(SEED)
    rows = [{"id": "E0001", "manager_id": "", "division": "Executive", "team": "Board"}]
    for division, size in DIVISIONS.items():
        head = f"E{len(rows) + 1:04d}"
        rows.append({"id": head, "manager_id": "E0001", "division": division, "team": "Board"})
        managers, people, teams = [head], 1, 0
        while people < size:
            boss = managers.pop(0)
            teams += 1
            span = int(rng.integers(4, 10))
            for _ in range(min(span, size - people)):
                person = f"E{len(rows) + 1:04d}"
                rows.append({"id": person, "manager_id": boss, "division": division,
                             "team": f"{division[:3].upper()}-{teams:02d}"})
                managers.append(person)
                people += 1
    ids = [r["id"] for r in rows]
    division_of = np.array([r["division"] for r in rows])
    for row in rows:
        number = int(row["id"][1:])
        row["name"] = f"Employee {number}"
        row["email"] = f"employee{number}@client.example"
        row["site"] = SITES[int(rng.integers(len(SITES)))]
    ties = {}
    for i in range(len(rows)):
        for _ in range(3):
            same = np.flatnonzero(division_of == division_of[i])
            pool = same if rng.random() < 0.85 else np.flatnonzero(division_of != division_of[i])
            j = int(rng.choice(pool))
            if j != i:
                ties[(min(i, j), max(i, j))] = round(float(rng.beta(6.0, 4.0)), 3) or 0.001
    FOLDER.mkdir(parents=True, exist_ok=True)
    columns = ["id", "name", "email", "site", "manager_id", "division", "team"]
    with (FOLDER / "employees.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[k] for k in rng.permutation(len(rows)))
    with (FOLDER / "collaboration.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["a", "b", "weight"])
        for (i, j), weight in sorted(ties.items()):
            writer.writerow([ids[i], ids[j], weight])
    print(f"wrote {len(rows)} employees and {len(ties)} ties to {FOLDER}")


if __name__ == "__main__":
    main()
