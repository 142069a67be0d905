"""Run every benchmark and print its figures (nothing is asserted: the figures go in the notes)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

RUNS = [
    ["sync.py"],
    ["sync.py", "--database", POSTGRES],
    ["queries.py"],
    ["lesson_page.py", "--floors"],
    ["lesson_page.py", "--database", POSTGRES, "--floors"],
    ["lesson_page.py", "--worker-class", "gthread", "--workers", "2"],
    ["quiz_submit.py"],
    ["quiz_submit.py", "--database", POSTGRES],
    ["certificates.py"],
    ["account_mail.py"],
    ["csv_export.py"],
    ["csv_export.py", "--database", POSTGRES],
    ["cohort.py"],
    ["cohort.py", "--database", POSTGRES],
    ["cohort_import.py"],
    ["cohort_import.py", "--database", POSTGRES],
    ["search.py"],
    ["search.py", "--database", POSTGRES],
    ["cohort_progress.py"],
    ["cohort_progress.py", "--database", POSTGRES],
    ["practical_work.py"],
    ["practical_work.py", "--database", POSTGRES],
    ["reminders.py"],
    ["reminders.py", "--database", POSTGRES],
    ["reminders.py", "--backend", "rq"],
]

if __name__ == "__main__":
    failed = 0
    for args in RUNS:
        result = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], cwd=HERE, capture_output=True, text=True)
        print("".join(line + "\n" for line in result.stdout.splitlines() if not line.startswith("INFO")), end="")
        if result.returncode:
            failed += 1
            print(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    sys.exit(1 if failed else 0)
