"""The benchmark's rows and the markdown table they are printed as."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    metric: str
    mosaic: str
    reference: str
    ratio: float
    goal: str
    ok: bool


def print_table(rows: list[Row]) -> None:
    headers = ("metric", "Mosaic", "reference", "ratio", "goal", "met")
    table = [headers] + [(r.metric, r.mosaic, r.reference, f"{r.ratio:.2f}×", r.goal,
                          "yes" if r.ok else "NO") for r in rows]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(headers))]
    for index, line in enumerate(table):
        print("| " + " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
