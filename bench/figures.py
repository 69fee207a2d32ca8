"""One measured figure and its target, printed as a table by `make bench`."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(slots=True)
class Figure:
    """A measurement; `target` is a human-readable goal such as "< 1.5" and `ok` whether it is met."""

    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def format_table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "unit", "target", "met")]
    for f in figures:
        met = "" if f.ok is None else ("yes" if f.ok else "NO")
        value = f"{f.value:,.3f}" if abs(f.value) < 100 else f"{f.value:,.0f}"
        rows.append((f.name, value, f.unit, f.target, met))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
