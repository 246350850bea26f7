#!/usr/bin/env python3
"""Two coopscope binaries on the same stores, runs alternated (old, new, old, new, …), for before/after
figures on a shared machine, where a single wall time varies by up to 2×.

    python3 bench/store_paired.py OLD_BINARY NEW_BINARY --store SMALL_STORE [--store BIG_STORE …]

Per store: `indicators --org I1294671590 --home FR` (CNRS), `indicators --org I5000010325` (SUNY),
`rank --year Y`, `countries --year Y` and `store info`, each --pairs times per binary.  Prints, per
query, min / median of the wall time and of the CPU time (user + system of the child), in ms, as
markdown rows, and writes them as JSON to --json.  The outputs of the two binaries are compared byte
for byte once per query (exit 1 when they differ).  Standard library only.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def run(binary, args):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([binary] + args, capture_output=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f'{binary} {" ".join(args)} exited with {p.returncode}: {p.stderr.decode(errors="replace")[-2000:]}')
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('old')
    ap.add_argument('new')
    ap.add_argument('--store', action='append', required=True, help='a store (repeatable)')
    ap.add_argument('--year', type=int, default=2022)
    ap.add_argument('--pairs', type=int, default=5)
    ap.add_argument('--json', default='store_paired.json')
    args = ap.parse_args()
    rows, differ = [], []
    print('| store | query | before wall | after wall | before CPU | after CPU |')
    print('|---|---|---:|---:|---:|---:|')
    for store in args.store:
        cases = [('indicators CNRS', ['indicators', '--store', store, '--org', 'I1294671590', '--home', 'FR',
                                      '--format', 'json', '-q']),
                 ('indicators SUNY', ['indicators', '--store', store, '--org', 'I5000010325', '--format', 'json',
                                      '-q']),
                 (f'rank --year {args.year}', ['rank', '--store', store, '--year', str(args.year), '--top', '0',
                                               '--format', 'json']),
                 (f'countries --year {args.year}', ['countries', '--store', store, '--year', str(args.year),
                                                    '--top', '0', '--format', 'json']),
                 ('store info', ['store', 'info', store])]
        for name, argv in cases:
            got = {args.old: [], args.new: []}
            outputs = {}
            for _ in range(args.pairs):
                for b in (args.old, args.new):
                    wall, cpu, out = run(b, argv)
                    got[b].append((wall, cpu))
                    outputs[b] = out
            if name != 'store info' and outputs[args.old] != outputs[args.new]:
                differ.append(f'{store}: {name}')
            row = {'store': store, 'query': name, 'pairs': args.pairs}
            for tag, b in (('before', args.old), ('after', args.new)):
                w = [x[0] * 1000 for x in got[b]]
                c = [x[1] * 1000 for x in got[b]]
                row[tag] = {'wall_min_ms': min(w), 'wall_median_ms': statistics.median(w), 'cpu_min_ms': min(c),
                            'cpu_median_ms': statistics.median(c)}
            rows.append(row)
            b, a = row['before'], row['after']
            print(f'| {store} | {name} | {b["wall_min_ms"]:,.0f} / {b["wall_median_ms"]:,.0f} | '
                  f'{a["wall_min_ms"]:,.0f} / {a["wall_median_ms"]:,.0f} | {b["cpu_min_ms"]:,.0f} / '
                  f'{b["cpu_median_ms"]:,.0f} | {a["cpu_min_ms"]:,.0f} / {a["cpu_median_ms"]:,.0f} |', flush=True)
    with open(args.json, 'w') as f:
        json.dump({'rows': rows, 'differ': differ}, f, indent=1)
    if differ:
        sys.exit('outputs differ: ' + '; '.join(differ))


if __name__ == '__main__':
    main()
