"""The exit codes of every `conflictmap` command, in one table.

Why one table: scripts that drive conflictmap branch on exit codes, and each command defining its own
had drifted (`extract` said 2 for "nothing read", `ingest` 1). Every command now means the same thing by
the same number:

| code | name        | meaning                                                                    |
|------|-------------|----------------------------------------------------------------------------|
| 0    | OK          | everything asked for was done                                              |
| 1    | INCOMPLETE  | the command ran, but some input gave no result (a name not resolved, no    |
|      |             | article readable, no data at that date); what could be done was done       |
| 2    | ERROR       | nothing was done: a usage error, a bad option, a missing gazetteer, a store |
|      |             | or output that cannot be used; one line on stderr says why                 |
| 130  | INTERRUPTED | stopped by Ctrl-C (128 + SIGINT), nothing half-written                     |
| 143  | TERMINATED  | stopped by SIGTERM (128 + SIGTERM, e.g. `kill` or a service manager);       |
|      |             | temporary files removed, nothing half-written                              |
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    OK = 0
    INCOMPLETE = 1
    ERROR = 2
    INTERRUPTED = 130
    TERMINATED = 143
