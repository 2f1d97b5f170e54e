#!/usr/bin/env python3
"""Write a fictitious 50,000-person company as an HRIS export: employees and e-mail counts.

    .venv/bin/python scripts/make-large-company.py [--out FOLDER] [--people N]

writes ``FOLDER/employees.csv`` and ``FOLDER/collaboration.csv`` (default folder
``scenarios/large-company``, not committed; ``scenarios/large-company.toml`` reads it). The files
have the shape an HR system exports: comma-separated, UTF-8 with a byte-order mark, CR LF line
ends.

* ``employees.csv``: ``Employee ID,Employee Name,Job Title,Department,Team,Manager ID,Location``.
  Six-digit ids in random order (rows sorted by id), a CEO in an Executive Office with a few
  staff, eight departments of unequal size, each under a head who reports to the CEO, and
  below each head a hierarchy built from the bottom: teams of 4 to 12 people under a team lead,
  4 to 12 team leads under a manager, and so on up to the head. A person's Team is the unit
  they belong to: a team lead and their team share one, every other manager has a unit of
  their own. Names are made up and ignored by orglearn.
* ``collaboration.csv``: ``Sender ID,Recipient ID,Emails``, e-mails sent in a quarter: every
  reporting line, about half of the pairs inside a team, a few colleagues elsewhere in the
  department (mostly under the same manager's manager) and fewer in other departments. Counts
  are whole numbers of at least 1; about a quarter of the pairs are listed in both directions.

One numpy generator with a fixed seed draws everything, so the same arguments give the same
bytes. The full size takes a few seconds and about 8.5 MB.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import sys
from pathlib import Path

import numpy as np

SEED = 20260
DEPARTMENTS = (  # name, code, share of the people below the CEO's office
    ("Operations", "OPS", 0.30), ("Sales", "SAL", 0.17), ("Engineering", "ENG", 0.15),
    ("Customer Service", "CUS", 0.13), ("Information Technology", "ITS", 0.08),
    ("Finance", "FIN", 0.07), ("Marketing", "MKT", 0.06), ("Human Resources", "HRM", 0.04),
)
EXECUTIVE_STAFF = 6
SPAN = (4, 12)
LOCATIONS = ("Chicago", "Dallas", "Atlanta", "Toronto", "Manchester", "Kraków", "Bengaluru",
             "São Paulo")
FIRST = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
         "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
         "Thomas", "Sarah", "Carlos", "Karen", "Priya", "Wei", "Aisha", "Mateo", "Olga",
         "Chloé", "José", "Zoë", "Søren", "Łukasz", "Anaïs", "Björn", "Rahul", "Fatima",
         "Kenji", "Ngozi", "Lucía", "Dmitri", "Amara", "Noah")
LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Taylor", "Moore",
        "Patel", "Nguyen", "Kim", "Chen", "Kowalski", "Müller", "O'Brien", "Núñez", "Søndergaard",
        "Dubois", "Rossi", "Singh", "Okafor", "Yamamoto", "Ivanova", "Haddad", "Fernández",
        "Lindqvist", "Novak", "Costa")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line: ``--out FOLDER`` and ``--people N``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("scenarios/large-company"),
                        help="folder to write into (default: scenarios/large-company)")
    parser.add_argument("--people", type=int, default=50_000,
                        help="number of employees (default: 50,000; at least 100)")
    args = parser.parse_args(argv)
    if args.people < 100:
        parser.error(f"--people {args.people}: at least 100 people are needed")
    return args


def spans(rng: np.random.Generator, people: int, groups: int) -> np.ndarray:
    """``groups`` group sizes in SPAN that add up to ``people`` (requires that to be possible)."""
    low, high = SPAN
    sizes = rng.integers(low, high + 1, groups)
    gap = people - int(sizes.sum())
    while gap:
        room = np.flatnonzero(sizes < high) if gap > 0 else np.flatnonzero(sizes > low)
        pick = rng.choice(room, size=min(abs(gap), room.size), replace=False)
        sizes[pick] += 1 if gap > 0 else -1
        gap -= int(np.sign(gap)) * pick.size
    return sizes


def department(rng: np.random.Generator, size: int) -> tuple[np.ndarray, list[int]]:
    """The hierarchy of one department of ``size`` people, person 0 its head.

    Returns the manager of each person (-1 for the head) and the number of people on each
    level from the bottom: individual contributors, team leads, their managers, ...
    """
    below = size - 1
    if below <= SPAN[1]:
        return np.r_[-1, np.zeros(below, np.int64)], [below]
    levels = [round(below / 9)]  # team leads: about 8 people per team
    while levels[-1] > SPAN[1]:
        levels.append(round(levels[-1] / 8))
    levels.insert(0, below - sum(levels))  # individual contributors
    # people are numbered from the top: head 0, then the highest level, ..., contributors last
    starts = np.cumsum([1, *levels[::-1]])[:-1][::-1]  # first index of each level, bottom first
    manager = np.full(size, -1, np.int64)
    for k, count in enumerate(levels):
        first = starts[k]
        if k == len(levels) - 1:
            manager[first:first + count] = 0
            continue
        sizes = spans(rng, count, levels[k + 1])
        bosses = starts[k + 1] + np.repeat(np.arange(levels[k + 1]), sizes)
        manager[first:first + count] = rng.permutation(bosses)
    return manager, levels


def organisation(rng: np.random.Generator, people: int) -> dict[str, np.ndarray]:
    """Everyone's department, manager, level and unit, by person (0 is the CEO)."""
    shares = np.array([share for _, _, share in DEPARTMENTS])
    rest = people - 1 - EXECUTIVE_STAFF
    sizes = np.floor(rest * shares / shares.sum()).astype(np.int64)
    sizes[0] += rest - sizes.sum()
    dept = [np.zeros(1 + EXECUTIVE_STAFF, np.int64)]
    manager = [np.r_[-1, np.zeros(EXECUTIVE_STAFF, np.int64)]]
    level = [np.r_[0, np.full(EXECUTIVE_STAFF, -1)]]  # -1: staff, no reports
    offset = 1 + EXECUTIVE_STAFF
    for d, size in enumerate(sizes.tolist(), start=1):
        local, counts = department(rng, size)
        boss = np.where(local >= 0, local + offset, 0)  # the heads report to the CEO
        tiers = np.repeat(np.arange(len(counts))[::-1], counts[::-1])
        dept.append(np.full(size, d))
        manager.append(boss)
        level.append(np.r_[len(counts), tiers])  # 0: contributor, 1: team lead, ...
        offset += size
    dept_, manager_, level_ = (np.concatenate(x) for x in (dept, manager, level))
    level_[0] = level_.max() + 1
    # a unit per manager; a contributor is in their lead's unit, a team lead leads their own
    unit = np.where(level_ == 0, manager_, np.arange(people))
    unit[1:1 + EXECUTIVE_STAFF] = 0
    return {"department": dept_, "manager": manager_, "level": level_, "unit": unit}


def collaboration(rng: np.random.Generator, org: dict[str, np.ndarray]) -> np.ndarray:
    """``(rows, 3)`` sender, recipient, e-mails (person numbers)."""
    manager, unit, dept = org["manager"], org["unit"], org["department"]
    n = manager.size
    person = np.arange(n)
    pairs = [np.c_[manager[manager >= 0], person[manager >= 0]]]
    means = [np.full(int((manager >= 0).sum()), 30.0)]
    # pairs inside a unit: every second pair of its members
    order = np.argsort(unit, kind="stable")
    starts = np.flatnonzero(np.r_[True, unit[order][1:] != unit[order][:-1]])
    sizes = np.diff(np.r_[starts, n])
    for size in range(2, int(sizes.max()) + 1):
        blocks = starts[sizes == size]
        if not blocks.size:
            continue
        i, j = np.triu_indices(size, 1)
        a, b = order[blocks[:, None] + i], order[blocks[:, None] + j]
        keep = rng.random(a.shape) < 0.5
        pairs.append(np.c_[a[keep], b[keep]])
        means.append(np.full(int(keep.sum()), 12.0))
    # colleagues elsewhere: under the same second-line manager, in the department, outside it
    grand = np.where(manager >= 0, manager[np.maximum(manager, 0)], -1)
    for reach, per_person, mean in (("grand", 1.0, 6.0), ("department", 0.8, 3.0),
                                    ("company", 0.3, 2.0)):
        k = rng.poisson(per_person, n)
        a = np.repeat(person, k)
        key = {"grand": grand, "department": dept, "company": np.zeros(n, np.int64)}[reach]
        by = np.argsort(key, kind="stable")
        first = np.searchsorted(key[by], key[a], side="left")
        last = np.searchsorted(key[by], key[a], side="right")
        b = by[first + (rng.random(a.size) * (last - first)).astype(np.int64)]
        if reach == "company":
            b = np.where(dept[a] == dept[b], rng.integers(0, n, a.size), b)
        pairs.append(np.c_[a, b])
        means.append(np.full(a.size, mean))
    pair, mean = np.concatenate(pairs), np.concatenate(means)
    lo, hi = pair.min(axis=1), pair.max(axis=1)
    keep = lo != hi
    key, first = np.unique(lo[keep] * n + hi[keep], return_index=True)
    mean = mean[keep][first]
    lo, hi = key // n, key % n
    emails = 1 + rng.negative_binomial(1.5, 1.5 / (1.5 + mean - 1))
    swap = rng.random(key.size) < 0.5
    sender, recipient = np.where(swap, hi, lo), np.where(swap, lo, hi)
    both = (rng.random(key.size) < 0.25) & (emails >= 2)
    back = np.where(both, 1 + rng.integers(0, np.maximum(emails, 2) - 1), 0)  # 1 .. emails-1
    return np.r_[np.c_[sender, recipient, emails - back],
                 np.c_[recipient, sender, back][both]]


def job_titles(org: dict[str, np.ndarray]) -> list[str]:
    """Everyone's job title, from their level and place (shown in the file, never read)."""
    level = org["level"]
    titles = np.full(level.size, "Specialist", dtype=object)
    titles[level == 1] = "Team Lead"
    titles[level == 2] = "Manager"
    titles[level >= 3] = "Senior Manager"
    titles[level == -1] = "Executive Assistant"
    titles[(org["manager"] == 0) & (org["department"] > 0)] = "Vice President"
    titles[0] = "Chief Executive Officer"
    return titles.tolist()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Comma-separated, UTF-8 with a byte-order mark, CR LF: as an HR system exports."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"))
    tmp.replace(path)


def main(argv: list[str]) -> int:
    """Write the two files; 0 on success."""
    args = parse_args(argv)
    rng = np.random.default_rng(SEED)
    org = organisation(rng, args.people)
    n = args.people
    ids = rng.choice(np.arange(100_000, 1_000_000), size=n, replace=False)
    label = np.array(["Executive Office", *[name for name, _, _ in DEPARTMENTS]], dtype=object)
    code = np.array(["EXE", *[c for _, c, _ in DEPARTMENTS]], dtype=object)
    unit_number = np.unique(org["unit"], return_inverse=True)[1] + 1
    names = [f"{FIRST[f]} {LAST[s]}" for f, s in zip(rng.integers(0, len(FIRST), n).tolist(),
                                                      rng.integers(0, len(LAST), n).tolist(),
                                                      strict=True)]
    site = rng.integers(0, len(LOCATIONS), n)
    titles = job_titles(org)
    manager = org["manager"]
    rows = [[str(ids[i]), names[i], titles[i], label[org["department"][i]],
             f"{code[org['department'][org['unit'][i]]]}-{unit_number[i]:05d}",
             str(ids[manager[i]]) if manager[i] >= 0 else "", LOCATIONS[site[i]]]
            for i in np.argsort(ids).tolist()]
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "employees.csv", ["Employee ID", "Employee Name", "Job Title",
                                           "Department", "Team", "Manager ID", "Location"], rows)
    ties = collaboration(rng, org)
    ties = ties[np.lexsort((ids[ties[:, 1]], ids[ties[:, 0]]))]
    write_csv(args.out / "collaboration.csv", ["Sender ID", "Recipient ID", "Emails"],
              [[str(ids[a]), str(ids[b]), str(c)] for a, b, c in ties.tolist()])
    print(f"{args.out}: {n:,} employees, {len(ties):,} e-mail rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
