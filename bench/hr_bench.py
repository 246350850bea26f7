#!/usr/bin/env python3
"""`coopscope hr import` against a Python peer (bench/hr_peer.py) doing the same
validation and load of a missions file into the same SQLite schema.

    python3 bench/hr_bench.py            # CNRS scale: 360,000 missions (2018-2023)
    python3 bench/hr_bench.py --quick    # small scale smoke run

Generates the records with `coopscope generate hr` (seed 1) into bench/out/hr-<scale>/
when absent, imports people.csv into a fresh database (not timed), copies it so
both tools start from the same database and salt, then times each tool loading
missions.csv (--runs times, alternating), checks the two missions tables are
identical row for row, and prints a markdown table (also bench/out/hr-results.md).
Standard library only; reuses run.py's child measurement (wall, CPU, peak RSS).
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys

from run import BENCH, DEFAULT_REGISTRY, REPO, log, die, run_measured


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true', help='small scale (4,500 missions)')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--binary', default=os.path.join(REPO, 'build', 'release', 'coopscope'))
    ap.add_argument('--registry', default=DEFAULT_REGISTRY)
    args = ap.parse_args()
    scale = 'small' if args.quick else 'cnrs'
    out = os.path.join(BENCH, 'out')
    data = os.path.join(out, f'hr-{scale}')
    missions = os.path.join(data, 'missions.csv')
    if not os.path.exists(missions):
        log(f'generating {scale} HR records into {data}')
        subprocess.run([args.binary, 'generate', 'hr', '--out', data, '--registry', args.registry, '--scale', scale,
                        '--seed', '1'], check=True)
    with open(missions, 'rb') as f:
        rows = sum(1 for _ in f) - 1
    size_mb = os.path.getsize(missions) / 1e6
    work = os.path.join(out, 'hr-work')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base = os.path.join(work, 'base.db')
    subprocess.run([args.binary, 'hr', 'import', '-q', '--db', base, os.path.join(data, 'people.csv')], check=True)

    tools = {
        'coopscope hr import': lambda db: [args.binary, 'hr', 'import', '-q', '--db', db, missions],
        'Python peer (csv + sqlite3)': lambda db: [sys.executable, os.path.join(BENCH, 'hr_peer.py'), db, missions],
    }
    results = {name: [] for name in tools}
    dbs = {}
    for run in range(args.runs):
        for name, argv in tools.items():
            db = os.path.join(work, f'{name.split()[0]}-{run}.db')
            shutil.copy(base, db)
            m = run_measured(argv(db), stderr_path=os.path.join(work, 'stderr.txt'))
            if m.returncode != 0:
                die(f'{name} failed: ' + open(os.path.join(work, 'stderr.txt')).read())
            log(f'{name}: {m.seconds:.2f} s wall, {m.cpu_seconds:.2f} s CPU, {m.rss_mib:.0f} MiB')
            results[name].append(m)
            dbs[name] = db

    # Same rows in both tables.
    a, b = dbs.values()
    con = sqlite3.connect(a)
    con.execute(f"ATTACH '{b}' AS other")
    diff = con.execute('SELECT (SELECT count(*) FROM (SELECT * FROM main.missions EXCEPT SELECT * FROM other.missions))'
                       ' + (SELECT count(*) FROM (SELECT * FROM other.missions EXCEPT SELECT * FROM main.missions))'
                       ).fetchone()[0]
    count = con.execute('SELECT count(*) FROM main.missions').fetchone()[0]
    if diff or count != rows:
        die(f'tables differ: {diff} rows differ, {count} rows loaded of {rows}')

    lines = [f'HR import, {rows:,} mission rows ({size_mb:.1f} MB CSV), {args.runs} runs each, '
             f'{os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.1f}',
             '', '| tool | best wall s | median wall s | rows/s (best wall) | CPU s (median) | rows per CPU s | '
                 'peak RSS MiB | other load |',
             '|---|---|---|---|---|---|---|---|']
    best = {}
    for name, ms in results.items():
        walls = [m.seconds for m in ms]
        cpus = [m.cpu_seconds for m in ms]
        best[name] = min(walls)
        others = [m.others for m in ms if m.others is not None]
        lines.append(f'| {name} | {min(walls):.2f} | {statistics.median(walls):.2f} | {rows / min(walls):,.0f} | '
                     f'{statistics.median(cpus):.2f} | {rows / statistics.median(cpus):,.0f} | '
                     f'{max(m.rss_mib for m in ms):.0f} | '
                     f'{(statistics.median(others) * 100 if others else float("nan")):.0f}% |')
    names = list(results)
    lines += ['', f'speed ratio (best wall): {best[names[1]] / best[names[0]]:.1f}x; tables identical '
              f'({count:,} rows, EXCEPT both ways empty).',
              '"other load": share of the machine\'s CPU used by other processes during the run.']
    text = '\n'.join(lines) + '\n'
    print(text)
    with open(os.path.join(out, 'hr-results.md'), 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
