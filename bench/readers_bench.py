#!/usr/bin/env python3
"""Speed of the export readers (WoS tagged and tab-delimited, Scopus CSV,
BibTeX, HAL JSON) against a plain-Python peer (bench/readers_peer.py) on the
same files.

The real exports of ../shared/data are small (0.1–15 MB), so each is grown to
about --mb megabytes by repeating its records with their ids changed (a
repetition number is put into every WoS UT, Scopus EID and HAL id); the data
is written under --out (default bench/out/readers, not committed) and reused.
Runs, each a child process timed by run.py's run_measured (wall, peak RSS):
  - `coopscope read --input-format F FILE`            the reader alone (its MB/s is the target: ≥ 100)
  - `coopscope read --input-format F --resolve FILE`  + affiliation strings → countries (no registry)
  - `python3 bench/readers_peer.py F FILE`             the peer
Both must report the same number of records; the table goes to stdout and
--out/results.md.

    python3 bench/readers_bench.py [--mb 100] [--repeat 3] [--coopscope build/release/coopscope]
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (run.py: run_measured)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, '..', 'shared', 'data')


def grow_lines(src_files, dst, target, head_lines, perturb):
    """Header lines from the first file, then its records repeated with perturb(line, k)."""
    with open(dst, 'w', encoding='utf-8', newline='') as out:
        bodies = []
        for i, src in enumerate(src_files):
            with open(src, encoding='utf-8-sig', newline='') as f:
                text = f.read()
            head, body = text.split('\n', head_lines)[:head_lines], text.split('\n', head_lines)[-1]
            if i == 0:
                out.write('\ufeff' + '\n'.join(head) + '\n')
            bodies.append(body)
        k = 0
        while out.tell() < target:
            for body in bodies:
                out.write(perturb(body, k))
            k += 1


def make_data(out_dir, mb):
    target = mb * 1_000_000
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    wos_tab = [os.path.join(DATA, 'wos-scientopy-ble', f'wos_2026_04_02_{n}.txt')
               for n in ('1000', '2000', '3000', '4000', '4071')]
    specs = [
        ('wos-tab', 'wos_tab.txt', lambda p: grow_lines(wos_tab, p, target, 1,
                                                        lambda b, k: b.replace('\tWOS:', f'\tWOS:R{k}X'))),
        ('wos', 'wos_tagged.isi', lambda p: grow_lines(
            [os.path.join(DATA, 'wos-scopus-metaknowledge', 'testFile.isi')], p, target, 2,
            lambda b, k: b.replace('\nUT WOS:', f'\nUT WOS:R{k}X').replace('\nEF', ''))),
        ('scopus', 'scopus.csv', lambda p: grow_lines(
            [os.path.join(DATA, 'scopus-litstudy', 'scopus.csv')], p, target, 1,
            lambda b, k: re.sub(r',2-s2\.0-(\d+)', lambda m: f',2-s2.0-{k}{m.group(1)}', b))),
        ('bibtex', 'export.bib', lambda p: grow_lines(
            [os.path.join(DATA, 'hal-etbx-inrae', f) for f in
             ('scopus_2.bib', 'wos_doi.bib', 'irsteadoc_export_2017.bib', 'irsteadoc_export_2018.bib')],
            p, target, 0, lambda b, k: b.replace('eid=2-s2.0-', f'eid=2-s2.0-{k}'))),
        ('hal', 'hal.json', lambda p: grow_hal(p, target)),
    ]
    for fmt, name, make in specs:
        path = os.path.join(out_dir, name)
        if not (os.path.exists(path) and os.path.getsize(path) >= target):
            base.log(f'writing {path}')
            make(path)
        files[fmt] = path
    return files


def grow_hal(dst, target):
    with open(os.path.join(DATA, 'hal-etbx-inrae', 'hal_api_ETBX_2017_2020.json'), encoding='utf-8') as f:
        docs = json.load(f)['response']['docs']
    one = [json.dumps(d, ensure_ascii=False, separators=(',', ':')) for d in docs]
    size = sum(len(x.encode()) + 1 for x in one)
    reps = max(1, target // size + 1)
    with open(dst, 'w', encoding='utf-8') as out:
        out.write('{"response":{"numFound":%d,"start":0,"docs":[' % (reps * len(one)))
        first = True
        for k in range(reps):
            for d in one:
                out.write(('' if first else ',') + d.replace('"halId_s":"hal-', f'"halId_s":"hal-R{k}X', 1))
                first = False
        out.write(']}}')


def records_of_coopscope(stdout_path):
    with open(stdout_path) as f:
        for line in f:
            if line.startswith('total'):
                parts = line.split()
                return int(parts[1]), int(parts[2])
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--mb', type=int, default=100)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--out', default=os.path.join(HERE, 'out', 'readers'))
    ap.add_argument('--coopscope', default=os.path.join(ROOT, 'build', 'release', 'coopscope'))
    ap.add_argument('--formats', default='wos-tab,wos,scopus,bibtex,hal')
    a = ap.parse_args()
    files = make_data(a.out, a.mb)
    runs_dir = os.path.join(a.out, 'runs')
    os.makedirs(runs_dir, exist_ok=True)
    rows = []
    failed = False
    for fmt in a.formats.split(','):
        path = files[fmt]
        size = os.path.getsize(path)
        with open(path, 'rb') as f:  # warm the page cache
            while f.read(1 << 24):
                pass
        configs = [
            ('coopscope read', [a.coopscope, 'read', '--input-format', fmt, path]),
            ('coopscope read --resolve', [a.coopscope, 'read', '--input-format', fmt, '--resolve', path]),
            ('python peer', [sys.executable, os.path.join(HERE, 'readers_peer.py'), fmt, path]),
        ]
        counts = {}
        best = {}
        for name, argv in configs:
            out = os.path.join(runs_dir, f'{fmt}-{name.replace(" ", "_")}.out')
            for _ in range(a.repeat):
                m = base.run_measured(argv, stdout_path=out, stderr_path=out + '.err')
                if m.returncode != 0:
                    base.log(f'FAILED ({m.returncode}): {" ".join(argv)}')
                    failed = True
                    break
                if name not in best or m.seconds < best[name].seconds:
                    best[name] = m
            if name.startswith('coopscope'):
                counts[name] = records_of_coopscope(out)[0]
            else:
                with open(out) as f:
                    counts[name] = json.load(f)['records']
        if len(set(counts.values())) != 1:
            base.log(f'{fmt}: record counts differ: {counts}')
            failed = True
        peer = best.get('python peer')
        for name, m in best.items():
            rows.append((fmt, name, size, counts.get(name), m.seconds, size / m.seconds / 1e6, m.rss_mib,
                         (peer.seconds / m.seconds) if peer else None, m.others))
    lines = ['| format | run | bytes | records | seconds | MB/s | peak RSS MiB | speed-up vs peer | others CPU |',
             '|---|---|---|---|---|---|---|---|---|']
    for fmt, name, size, recs, secs, mbs, rss, ratio, others in rows:
        lines.append(f'| {fmt} | {name} | {size:,} | {recs:,} | {secs:.3f} | {mbs:.1f} | {rss:.1f} | '
                     f'{ratio:.1f}x | {"" if others is None else f"{others:.0%}"} |')
    table = '\n'.join(lines)
    print(table)
    with open(os.path.join(a.out, 'results.md'), 'w') as f:
        f.write(table + '\n')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
