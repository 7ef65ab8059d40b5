"""Runs many exported hessflow programs in one Python process (importing torch once).

usage: python3 run_many.py JOBS.json
JOBS.json is a list of {"program": path, "args": [...], "out": path}; each program's main(args) document is
written to its "out" as the program itself would print it, or {"error": "..."} if it failed.
"""
import json
import runpy
import sys
import traceback


def run(job):
    try:
        ns = runpy.run_path(job["program"], run_name="hessflow_export")
        doc = ns["main"](job.get("args", []))
        with open(job["out"], "w") as out:
            ns["write_json"](doc, out)
    except BaseException:  # a failed program is reported in its output file, the others still run
        with open(job["out"], "w") as out:
            json.dump({"error": traceback.format_exc()}, out)


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        run(job)


if __name__ == "__main__":
    main()
