"""Extraction speed: `duban extract` over the whole corpus against JioNLP's `ner.extract_time` on the same text.

    .venv/bin/python bench/extract_speed.py [--runs 5] [--sample N]

- duban: one `duban extract` process over all corpus files, start-up included, output discarded; best wall time
  of --runs runs (the machine is shared, so the minimum is the least disturbed run), plus its CPU time.
- JioNLP (installed in the separate venv .venv-bench, see bench/README.md): the corpus with hard wraps joined,
  cut into sentences at 。；, the unit extract_time is made for; every sentence is timed (--sample N: every N-th
  only, which is quicker but NOT representative: a 1-in-10 sample ran at half the whole corpus's rate) and bytes/s
  is taken over the sentences timed. Its import time is reported apart.
- Rates are given by wall time (best of --runs for duban) and by CPU time; the machine this ran on is shared, and
  CPU time is the steadier measure, though even it moves by ±30% under load.
- cn2an: import time, and the calls our pipeline makes to it over the corpus with their total time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
PROJECT_PYTHON = REPO / ".venv" / "bin" / "python"
BENCH_PYTHON = REPO / ".venv-bench" / "bin" / "python"
BASE_TIME = dt.datetime(2024, 3, 4).timestamp()  # a fixed "now" for JioNLP's relative expressions


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def corpus_sentences() -> list[str]:
    """The corpus as JioNLP would be fed it: wraps joined, one sentence per call."""
    text = "".join(path.read_text(encoding="utf-8") for path in corpus_files())
    joined = re.sub(r"[ \t]*\n\s*", "", text)
    return [s for s in re.findall(r"[^。；]+[。；]?", joined) if s.strip()]


def jionlp_worker(sample: int) -> dict:
    """Runs inside .venv-bench."""
    started = time.perf_counter()
    import jionlp  # noqa: PLC0415 - timing the import is the point

    imported = time.perf_counter() - started
    sentences = corpus_sentences()
    timed = sentences[::sample]
    jionlp.ner.extract_time(timed[0], time_base=BASE_TIME)  # its first call loads dictionaries: not the rate
    found = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for sentence in timed:
        found += len(jionlp.ner.extract_time(sentence, time_base=BASE_TIME))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    timed_bytes = sum(len(s.encode("utf-8")) for s in timed)
    return {
        "import_s": imported, "sentences": len(sentences), "timed_sentences": len(timed), "timed_bytes": timed_bytes,
        "seconds": seconds, "cpu_s": cpu_seconds, "expressions": found,
    }


def cn2an_worker() -> dict:
    """Runs in the project venv: what cn2an costs our pipeline."""
    started = time.perf_counter()
    import cn2an  # noqa: PLC0415

    imported = time.perf_counter() - started
    from services.extract.pipeline import extract_text  # noqa: PLC0415

    calls, spent = 0, 0.0
    original = cn2an.cn2an

    def timed(*args, **kwargs):
        nonlocal calls, spent
        calls += 1
        begun = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent += time.perf_counter() - begun

    cn2an.cn2an = timed
    started = time.perf_counter()
    for path in corpus_files():
        extract_text(path.read_text(encoding="utf-8"), path.name)
    return {"import_s": imported, "calls": calls, "calls_s": spent, "extract_s": time.perf_counter() - started}


def run_worker(python: Path, role: str, *extra: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([str(python), __file__, role, *extra], cwd=REPO, env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_duban(runs: int) -> dict:
    """Best wall time of `duban extract` over all corpus files in one process, start-up included."""
    command = [str(PROJECT_PYTHON), "-c", "import sys; from services.cli import main; sys.exit(main(sys.argv[1:]))",
               "extract", *map(str, corpus_files())]
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"wall_s": min(walls), "walls": walls, "cpu_s": min(cpus)}


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    return f"{model or platform.processor()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", nargs="?", default="report", choices=["report", "jionlp", "cn2an"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=1, help="time only every N-th sentence with JioNLP")
    args = parser.parse_args()
    if args.role == "jionlp":
        print(json.dumps(jionlp_worker(args.sample)))
        return
    if args.role == "cn2an":
        print(json.dumps(cn2an_worker()))
        return

    corpus_bytes = sum(path.stat().st_size for path in corpus_files())
    duban = time_duban(args.runs)
    jio = run_worker(BENCH_PYTHON, "jionlp", "--sample", str(args.sample))
    cn = run_worker(PROJECT_PYTHON, "cn2an")
    print(f"machine: {machine()}; {dt.date.today().isoformat()}")
    print(f"corpus: {len(corpus_files())} files, {corpus_bytes:,} bytes")
    duban_wall, duban_cpu = corpus_bytes / duban["wall_s"], corpus_bytes / duban["cpu_s"]
    jio_wall, jio_cpu = jio["timed_bytes"] / jio["seconds"], jio["timed_bytes"] / jio["cpu_s"]
    print(f"duban extract, start-up included: best wall {duban['wall_s']:.2f} s of {args.runs} "
          f"({', '.join(f'{w:.2f}' for w in duban['walls'])}), best CPU {duban['cpu_s']:.2f} s "
          f"-> {duban_wall / 1000:,.0f} kB/s wall, {duban_cpu / 1000:,.0f} kB/s CPU")
    print(f"JioNLP ner.extract_time: {jio['timed_sentences']:,} of {jio['sentences']:,} sentences, "
          f"{jio['timed_bytes']:,} bytes in {jio['seconds']:.2f} s wall, {jio['cpu_s']:.2f} s CPU "
          f"-> {jio_wall / 1000:,.1f} kB/s wall, {jio_cpu / 1000:,.1f} kB/s CPU "
          f"(import {jio['import_s']:.1f} s not counted)")
    print(f"ratio duban / JioNLP: {duban_cpu / jio_cpu:.1f}x by CPU time, {duban_wall / jio_wall:.1f}x by wall time "
          f"(bar: 10x; on a shared machine CPU time is the fair measure)")
    print(f"cn2an: import {cn['import_s'] * 1000:.0f} ms (paid only when a numeral with 百/千/零 appears); "
          f"{cn['calls']} calls over the corpus, {cn['calls_s'] * 1000:.1f} ms of {cn['extract_s']:.2f} s extraction")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
