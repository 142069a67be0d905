"""`flask lms sync` of a generated 1,000-lesson tree: cold (empty database) and unchanged."""
from __future__ import annotations

import argparse
import time

from common import make_app, reset_database, temp_dir

from tests.content_factory import make_big_tree


def timed_sync(app) -> tuple[float, str]:
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    return elapsed, result.output.strip().split(": ", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--lessons", type=int, default=1000)
    args = parser.parse_args()
    work = temp_dir()
    tree = make_big_tree(work / "tree", args.lessons)
    database = args.database or f"sqlite:///{work / 'sync.sqlite3'}"
    reset_database(database)
    app = make_app(database, tree)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    words = sum(len(p.read_text().split()) for p in tree.rglob("*.md"))
    cold, cold_report = timed_sync(app)
    warm, warm_report = timed_sync(app)
    print(f"sync of {args.lessons} lessons ({words:,} words, {database.split(':', 1)[0]})")
    print(f"  cold     : {cold:6.2f} s  (target under 3 s)   {cold_report}")
    print(f"  unchanged: {warm:6.2f} s  (target under 0.5 s) {warm_report}")


if __name__ == "__main__":
    main()
