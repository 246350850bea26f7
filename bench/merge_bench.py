#!/usr/bin/env python3
"""Speed of `coopscope merge --report` against a plain-Python peer
(bench/merge_peer.py) on the same exports.

The real ETBX exports of ../shared/data/hal-etbx-inrae (HAL API JSON, WoS,
Scopus and repository BibTeX, Scopus CSV: 1,037 records, 395 publications)
are grown --copies times: copy k > 0 of every record gets "-rk" appended to
its ids (HAL id, BibTeX key, unique-id and url eid, Scopus EID) and DOI, and "rk"
prepended to its title, in every source alike, so each copy forms its own
clusters exactly as the original does (written under --out, not committed).
Runs, each a child process timed by run.py's run_measured (wall, peak RSS):
  - `coopscope merge --report --out clusters.jsonl FILES…`
  - `python3 bench/merge_peer.py FILES…`
and the clusters each finds.  The table goes to stdout and --out/results.md.

    python3 bench/merge_bench.py [--copies 50] [--repeat 3] [--coopscope build/release/coopscope]
"""
import argparse
import csv
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (run.py: run_measured)
from readers_peer import ENTRY, FIELD, bib_value  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ETBX = os.path.join(ROOT, '..', 'shared', 'data', 'hal-etbx-inrae')


def grow_hal(src, dst, copies):
    with open(src, encoding='utf-8') as f:
        data = json.load(f)
    docs = data['response']['docs']
    out = []
    for k in range(copies):
        for d in docs:
            d = dict(d)
            if k:
                d['halId_s'] = f'{d["halId_s"]}-r{k}'
                if d.get('doiId_s'):
                    d['doiId_s'] = f'{d["doiId_s"]}-r{k}'
                d['title_s'] = [f'r{k} {t}' for t in d.get('title_s', [])]
            out.append(d)
    data['response']['docs'] = out
    data['response']['numFound'] = len(out)
    with open(dst, 'w', encoding='utf-8') as f:
        json.dump(data, f, ensure_ascii=False)


def bib_copy(chunk, k):
    """One BibTeX entry with its key, unique-id, DOI and title changed for copy k."""
    open_at = chunk.find('{')
    key_end = chunk.find(',', open_at)
    out = chunk[:key_end] + f'-r{k}'
    body = chunk[key_end:]
    pieces, i = [], 0
    while True:
        m = FIELD.search(body, i)
        if not m:
            break
        _, end = bib_value(body, m.end())
        name = m.group(1).lower()
        value = body[m.end():end]
        if name in ('unique-id', 'doi') and value.endswith('}'):
            value = value[:-1] + f'-r{k}}}'
        elif name == 'url':
            value = re.sub(r'(eid=[^&}"]+)', lambda m: m.group(1) + f'-r{k}', value)
        elif name == 'title' and value.startswith('{'):
            value = f'{{r{k} ' + value[1:]
        pieces.append(body[i:m.end()] + value)
        i = end
    return out + ''.join(pieces) + body[i:]


def grow_bib(src, dst, copies):
    with open(src, encoding='utf-8-sig') as f:
        text = f.read()
    starts = [m.start() for m in ENTRY.finditer(text)] + [len(text)]
    head, chunks = text[:starts[0]], [text[a:b] for a, b in zip(starts, starts[1:])]
    with open(dst, 'w', encoding='utf-8') as f:
        f.write(head)
        for k in range(copies):
            for c in chunks:
                f.write(c if k == 0 else bib_copy(c, k))
                if not c.endswith('\n'):
                    f.write('\n')


def grow_csv(src, dst, copies):
    with open(src, encoding='utf-8-sig', newline='') as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    with open(dst, 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(header)
        for k in range(copies):
            for r in body:
                r = list(r)
                if k:
                    r[col['EID']] += f'-r{k}'
                    if r[col['DOI']]:
                        r[col['DOI']] += f'-r{k}'
                    r[col['Title']] = f'r{k} ' + r[col['Title']]
                w.writerow(r)


def make_data(out, copies):
    folder = os.path.join(out, f'etbx-x{copies}')
    done = os.path.join(folder, '.done')
    if os.path.exists(done):
        return folder
    os.makedirs(folder, exist_ok=True)
    for src in sorted(glob.glob(os.path.join(ETBX, '*'))):
        name = os.path.basename(src)
        dst = os.path.join(folder, name)
        if name.endswith('.json'):
            grow_hal(src, dst, copies)
        elif name.endswith('.bib'):
            grow_bib(src, dst, copies)
        elif name.endswith('.csv'):
            grow_csv(src, dst, copies)
    open(done, 'w').close()
    return folder


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--coopscope', default=os.path.join(ROOT, 'build', 'release', 'coopscope'))
    ap.add_argument('--out', default=os.path.join(HERE, 'out', 'merge'))
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument('--repeat', type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    folder = make_data(args.out, args.copies)
    files = sorted(f for f in glob.glob(os.path.join(folder, '*')) if not f.endswith('.done'))
    size = sum(os.path.getsize(f) for f in files)
    base.log(f'{len(files)} files, {size / 1e6:.1f} MB in {folder}')
    runs = {
        'coopscope': [args.coopscope, 'merge', '--report', '--out', os.path.join(args.out, 'clusters.jsonl')] + files,
        'python peer': [sys.executable, os.path.join(HERE, 'merge_peer.py')] + files,
    }
    results = {}
    for name, argv in runs.items():
        best = None
        for _ in range(args.repeat):
            out = os.path.join(args.out, name.replace(' ', '_') + '.out')
            m = base.run_measured(argv, stdout_path=out, stderr_path=out + '.err')
            if m.returncode != 0:
                base.die(f'{name} failed: see {out}.err')
            if best is None or m.seconds < best.seconds:
                best = m
        with open(out, encoding='utf-8') as f:
            text = f.read()
        read = re.search(r'read (\d+)', text)
        clusters = re.search(r'clusters:? (\d+)', text)
        results[name] = (best, int(read.group(1)) if read else 0, int(clusters.group(1)) if clusters else 0)
        base.log(f'{name}: {best.seconds:.2f} s, {best.rss_mib:.0f} MiB, read {results[name][1]}, '
                 f'clusters {results[name][2]}')
    c, p = results['coopscope'], results['python peer']
    lines = ['# Merging exports: coopscope against a plain-Python peer', '', base.machine_line(), '',
             f'The ETBX exports × {args.copies} ({len(files)} files, {size / 1e6:.1f} MB); best of {args.repeat} runs.',
             '', '| tool | seconds | records/s | peak RSS MiB | records read | clusters |', '|---|---:|---:|---:|---:|---:|']
    for name, (m, read, clusters) in results.items():
        lines.append(f'| {name} | {m.seconds:.2f} | {read / m.seconds:,.0f} | {m.rss_mib:.0f} | {read:,} | {clusters:,} |')
    lines += ['', f'coopscope is {p[0].seconds / c[0].seconds:.1f}× faster at {c[0].rss_mib / p[0].rss_mib:.2f}× the '
              f'memory. Clusters per copy: coopscope {c[2] / args.copies:.0f}, peer {p[2] / args.copies:.0f} (the '
              'peer normalises titles more simply and does not keep two HAL deposits of one talk apart).']
    base.publish('\n'.join(lines) + '\n', args.out)


if __name__ == '__main__':
    main()
