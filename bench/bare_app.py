"""The baseline: a bare Flask app that serves a fixed HTML page (the lesson page's own bytes)."""
import os
from pathlib import Path

from flask import Flask

app = Flask(__name__)
HTML = Path(os.environ["BENCH_HTML"]).read_bytes()


@app.get("/")
def page():
    return HTML, 200, {"Content-Type": "text/html; charset=utf-8"}
