#!/usr/bin/env python3
"""Mobility benchmark: `coopscope mobility` against the plain-Python peer
(bench/mobility_peer.py) on the same generated OpenAlex author entities.

    python3 bench/mobility_bench.py                 # 1,000,000 authors (about 1.8 GB of JSONL)
    python3 bench/mobility_bench.py --authors 100000 --quick

Generates the authors with `coopscope generate-authors` (skipped when
bench/out/mobility-<N>/ already holds them), reads every file once so that all
runs start from a warm page cache, then times (best of --repeat, each a child
process: wall time, CPU, peak RSS through bench/run.py's run_measured):
  - coopscope mobility --threads 1 --format json FOLDER   (one core)
  - the same with --threads 2
  - coopscope mobility --threads 1 --org 02feahw73 --registry ROR (scope tests on every institution)
  - python3 bench/mobility_peer.py FOLDER
checks that both report the same class and event counts, which must also be
the generator's planned mix, and prints authors per minute and the ratios.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import run_measured, log  # noqa: E402

ROOT = os.path.dirname(HERE)
ROR = os.path.join(ROOT, '..', 'shared', 'data', 'ror-records-subset', 'ror_v2_subset_latest.json.gz')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--authors', type=int, default=1000000)
    ap.add_argument('--parts', type=int, default=4)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--coopscope', default=os.path.join(ROOT, 'build', 'release', 'coopscope'))
    ap.add_argument('--quick', action='store_true', help='one run each')
    a = ap.parse_args()
    if a.quick:
        a.repeat = 1
    data = os.path.join(HERE, 'out', f'mobility-{a.authors}')
    stamp = os.path.join(data, 'generated.txt')
    if not os.path.exists(stamp):
        log(f'generating {a.authors} authors into {data}')
        out = subprocess.run([a.coopscope, 'generate-authors', '--out', data, '--authors', str(a.authors),
                              '--parts', str(a.parts), '--registry', ROR], check=True, capture_output=True,
                             text=True).stdout
        with open(stamp, 'w') as f:
            f.write(out)
    generated = open(stamp).read().strip()
    log(generated)
    files = []
    for root, _, names in os.walk(os.path.join(data, 'authors')):
        files += [os.path.join(root, n) for n in names if n.endswith('.jsonl')]
    size = sum(os.path.getsize(f) for f in files)
    for f in files:  # warm the page cache
        with open(f, 'rb') as fh:
            while fh.read(1 << 24):
                pass
    runs = {
        'coopscope': [a.coopscope, 'mobility', '--min-cell', '0', '--threads', '1', '--format', 'json', '--quiet', data],
        'coopscope --threads 2': [a.coopscope, 'mobility', '--min-cell', '0', '--threads', '2', '--format', 'json', '--quiet', data],
        'coopscope --org CNRS': [a.coopscope, 'mobility', '--min-cell', '0', '--threads', '1', '--org', '02feahw73', '--registry', ROR,
                                 '--format', 'json', '--quiet', data],
        'python peer': [sys.executable, os.path.join(HERE, 'mobility_peer.py'), data],
    }
    best, outputs = {}, {}
    for _ in range(a.repeat):
        for name, argv in runs.items():
            out_path = os.path.join(data, f'out-{name.replace(" ", "_")}.json')
            m = run_measured(argv, stdout_path=out_path, stderr_path=out_path + '.err')
            if m.returncode != 0:
                sys.exit(f'{name} failed: {open(out_path + ".err").read()}')
            outputs[name] = json.load(open(out_path))
            if name not in best or m.seconds < best[name].seconds:
                best[name] = m
    ours = outputs['coopscope']
    peer = outputs['python peer']
    same_classes = ours['classes'] == peer['classes']
    same_events = (ours['events']['migration'] == peer['events']['migration'] and
                   ours['events']['temporary_stay'] == peer['events']['temporary-stay'] and
                   ours['events']['return'] == peer['events']['return'])
    planned = {k: int(v) for k, v in re.findall(r"([a-z-]+) (\d+)", generated.split("expected classes:")[1])}
    same_planned = planned == ours['classes']
    print(f'data: {a.authors} authors, {len(files)} files, {size / 1e9:.2f} GB of JSONL')
    print(f'classes: {ours["classes"]}')
    print(f'same classes as the peer: {same_classes}; same events: {same_events}; '
          f'same as the generator\'s planned mix: {same_planned}; '
          f'same classes with the CNRS scope: {outputs["coopscope --org CNRS"]["classes"] == ours["classes"]}; '
          f'same output with 2 threads: {outputs["coopscope --threads 2"] == ours}')
    print(f'{"run":<24}{"wall s":>9}{"CPU s":>9}{"peak MiB":>10}{"authors/min":>14}{"MB/s":>9}{"others CPU":>12}')
    for name, m in best.items():
        rate = a.authors / m.seconds * 60
        others = f'{m.others * 100:.0f}%' if m.others is not None else '?'
        print(f'{name:<24}{m.seconds:>9.2f}{m.cpu_seconds:>9.2f}{m.rss_mib:>10.1f}{rate:>14,.0f}'
              f'{size / m.seconds / 1e6:>9.0f}{others:>12}')
    print(f'speed ratio coopscope / python peer: {best["python peer"].seconds / best["coopscope"].seconds:.1f}x; '
          f'memory ratio: {best["python peer"].rss_mib / best["coopscope"].rss_mib:.1f}x')
    if not (same_classes and same_events and same_planned):
        sys.exit('coopscope and the peer disagree')


if __name__ == '__main__':
    main()
