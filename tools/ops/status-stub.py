#!/usr/bin/env python3
"""Writes the stub sites of tools/ops/status-page-test.sh --stub: the status page beside a fixed status.json.

    python3 tools/ops/status-stub.py OUT_DIR STATUS_HTML SAMPLE_JSON

Makes OUT_DIR/NAME/index.html (a copy of the page), OUT_DIR/NAME/status.json and OUT_DIR/NAME/expect.json (what the
page must show, computed here from the JSON, not by the page's script) for each scenario:
    many        1,000 agencies mid-round: 800 finished, 200 not, the draw open
    many-drawn  1,000 agencies after the draw, winners per agency
    sample      SAMPLE_JSON as it is (the course's 5 agencies, round over)
    drawing     the sample with every agency finished and the draw not published yet
    down        the page and no status.json (the page must say the server is unreachable)
`python3 -m http.server --directory OUT_DIR` then serves them; everything is deterministic (no randomness).
"""
import json
import shutil
import sys
from pathlib import Path

SLOWEST_SHOWN = 20  # the page's SLOWEST_SHOWN


def many_open():
    agencies = []
    for k in range(1, 1001):
        finished = k % 5 != 0
        stored = 200 if finished else (k * 37) % 200
        agencies.append({"agency": k, "stored": stored, "batches": -(-stored // 10),
                         "connected": finished or k % 10 != 5, "finished": finished,
                         "answered": False, "winners": None})
    rate = [min(i, 10) * 900 + (i * 37) % 400 for i in range(60)]
    return status(agencies, rate, drawn=False, state="open")


def many_drawn():
    agencies = []
    for k in range(1, 1001):
        stored = 100 + (k * 37) % 200
        answered = k % 3 != 0
        agencies.append({"agency": k, "stored": stored, "batches": -(-stored // 10), "connected": not answered,
                         "finished": True, "answered": answered, "winners": (k * 13) % 5})
    rate = [5000 + (i * 37) % 400 for i in range(40)] + [0] * 20
    return status(agencies, rate, drawn=True, state="drawn")


def drawing(sample):
    agencies = [dict(a, connected=True, answered=False, winners=None) for a in sample["agencies"]]
    return status(agencies, sample["rate"]["betsPerSecond"], drawn=False, state="open")


def status(agencies, rate, drawn, state):
    """The whole status.json, the round's totals summed from the agencies."""
    total = lambda key: sum(a[key] for a in agencies)
    return {"round": {"agencies": len(agencies), "bets": total("stored"), "batches": total("batches"),
                      "finished": total("finished"), "answered": total("answered"),
                      "connected": total("connected"), "drawn": drawn, "state": state},
            "rate": {"intervalSeconds": 1, "betsPerSecond": rate},
            "agencies": agencies}


def expect(status_json):
    """What the page must show for this JSON."""
    round_ = status_json["round"]
    agencies = status_json["agencies"]
    not_finished = sorted((a for a in agencies if not a["finished"]), key=lambda a: (a["stored"], a["agency"]))
    state = round_["state"]
    if state == "open" and round_["finished"] >= round_["agencies"] > 0:
        state = "drawing"
    rate = status_json["rate"]["betsPerSecond"]
    return {"agencies": round_["agencies"], "bets": round_["bets"], "finished": round_["finished"],
            "answered": round_["answered"], "state": state,
            "slowest": " ".join(str(a["agency"]) for a in not_finished[:SLOWEST_SHOWN]),
            "slowest_more": max(0, len(not_finished) - SLOWEST_SHOWN),
            "rate_peak": max(rate + [1]),
            "winners_total": sum(a["winners"] for a in agencies) if round_["drawn"] else None,
            "winners": " ".join(str(a["winners"]) for a in agencies) if round_["drawn"] else None}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, page, sample_path = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    sample = json.loads(sample_path.read_text(encoding="utf-8"))
    sites = {"many": many_open(), "many-drawn": many_drawn(), "sample": sample, "drawing": drawing(sample),
             "down": None}
    for name, status_json in sites.items():
        site = out / name
        site.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, site / "index.html")
        if status_json is not None:
            (site / "status.json").write_text(json.dumps(status_json), encoding="utf-8")
            (site / "expect.json").write_text(json.dumps(expect(status_json)), encoding="utf-8")


if __name__ == "__main__":
    main()
