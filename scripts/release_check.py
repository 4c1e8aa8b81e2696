"""Release check: rlsdesk's safety properties at release scale, before a version is tagged.

    .venv/bin/python scripts/release_check.py              # 100,000 generated cases
    .venv/bin/python scripts/release_check.py --cases 10000 --fuzz 2000 --kills 100

Measured on a 2-core machine (shared, load about 2.7): 10,000 cases and their 2,500 ferritin
pairs took 4.0 min in one process, 3.3 CPU-minutes (about 20 ms a case, most of it generating
the case). 100,000 therefore need about 33 CPU-minutes: some 40 min in one process, about
20 min with ``--jobs 2`` (the default is one job per CPU, each with its own seed and a share of
the cases; 4,000 cases with 2 jobs took 1.3 min on the same loaded machine).

Each step is its own pytest process over the same tests CI runs, with their size turned up
through the environment variables those tests read:

1. engine invariants (tests/test_invariants.py, RLSDESK_PROPERTY_EXAMPLES): every hard stop of
   the clinical brief holds for N generated valid cases, and a lower ferritin never weakens
   the iron decision (N/4 generated pairs);
2. case loader fuzzing (tests/test_fuzz_case_loader.py, RLSDESK_FUZZ_EXAMPLES);
3. SIGKILL during writes (tests/test_kill_during_write.py, RLSDESK_KILLS per writer);
4. the malformed-case corpus, offline guard, permissions, audit and log tests as in CI.

Prints what ran, the seeds, how many examples passed (hypothesis statistics) and how long each
step took; exits 1 if any step fails. Each run draws fresh seeds, so every release explores new
cases; a failure prints the seed and hypothesis's minimal example to reproduce it.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSING = re.compile(r"- (\d+) passing, (\d+) failing")


@dataclass(frozen=True)
class Step:
    title: str
    tests: list[str]
    examples_variable: str | None = None  # split over the jobs when set
    examples: int = 0
    environment: tuple[tuple[str, str], ...] = ()


def _steps(cases: int, fuzz: int, kills: int) -> list[Step]:
    return [
        Step(f"engine invariants over {cases:,} generated cases (and {cases // 4:,} ferritin "
             "pairs)", ["tests/test_invariants.py"], "RLSDESK_PROPERTY_EXAMPLES", cases),
        Step(f"case loader fuzzing, {fuzz:,} examples per property",
             ["tests/test_fuzz_case_loader.py"], "RLSDESK_FUZZ_EXAMPLES", fuzz),
        Step(f"SIGKILL during writes, {kills:,} kills per writer",
             ["tests/test_kill_during_write.py"], environment=(("RLSDESK_KILLS", str(kills)),)),
        Step("malformed inputs, offline, permissions, audit and logs",
             ["tests/test_malformed_inputs.py", "tests/test_offline.py",
              "tests/test_permissions.py", "tests/test_audit.py", "tests/test_logs.py"]),
    ]  # fmt: skip


def _run(step: Step, jobs: int) -> tuple[bool, float, int]:
    """Run the step (as ``jobs`` parallel processes when it has examples to share)."""
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *step.tests]
    environment = dict(os.environ, **dict(step.environment))
    runs: list[tuple[list[str], dict[str, str]]] = []
    if step.examples_variable:
        jobs = max(1, min(jobs, step.examples))
        share = math.ceil(step.examples / jobs)
        for _ in range(jobs):
            seed = str(random.SystemRandom().randrange(2**32))
            command = [*base, "--hypothesis-show-statistics", f"--hypothesis-seed={seed}"]
            runs.append((command, dict(environment, **{step.examples_variable: str(share)})))
    else:
        runs.append((base, environment))
    print(f"\n=== {step.title}", flush=True)
    start = time.monotonic()
    processes = []
    for command, env in runs:
        print(f"    {' '.join(command[2:])}", flush=True)
        processes.append(subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        ))  # fmt: skip
    outputs = [process.communicate()[0] for process in processes]
    seconds = time.monotonic() - start
    passing = sum(int(found.group(1)) for out in outputs for found in PASSING.finditer(out))
    for out in outputs:
        print(out.rstrip())
    return all(process.returncode == 0 for process in processes), seconds, passing


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="generated cases (100,000)")
    parser.add_argument("--fuzz", type=int, default=5_000, help="fuzz examples per property")
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs per writer")
    parser.add_argument("--only", type=int, choices=range(1, 5), help="run one step (1-4)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parallel processes (one per CPU)"
    )
    args = parser.parse_args(arguments)
    steps = _steps(args.cases, args.fuzz, args.kills)
    if args.only:
        steps = [steps[args.only - 1]]
    results = [(step, *_run(step, args.jobs)) for step in steps]
    print("\n=== release check summary")
    for step, passed, seconds, passing in results:
        examples = f", {passing:,} examples passed" if step.examples_variable else ""
        print(f"{'PASS' if passed else 'FAIL'}  {step.title}: {seconds / 60:.1f} min{examples}")
    return 0 if all(passed for _, passed, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
