#!/usr/bin/env python3
"""examples/plugins/exec_plugin.py: a reward plugin for rlzero's exec protocol
(rewards/exec_plugin.h). No dependencies beyond the standard library.

rlzero starts it once and keeps it alive; it reads one request per line,
  {"id": 7, "task": "...", "sample": {"response": "...", ...}, "options": {...}}
and writes one answer per line, in order, flushing after each:
  {"id": 7, "score": 0.5, "correct": false, "reason": "..."}

This one scores brevity: score = 1 - min(1, words / options.max_words)
(max_words defaults to 100), correct when under the limit.
Use: rlzero verify --task brevity --plugin-exec "python3 examples/plugins/exec_plugin.py" --input -
"""
import json
import sys


def score(sample, options):
    words = len(str(sample.get("response", "")).split())
    max_words = int((options or {}).get("max_words", 100))
    s = 1.0 - min(1.0, words / max_words)
    return {"score": s, "correct": words < max_words, "extracted": str(words),
            "reason": "" if words < max_words else "%d words >= %d" % (words, max_words)}


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    try:
        out = score(req["sample"], req.get("options"))
    except Exception as e:  # report, do not die: the sample fails, the plugin lives
        out = {"error": "%s: %s" % (type(e).__name__, e)}
    out["id"] = req.get("id")
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
