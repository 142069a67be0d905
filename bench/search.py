"""Search over a generated 1,000-lesson tree, in-process: p99 of search requests against the home page
(the catalog) in the same run. Target: search p99 under 50 ms."""
from __future__ import annotations

import argparse
import statistics
import time

from common import prepare, temp_dir

from tests.content_factory import make_big_tree

# Words in every lesson (the worst case: 1,000 matches to count and rank), a lesson's title, two words, none.
QUERIES = ["precision", "threshold", "Lesson 537", "fraud model", "confusion matrix", "zeppelin"]


def timed(client, path: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=100, help="requests per query")
    args = parser.parse_args()
    work = temp_dir()
    tree = make_big_tree(work / "tree", args.lessons)
    database = args.database or f"sqlite:///{work / 'search.sqlite3'}"
    app = prepare(database, tree)
    client = app.test_client()
    assert "Lesson 537" in client.get("/search?q=Lesson+537").get_data(as_text=True)
    timed(client, "/", 10)  # warm up
    home = timed(client, "/", args.rounds)
    searches, per_query = [], {}
    for query in QUERIES:
        path = "/search?q=" + query.replace(" ", "+")
        timed(client, path, 5)
        per_query[query] = timed(client, path, args.rounds)
        searches += per_query[query]
    kind = database.split(":", 1)[0]
    print(f"search over {args.lessons} lessons ({kind}, in-process, {args.rounds} requests per query)")
    for query, times in per_query.items():
        print(f"  {query!r:20s}: p50 {statistics.median(times):6.2f} ms  p99 {p99(times):6.2f} ms")
    print(f"  all searches        : p50 {statistics.median(searches):6.2f} ms  p99 {p99(searches):6.2f} ms  (target: p99 under 50 ms)")
    print(f"  home page (baseline): p50 {statistics.median(home):6.2f} ms  p99 {p99(home):6.2f} ms")
    print(f"  ratio               : search p99 is {p99(searches) / p99(home):.2f}x the home page's")


if __name__ == "__main__":
    main()
