#!/usr/bin/env python3
"""Store queries at scale (issue 3: "the full indicator set for an organisation holding 1M works, in a store of
20M works, in under 100 ms warm; a ranking of all organisations for one year in under 1 s; cold and warm").

    python3 bench/store_query_bench.py --works 20000000 --chunk 2500000 --cnrs-share 0.05   # the target's size
    python3 bench/store_query_bench.py --works 2000000 --chunk 1000000                       # a scaled run
    python3 bench/store_query_bench.py --works 20000000 --skip-build                         # queries only

Generated JSON is about 11 KB per work (20M works: about 220 GB), more than the disk holds, so the store is
built chunk by chunk: `coopscope generate --first-index K·chunk` writes a chunk of works with ids disjoint
from the other chunks into OUT/chunk, `store build` (first chunk) or `store update` (the others) adds it,
and the chunk is deleted before the next one (each run settles the whole store again, so the build time
grows with the store: this is not the build benchmark, bench/store_bench.py is).  The generator's CNRS
share (--cnrs-share) sets the size of the big organisation: 0.05 of 20M ≈ 1M works in scope.

Queries (child processes, wall time; warm = best of --query-repeat; cold = the first run after
`echo 3 > /proc/sys/vm/drop_caches`, when root): `indicators --store --org CNRS`, `rank --year Y`,
`countries --year Y` and `store info` (the floor: start, open the catalog).  No peer here: the DuckDB
peer of bench/store_bench.py needs the JSON, which is deleted chunk by chunk (its figures at 300,000
works are in docs/benchmarks.md).  Output: OUT/store_query_bench.{md,json}.  Standard library only.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, BENCH)
import run as base  # noqa: E402
import store_bench  # noqa: E402  (measured, drop_caches, parse_info)

log, die = base.log, base.die
CNRS = store_bench.CNRS


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--works', type=int, default=20_000_000, help='works in the store (default 20,000,000)')
    ap.add_argument('--chunk', type=int, default=2_500_000, help='works generated and added at once')
    ap.add_argument('--cnrs-share', type=float, default=0.05, help='share of works with a CNRS unit (default 0.05)')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--parts', type=int, default=8, help='part files per chunk')
    ap.add_argument('--threads', type=int, default=2, help='generate and build threads')
    ap.add_argument('--year', type=int, default=2022)
    ap.add_argument('--query-repeat', type=int, default=5)
    ap.add_argument('--skip-build', action='store_true', help='query the store already in OUT/store-N')
    ap.add_argument('--no-cold', action='store_true')
    ap.add_argument('--nice', type=int, default=10, help='niceness of generate and build (default 10)')
    ap.add_argument('--out', default=os.path.join(BENCH, 'out'), help='work folder (default bench/out)')
    ap.add_argument('--coopscope', help='coopscope binary (default build/release/coopscope, else build/bench)')
    ap.add_argument('--registry', default=base.DEFAULT_REGISTRY)
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    return args


def build(args, coopscope, store, runs_dir):
    """Adds the works chunk by chunk; returns per-chunk timings."""
    if os.path.exists(store):
        shutil.rmtree(store)
    chunk_dir = os.path.join(args.out, 'query-chunk')
    chunks = []
    first = 0
    k = 0
    while first < args.works:
        n = min(args.chunk, args.works - first)
        folder = f'{chunk_dir}-{k:03}'  # a new path per chunk: the ledger knows files by path
        if os.path.exists(folder):
            shutil.rmtree(folder)
        nice = ['nice', '-n', str(args.nice)]
        t0 = time.perf_counter()
        subprocess.run(nice + [coopscope, 'generate', '--out', folder, '--works', str(n), '--first-index', str(first),
                               '--seed', str(args.seed), '--parts', str(args.parts), '--registry', args.registry,
                               '--cnrs-share', str(args.cnrs_share), '--threads', str(args.threads)], check=True)
        # Each chunk's manifest names the same part keys with other counts: not the store's business here.
        os.remove(os.path.join(folder, 'works', 'manifest.json'))
        t1 = time.perf_counter()
        gen_bytes = base.total_size(base.data_files(folder, '.jsonl'))
        verb = 'build' if k == 0 else 'update'
        registry = ['--registry', args.registry] if k == 0 else []  # kept by the updates
        m = store_bench.measured(nice + [coopscope, 'store', verb, store] + registry + [folder, '--threads',
                                                                                       str(args.threads), '-q'],
                                 f'chunk-{k:03}', runs_dir)
        shutil.rmtree(folder)
        chunks.append({'chunk': k, 'first_index': first, 'works': n, 'json_bytes': gen_bytes,
                       'generate_seconds': t1 - t0, 'store_seconds': m.seconds, 'store_rss_mib': m.rss_mib})
        log(f'chunk {k}: {n:,} works, {gen_bytes / 1e9:.1f} GB, generate {t1 - t0:.0f} s, store {verb} '
            f'{m.seconds:.0f} s')
        first += n
        k += 1
    return chunks


def main():
    args = parse_args()
    coopscope = base.find_coopscope(args)
    os.makedirs(args.out, exist_ok=True)
    runs_dir = os.path.join(args.out, 'store-query-runs')
    os.makedirs(runs_dir, exist_ok=True)
    store = os.path.join(args.out, f'store-{args.works}')
    res_path = os.path.join(args.out, 'store_query_bench.json')
    res = {'command': 'python3 bench/store_query_bench.py ' + ' '.join(sys.argv[1:]),
           'started': datetime.datetime.now().isoformat(timespec='seconds'), 'machine': base.machine_line(),
           'coopscope': coopscope,
           'coopscope_version': subprocess.run([coopscope, '--version'], capture_output=True, text=True).stdout.strip()}
    if args.skip_build:
        if not os.path.exists(os.path.join(store, 'store.db')):
            die(f'--skip-build, but there is no store in {store}')
        if os.path.exists(res_path):
            with open(res_path) as f:
                res['chunks'] = json.load(f).get('chunks')
    else:
        started = time.perf_counter()
        res['chunks'] = build(args, coopscope, store, runs_dir)
        res['build_seconds'] = time.perf_counter() - started
    info_text = subprocess.run([coopscope, 'store', 'info', store], capture_output=True, text=True, check=True).stdout
    info = store_bench.parse_info(info_text)
    for line in info_text.splitlines():
        if line.startswith('facts file'):
            info['facts_line'] = line.split(None, 2)[2]
        if line.startswith('stored answers'):
            info['views_line'] = line.split(None, 2)[2]
    res['info'] = info
    cold_ok = None if args.no_cold else store_bench.drop_caches([store])
    queries = []
    specs = [('store info', [coopscope, 'store', 'info', store]),
             (f'indicators --org {CNRS}', [coopscope, 'indicators', '--store', store, '--org', CNRS,
                                           '--format', 'json', '-q', '--timings']),
             (f'indicators --org {CNRS} --read-works', [coopscope, 'indicators', '--store', store, '--org', CNRS,
                                                        '--read-works', '--format', 'json', '-q', '--timings']),
             (f'rank --year {args.year}', [coopscope, 'rank', '--store', store, '--year', str(args.year), '--top', '0',
                                           '--format', 'json']),
             (f'countries --year {args.year}', [coopscope, 'countries', '--store', store, '--year', str(args.year),
                                                '--top', '0', '--format', 'json'])]
    for label, argv in specs:
        tag = label.split()[0]
        cold = None
        if cold_ok:
            store_bench.drop_caches([store])
            cold = store_bench.measured(argv, f'{tag}-cold', runs_dir)
        warm = [store_bench.measured(argv, f'{tag}-warm{i}', runs_dir) for i in range(args.query_repeat)]
        best = store_bench.best_of(warm)
        q = {'query': label, 'cold_ms': cold.seconds * 1000 if cold else None, 'warm_ms': best.seconds * 1000,
             'rss_mib': best.rss_mib, 'others': best.others, 'cpu_s': best.cpu_seconds}
        if tag == 'indicators':
            q['out_path'] = best.out_path
            with open(best.out_path) as f:
                q['in_scope'] = json.load(f)['ingest']['in_scope']
            with open(best.out_path[:-len('.out')] + '.stderr', errors='replace') as f:
                phases = [line.split('phases: ', 1)[1].strip() for line in f if 'phases: ' in line]
            q['phases'] = phases[-1] if phases else None
        if tag == 'rank':
            with open(best.out_path) as f:
                q['rows'] = len(json.load(f).get('rows', []))
        queries.append(q)
    res['queries'] = queries
    answers = [q['out_path'] for q in queries if q.get('out_path')]
    if len(answers) == 2:
        with open(answers[0], 'rb') as a, open(answers[1], 'rb') as b:
            res['stored_equals_works'] = a.read() == b.read()
    res['cold_available'] = cold_ok
    res['report'] = report(res, args)
    with open(res_path, 'w') as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(args.out, 'store_query_bench.md'), 'w') as f:
        f.write(res['report'])
    print(res['report'])


def report(res, args):
    info, queries = res['info'], res['queries']
    L = [f'# coopscope store queries at scale ({res["started"][:16]})', '']
    L.append(f'- Store: {info.get("live_works", 0):,} live works ({info.get("rows", 0):,} rows, '
             f'{info.get("segments", 0)} segments, {info.get("segment_bytes", 0):,} bytes); generated with '
             f'--cnrs-share {args.cnrs_share}, chunks of {args.chunk:,} works.')
    L.append(f'- Machine: {res["machine"]}; coopscope {res["coopscope_version"]}.')
    chunks = res.get('chunks') or []
    if chunks:
        L.append(f'- Built chunk by chunk: {sum(c["json_bytes"] for c in chunks) / 1e9:,.0f} GB of JSON generated '
                 f'in {sum(c["generate_seconds"] for c in chunks):,.0f} s, added in '
                 f'{sum(c["store_seconds"] for c in chunks):,.0f} s (each `store update` settles the whole store).')
    how = {'drop_caches': ' (`echo 3 > /proc/sys/vm/drop_caches`)',
           'fadvise': " (the store's files evicted with posix_fadvise DONTNEED; the page cache cannot be dropped here)"}
    L.append(f'- Child processes, wall time; warm = best of {args.query_repeat}; cold = the first run after dropping '
             'the store from the page cache' + how.get(res['cold_available'], ' (unavailable here)') + '.')
    L.append('')
    if info.get('facts_line'):
        L.append(f'- Facts file: {info["facts_line"]}.')
    if info.get('views_line'):
        L.append(f'- Stored answers: {info["views_line"]}.')
    L.append('')
    L.append('| query | works in scope | cold ms | warm ms | CPU s (warm) | peak RSS MiB | others CPU |')
    L.append('|---|---:|---:|---:|---:|---:|---:|')
    for q in queries:
        n = q.get('in_scope') if q.get('in_scope') is not None else (f'{q["rows"]:,} rows' if q.get('rows') else '–')
        n = f'{n:,}' if isinstance(n, int) else n
        cold = '–' if q['cold_ms'] is None else f'{q["cold_ms"]:,.0f}'
        others = '?' if q['others'] is None else f'{q["others"] * 100:.0f}%'
        cpu = '–' if q.get('cpu_s') is None else f'{q["cpu_s"]:.2f}'
        L.append(f'| `{q["query"]}` | {n} | {cold} | {q["warm_ms"]:,.0f} | {cpu} | {q["rss_mib"]:.0f} | {others} |')
    L.append('')
    for q in queries:
        if q.get('phases'):
            L.append(f'Phases of the best `{q["query"]}` (`--timings`, wall): {q["phases"]}.')
    if 'stored_equals_works' in res:
        L.append('')
        L.append('The stored answer and the answer read from the works are '
                 + ('byte-identical (JSON).' if res['stored_equals_works'] else '**different** (a defect).'))
    L.append('')
    L.append(f'Command: `{res["command"]}`')
    L.append('')
    return '\n'.join(L)


if __name__ == '__main__':
    main()
