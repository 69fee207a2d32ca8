"""Text from outside (file names, source names, reasons quoting them) made safe to print on a terminal.

Why: a file named ``a\\x1b[31mred.txt`` printed raw sends an escape sequence to the terminal (colours
today, a rewritten title or a hidden line tomorrow), and a file name that is not valid UTF-8 arrives
as lone surrogates that crash `print` under a strict UTF-8 stdout. Every CLI line that shows a path or
a source name goes through `printable`; JSON outputs escape on their own.
"""

from __future__ import annotations

__all__ = ["printable"]


def printable(text: object) -> str:
    """`text` with each non-printable character escaped as `repr` would (``\\x1b``, ``\\n``, ``\\udcff``).

    Control characters (C0, DEL, C1), line and paragraph separators, format characters such as the
    right-to-left override, and lone surrogates are escaped; letters of every script, accents and
    spaces stay as they are, so "Mazār-i-Sharīf.txt" prints unchanged.
    """
    s = str(text)
    if s.isprintable():
        return s
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in s)
