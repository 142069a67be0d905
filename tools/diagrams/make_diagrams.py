"""Writes the course diagrams as SVG into each course's assets/ folder.

Run from the repository root:  python tools/diagrams/make_diagrams.py
Each diagram is a function below; change its numbers or labels and run the script again. The
output is plain, readable SVG: a <title> and <desc> for screen readers, one embedded <style> with a
dark-mode block (it applies when the SVG is shown through <img>), no script, no external reference.
"""
from __future__ import annotations

import math
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STYLE = """
  .bg { fill: #ffffff; }
  text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #1b1f24; font-size: 15px; }
  .small { font-size: 13px; }
  .big { font-size: 18px; font-weight: 600; }
  .muted { fill: #57606a; }
  .line { stroke: #1b1f24; stroke-width: 2; fill: none; }
  .grid { stroke: #d0d7de; stroke-width: 1; }
  .box { fill: #eef4fb; stroke: #0b5cad; stroke-width: 2; }
  .good { fill: #dff3e4; stroke: #1a7f37; stroke-width: 2; }
  .bad { fill: #fde8e8; stroke: #b42318; stroke-width: 2; }
  .warn { fill: #fff4d6; stroke: #9a6700; stroke-width: 2; }
  .accent { stroke: #0b5cad; stroke-width: 3; fill: none; }
  .accent2 { stroke: #b42318; stroke-width: 3; fill: none; stroke-dasharray: 8 5; }
  .dot { fill: #0b5cad; }
  .cone { fill: #eef4fb; stroke: #0b5cad; stroke-width: 2; }
  .arrowhead { fill: #1b1f24; }
  @media (prefers-color-scheme: dark) {
    .bg { fill: #0d1117; }
    text { fill: #e6edf3; }
    .muted { fill: #9da7b3; }
    .line { stroke: #e6edf3; }
    .grid { stroke: #30363d; }
    .box { fill: #13233a; stroke: #6cb6ff; }
    .good { fill: #12311d; stroke: #56d364; }
    .bad { fill: #3d1616; stroke: #ff7b72; }
    .warn { fill: #35290a; stroke: #e3b341; }
    .accent { stroke: #6cb6ff; }
    .accent2 { stroke: #ff7b72; }
    .dot { fill: #6cb6ff; }
    .cone { fill: #13233a; stroke: #6cb6ff; }
    .arrowhead { fill: #e6edf3; }
  }
"""


def svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" aria-labelledby="title desc">',
        f'<title id="title">{escape(title)}</title>',
        f'<desc id="desc">{escape(desc)}</desc>',
        f"<style>{STYLE}</style>",
        "<defs>",
        '  <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto">',
        '    <path class="arrowhead" d="M0,0 L10,5 L0,10 z"/>',
        "  </marker>",
        "</defs>",
        f'<rect class="bg" x="0" y="0" width="{width}" height="{height}" rx="8"/>',
        *body,
        "</svg>",
        "",
    ])


def text(x: float, y: float, s: str, cls: str = "", anchor: str = "middle") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}"{c}>{escape(s)}</text>'


def crisp_dm() -> str:
    phases = ["1. Business understanding", "2. Data understanding", "3. Data preparation",
              "4. Modeling", "5. Evaluation", "6. Deployment"]
    cx, cy, r = 380, 270, 185
    body = [text(380, 32, "CRISP-DM: six phases, with loops back", "big")]
    points = []
    for i, name in enumerate(phases):
        angle = -math.pi / 2 + i * 2 * math.pi / 6
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        points.append((x, y))
        body.append(f'<rect class="box" x="{x - 105:.0f}" y="{y - 22:.0f}" width="210" height="44" rx="10"/>')
        body.append(text(x, y + 5, name))
    for i in range(6):  # forward arrows around the ring
        (x1, y1), (x2, y2) = points[i], points[(i + 1) % 6]
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy)
        sx, sy = x1 + dx * 0.30, y1 + dy * 0.30
        ex, ey = x1 + dx * 0.70, y1 + dy * 0.70
        cls = "accent2" if i == 5 else "line"
        body.append(f'<line class="{cls}" x1="{sx:.0f}" y1="{sy:.0f}" x2="{ex:.0f}" y2="{ey:.0f}" marker-end="url(#arrow)"/>')
        _ = d
    # the loops back that the lesson names, drawn inside the ring
    body.append(f'<path class="accent" d="M{cx + 110},{cy - 150} Q{cx + 50},{cy - 120} {cx + 20},{cy - 160}" marker-end="url(#arrow)"/>')
    body.append(f'<path class="accent" d="M{cx + 40},{cy + 160} Q{cx + 90},{cy + 120} {cx + 130},{cy + 68}" marker-end="url(#arrow)"/>')
    body.append(f'<path class="accent" d="M{cx - 130},{cy + 68} Q{cx - 60},{cy - 40} {cx - 20},{cy - 160}" marker-end="url(#arrow)"/>')
    body.append(text(cx, cy - 4, "Data at the centre:", "small muted"))
    body.append(text(cx, cy + 14, "every phase can send you back", "small muted"))
    body.append(text(380, 508, "Blue arrows: data to business, modeling to preparation, evaluation to the start.", "small muted"))
    body.append(text(380, 528, "Red dashed arrow: deployment and monitoring start the next cycle.", "small muted"))
    return svg(760, 545, "The CRISP-DM cycle",
               "Six phases in a ring: business understanding, data understanding, data preparation, modeling, "
               "evaluation and deployment, with arrows forward around the ring and arrows back from data "
               "understanding to business understanding, from modeling to data preparation, and from evaluation "
               "to business understanding. Deployment leads into the next cycle.", body)


def confusion_matrix() -> str:
    body = [text(380, 32, "Confusion matrix: the card-fraud model on 10,000 transactions", "big"),
            text(430, 76, "Actually fraud (200)"), text(640, 76, "Actually legitimate (9,800)"),
            text(150, 156, "Flagged (250)", anchor="middle"), text(150, 286, "Not flagged (9,750)", anchor="middle")]
    cells = [(330, 96, "good", "TP = 160", "fraud caught"), (540, 96, "bad", "FP = 90", "false alarm"),
             (330, 226, "bad", "FN = 40", "fraud missed"), (540, 226, "good", "TN = 9,710", "left alone, correctly")]
    for x, y, cls, main, sub in cells:
        body.append(f'<rect class="{cls}" x="{x}" y="{y}" width="200" height="120" rx="6"/>')
        body.append(text(x + 100, y + 55, main, "big"))
        body.append(text(x + 100, y + 82, sub, "small"))
    body.append(text(380, 384, "Precision = TP / (TP + FP) = 160 / 250 = 64%   (read along the top row)", "small"))
    body.append(text(380, 408, "Recall = TP / (TP + FN) = 160 / 200 = 80%   (read down the left column)", "small"))
    body.append(text(380, 432, "Accuracy = (TP + TN) / all = 9,870 / 10,000 = 98.7%", "small muted"))
    return svg(760, 455, "Confusion matrix of the card-fraud model",
               "A two by two grid. Rows: flagged by the model (250) and not flagged (9,750). Columns: actually "
               "fraud (200) and actually legitimate (9,800). Cells: true positives 160, false positives 90, "
               "false negatives 40, true negatives 9,710. Precision is 160 of 250, 64 percent; recall is 160 of "
               "200, 80 percent; accuracy is 98.7 percent.", body)


def precision_recall() -> str:
    rows = [(0.90, 85, 43), (0.50, 64, 80), (0.30, 38, 86), (0.20, 26, 93), (0.05, 10, 98)]
    x0, y0, w, h = 110, 70, 560, 300  # plot area: x = threshold 1.0 (left) to 0.0 (right)

    def px(t: float) -> float:
        return x0 + (1 - t) * w

    def py(v: float) -> float:
        return y0 + h - v / 100 * h

    body = [text(390, 34, "Lowering the threshold: recall rises, precision falls", "big")]
    for v in (0, 25, 50, 75, 100):
        body.append(f'<line class="grid" x1="{x0}" y1="{py(v):.0f}" x2="{x0 + w}" y2="{py(v):.0f}"/>')
        body.append(text(x0 - 10, py(v) + 5, f"{v}%", "small muted", "end"))
    for t in (1.0, 0.75, 0.5, 0.25, 0.0):
        body.append(text(px(t), y0 + h + 22, f"{t:.2f}", "small muted"))
    body.append(text(x0 + w / 2, y0 + h + 46, "Decision threshold (high on the left, low on the right)", "small"))
    body.append(f'<line class="line" x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0 + h}"/>')
    prec = " ".join(f"{px(t):.0f},{py(p):.0f}" for t, p, _ in rows)
    rec = " ".join(f"{px(t):.0f},{py(r):.0f}" for t, _, r in rows)
    body.append(f'<polyline class="accent" points="{prec}"/>')
    body.append(f'<polyline class="accent2" points="{rec}"/>')
    for t, p, r in rows:
        body.append(f'<circle class="dot" cx="{px(t):.0f}" cy="{py(p):.0f}" r="4"/>')
        body.append(text(px(t) + 8, py(p) + 18, f"{p}%", "small", "start"))
        body.append(text(px(t) + 8, py(r) - 8, f"{r}%", "small", "start"))
    body.append(f'<line class="grid" x1="{px(0.2):.0f}" y1="{y0}" x2="{px(0.2):.0f}" y2="{y0 + h}"/>')
    body.append(text(px(0.2) - 6, py(58), "cheapest once", "small", "end"))
    body.append(text(px(0.2) - 6, py(58) + 17, "errors are priced", "small", "end"))
    body.append(f'<line class="accent" x1="{x0 + 20}" y1="{y0 + h + 70}" x2="{x0 + 60}" y2="{y0 + h + 70}"/>')
    body.append(text(x0 + 68, y0 + h + 75, "Precision", "small", "start"))
    body.append(f'<line class="accent2" x1="{x0 + 200}" y1="{y0 + h + 70}" x2="{x0 + 240}" y2="{y0 + h + 70}"/>')
    body.append(text(x0 + 248, y0 + h + 75, "Recall (dashed)", "small", "start"))
    return svg(760, 460, "Precision and recall of the fraud model at five thresholds",
               "A line chart. As the threshold falls from 0.90 to 0.05, precision falls from 85 to 64, 38, 26 and "
               "10 percent while recall rises from 43 to 80, 86, 93 and 98 percent. The 0.20 threshold is marked "
               "as the cheapest once errors are priced.", body)


def cone() -> str:
    x0, x1, ymid = 120, 700, 250
    stages = [("Concept", 4.0, 0.25), ("Scope and metrics agreed", 2.0, 0.5), ("Data spike done", 1.5, 0.67),
              ("Baseline model", 1.25, 0.8), ("Release", 1.0, 1.0)]

    def y(f: float) -> float:
        return ymid - math.log2(f) * 80  # log scale: 4x is as far above as 0.25x is below

    xs = [x0 + i * (x1 - x0) / (len(stages) - 1) for i in range(len(stages))]
    upper = " ".join(f"{x:.0f},{y(hi):.0f}" for x, (_, hi, _) in zip(xs, stages))
    lower = " ".join(f"{x:.0f},{y(lo):.0f}" for x, (_, _, lo) in reversed(list(zip(xs, stages))))
    body = [text(410, 34, "The cone of uncertainty narrows at decisions, not with time", "big"),
            f'<polygon class="cone" points="{upper} {lower}"/>',
            f'<line class="line" x1="{x0}" y1="{ymid}" x2="{x1}" y2="{ymid}"/>']
    for f in (4, 2, 1, 0.5, 0.25):
        body.append(text(x0 - 12, y(f) + 5, f"{f:g}×", "small muted", "end"))
    for x, (name, hi, lo) in zip(xs, stages):
        body.append(f'<line class="grid" x1="{x:.0f}" y1="{y(4) - 6:.0f}" x2="{x:.0f}" y2="{y(0.25) + 6:.0f}"/>')
        body.append(text(x, y(0.25) + 28, name, "small"))
    body.append(text(x0 + 6, y(4) - 14, "20-week guess: 5 to 80 weeks", "small", "start"))
    body.append(text(xs[1] + 6, y(2) - 14, "10 to 40 weeks", "small", "start"))
    body.append(text(410, 470, "Ranges for the concept and scope stages follow Boehm and McConnell; later stages are illustrative.",
                     "small muted"))
    return svg(820, 490, "The cone of uncertainty for the late-delivery model",
               "A funnel shape on a log scale. At the concept stage the real effort can be 0.25 to 4 times the "
               "estimate (5 to 80 weeks for a 20-week guess); once scope and metrics are agreed, 0.5 to 2 times "
               "(10 to 40 weeks); the range narrows further after the data spike and the baseline model, and "
               "reaches the actual figure at release.", body)


def drift() -> str:
    x0, y0, w, h = 110, 70, 560, 280
    months = ["Training", "Jan", "Feb", "Mar", "Apr", "May"]

    def py(v: float) -> float:
        return y0 + h - v / 0.4 * h

    def px(i: float) -> float:
        return x0 + i * w / (len(months) - 1)

    body = [text(390, 34, "Drift over time: PSI of the transaction-amount feature", "big"),
            f'<rect class="good" x="{x0}" y="{py(0.1):.0f}" width="{w}" height="{py(0) - py(0.1):.0f}"/>',
            f'<rect class="warn" x="{x0}" y="{py(0.25):.0f}" width="{w}" height="{py(0.1) - py(0.25):.0f}"/>',
            f'<rect class="bad" x="{x0}" y="{py(0.4):.0f}" width="{w}" height="{py(0.25) - py(0.4):.0f}"/>',
            text(px(1.5), py(0.075) + 5, "below 0.1: stable", "small"),
            text(px(1.5), py(0.175) + 5, "0.1 to 0.25: investigate", "small"),
            text(px(1.5), py(0.325) + 5, "above 0.25: act", "small")]
    for v in (0, 0.1, 0.25, 0.4):
        body.append(text(x0 - 10, py(v) + 5, f"{v:g}", "small muted", "end"))
    for i, m in enumerate(months):
        body.append(text(px(i), y0 + h + 24, m, "small"))
    body.append(f'<polyline class="accent" points="{px(0):.0f},{py(0):.0f} {px(3):.0f},{py(0.05):.0f} {px(5):.0f},{py(0.349):.0f}"/>')
    for i, v, label in ((0, 0.0, "0 by definition"), (3, 0.05, "March 0.05"), (5, 0.349, "May 0.35")):
        body.append(f'<circle class="dot" cx="{px(i):.0f}" cy="{py(v):.0f}" r="6"/>')
        body.append(text(px(i) - 10, py(v) - 12, label, "small", "end" if i else "start"))
    body.append(text(390, 412, "After an e-commerce partnership, large amounts became common: the inputs moved.", "small muted"))
    body.append(text(390, 432, "A PSI above 0.25 means check performance now, not that the model has failed.", "small muted"))
    return svg(780, 450, "Population stability index of the transaction-amount feature over time",
               "A chart of PSI by month against three bands: below 0.1 stable, 0.1 to 0.25 investigate, above 0.25 "
               "act. The training data defines zero; March measures 0.05, in the stable band; May measures 0.35, "
               "in the act band, after an e-commerce partnership shifted transaction amounts upward.", body)


def raci() -> str:
    roles = ["Sponsor", "PO", "PM", "DS", "MLE", "Legal"]
    rows = [("Approve business case and budget", "A C R C I C"),
            ("Define success metrics", "C A R C C C"),
            ("Experiments and evaluation report", "I I I A/R C I"),
            ("Risk classification, DPIA, AI Act", "I C R C I A"),
            ("Deployment pipeline and serving", "I I C C A/R I"),
            ("Go/no-go at rollout gates", "C A R C C C"),
            ("Retraining decision", "I A C R R I")]
    cls = {"A": "bad", "R": "box", "A/R": "warn", "C": "good", "I": "bg"}
    left, top, cw, rh = 290, 80, 78, 44
    body = [text(390, 34, "RACI: exactly one A in every row", "big")]
    for j, role in enumerate(roles):
        body.append(text(left + j * cw + cw / 2, top - 12, role))
    for i, (activity, letters) in enumerate(rows):
        yy = top + i * rh
        body.append(text(left - 12, yy + rh / 2 + 5, activity, "small", "end"))
        for j, letter in enumerate(letters.split()):
            body.append(f'<rect class="{cls[letter]}" x="{left + j * cw + 3}" y="{yy + 3}" width="{cw - 6}" height="{rh - 6}" rx="4"/>')
            body.append(text(left + j * cw + cw / 2, yy + rh / 2 + 6, letter, "big"))
        body.append(f'<line class="grid" x1="20" y1="{yy + rh}" x2="{left + 6 * cw}" y2="{yy + rh}"/>')
    yy = top + len(rows) * rh + 30
    body.append(text(390, yy, "R responsible (does it)   A accountable (signs off)   C consulted (before)   I informed (after)", "small"))
    body.append(text(390, yy + 22, "Seven of the eleven rows of the lesson's RACI; the domain expert and data engineer columns are left out.",
                     "small muted"))
    return svg(780, yy + 40, "RACI matrix for an AI project",
               "A grid of seven activities by six roles: sponsor, product owner, project manager, data scientist, "
               "ML engineer and legal. Each row has exactly one accountable role: the sponsor approves the business "
               "case; the product owner owns success metrics, go/no-go and retraining; the data scientist owns the "
               "evaluation report; legal owns risk classification; the ML engineer owns deployment.", body)


DIAGRAMS = {
    "courses/agile-ai-delivery/assets/crisp-dm-cycle.svg": crisp_dm,
    "courses/agile-ai-delivery/assets/cone-of-uncertainty.svg": cone,
    "courses/ai-foundations/assets/confusion-matrix.svg": confusion_matrix,
    "courses/ai-foundations/assets/precision-recall-tradeoff.svg": precision_recall,
    "courses/leading-ai-initiatives/assets/drift-over-time.svg": drift,
    "courses/leading-ai-initiatives/assets/raci-matrix.svg": raci,
}


def main() -> None:
    for rel, make in DIAGRAMS.items():
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make(), encoding="utf-8")
        print("wrote", rel)


if __name__ == "__main__":
    main()
