#!/usr/bin/env python3
"""The store (`coopscope store …`) measured against the targets of issue 3, with DuckDB alongside.

    python3 bench/store_bench.py                   # 300,000 works (about 3.2 GB of JSONL), < 10 min
    python3 bench/store_bench.py --works 20000     # smoke run
    python3 bench/store_bench.py --skip-generate   # reuse bench/out/data-store-N

In one run on the same generated works (plain JSONL parts and the same works as
.gz parts):

1. build   `store build` with 2 and 1 threads from plain and from .gz (best of
           --repeat): GB/s of uncompressed JSON, peak RSS, and for .gz the
           ratio to `igzip -dc` alone (1 process, and 2 in parallel on the two
           halves of the parts);
2. size    bytes per work and per authorship of the segments (registry
           excluded) from `store info`, and the SQLite catalog apart;
3. queries `indicators --store` for CNRS and a mid-size organisation, `rank
           --year 2022` and `countries --year 2020`, cold (page cache dropped)
           and warm (best of --query-repeat), as child processes;
4. DuckDB  the same JSONL loaded into a persisted table (de-duplicated like the
           store), its file size and load time; CNRS P per year on that table
           (cold and warm) next to `indicators --store`, and the two P per year
           compared;
5. equality `indicators --store … --format json` byte for byte against the
           streaming `indicators … --registry … --format json` on the plain
           parts, for every organisation queried.

Prints a markdown table (also bench/out/store_bench.md) and writes
bench/out/store_bench.json.  Standard library only; the helpers for timing
children and generating data are run.py's.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing run.py
sys.path.insert(0, BENCH)
import run as base  # noqa: E402  (run.py: run_measured, generate, data_files, …)

log, die = base.log, base.die
CNRS = 'I1294671590'

# ---------------------------------------------------------------- DuckDB side

# Written to OUT/store_duckdb.mjs at run time.  OUT may lie outside bench/, where
# an ESM `import` would not find bench/node_modules (NODE_PATH does not apply to
# ESM), so the package is loaded with a require() rooted at bench/package.json
# (BENCH_PACKAGE_JSON, substituted below).  `load DB THREADS FILE…` creates table `works` (one row per work
# id, newest updated_date, ties to the later file, as the store keeps them);
# `query DB THREADS ORG REPEAT` answers P per year of ORG, first run then the
# best of REPEAT.
DUCKDB_SCRIPT = r"""
import { createRequire } from 'node:module';
import fs from 'node:fs';
const { DuckDBInstance, version: duckdbVersion } = createRequire(BENCH_PACKAGE_JSON)('@duckdb/node-api');

const [mode, db, threads, ...rest] = process.argv.slice(2);
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const now = () => Number(process.hrtime.bigint()) / 1e9;

const t0 = now();
const instance = await DuckDBInstance.create(db, { threads: String(threads), preserve_insertion_order: 'false' });
const conn = await instance.connect();
const opened = now() - t0;
const out = { duckdb_version: duckdbVersion(), mode, threads: Number(threads), open_seconds: opened };

if (mode === 'load') {
  const files = rest;
  const columns = `{
      id: 'VARCHAR', publication_year: 'BIGINT', updated_date: 'VARCHAR', type: 'VARCHAR',
      cited_by_count: 'BIGINT', primary_topic: 'STRUCT(field STRUCT(id VARCHAR))',
      authorships: 'STRUCT(institutions STRUCT(id VARCHAR, ror VARCHAR, country_code VARCHAR, type VARCHAR, lineage VARCHAR[])[], countries VARCHAR[], affiliations STRUCT(institution_ids VARCHAR[])[])[]'
    }`;
  const t = now();
  await conn.run(`DROP TABLE IF EXISTS works`);
  await conn.run(`
    CREATE TABLE works AS
    SELECT id, publication_year, updated_date, type, cited_by_count,
           primary_topic.field.id AS field, authorships
    FROM read_json([${files.map(q).join(', ')}], format = 'newline_delimited', compression = 'auto_detect',
                   columns = ${columns}, filename = true, hive_partitioning = false,
                   maximum_object_size = 67108864)
    WHERE id IS NOT NULL AND publication_year IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY id ORDER BY TRY_CAST(updated_date AS TIMESTAMP) DESC NULLS LAST,
                                                       filename DESC) = 1`);
  out.create_seconds = now() - t;
  const t2 = now();
  await conn.run('CHECKPOINT');
  out.checkpoint_seconds = now() - t2;
  const [r] = (await conn.runAndReadAll(`SELECT count(*) AS n, sum(len(authorships)) AS a FROM works`)).getRowObjectsJson();
  out.rows = Number(r.n);
  out.authorships = Number(r.a);
  out.seconds = now() - t0;
} else if (mode === 'query') {
  const [org, repeat] = rest;
  const url = q(`https://openalex.org/${org}`), short = q(org);
  // Scope as in duckdb_indicators.mjs: I(a) = the authorship's institutions with an id, a ROR
  // or a country, else its affiliations' institution ids; the work is in W(S) when some I(a)
  // holds an institution whose id is the root or whose lineage holds it.
  await conn.run(`
    CREATE OR REPLACE TEMP MACRO cc(x) AS
      CASE WHEN regexp_full_match(x, '[A-Za-z]{2}') THEN upper(x) END;
    CREATE OR REPLACE TEMP MACRO in_s(x) AS
      x.id IN (${url}, ${short}) OR list_has_any(x.lineage, [${url}, ${short}]);
    CREATE OR REPLACE TEMP MACRO has_key(x) AS
      coalesce(x.id, '') <> '' OR coalesce(x.ror, '') <> '';`);
  const sql = `
    SELECT publication_year AS year, count(*) AS p
    FROM works
    WHERE coalesce(list_bool_or(list_transform(coalesce(authorships, []), a -> list_transform(
            [list_filter(coalesce(a.institutions, []), x -> has_key(x) OR cc(x.country_code) IS NOT NULL)],
            l -> CASE WHEN len(l) > 0 THEN coalesce(list_bool_or(list_transform(l, x -> coalesce(in_s(x), false))), false)
                      ELSE list_has_any(flatten(list_transform(coalesce(a.affiliations, []),
                                                               f -> coalesce(f.institution_ids, []))), [${url}, ${short}])
                 END)[1])), false)
    GROUP BY ALL ORDER BY year`;
  let t = now();
  let rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
  out.first_seconds = now() - t;
  const times = [];
  for (let i = 0; i < Number(repeat); ++i) {
    t = now();
    rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
    times.push(now() - t);
  }
  out.warm_seconds = times;
  out.best_warm_seconds = Math.min(...times);
  out.by_year = rows.map((r) => ({ year: Number(r.year), p: Number(r.p) }));
  const yc = (await conn.runAndReadAll(`SELECT publication_year AS year, count(*) AS n FROM works GROUP BY ALL ORDER BY year`)).getRowObjectsJson();
  out.works_per_year = Object.fromEntries(yc.map((r) => [String(r.year), Number(r.n)]));
  out.seconds = now() - t0;
}
conn.closeSync?.();
instance.closeSync?.();
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
"""

# ---------------------------------------------------------------- helpers


def measured(argv, name, runs_dir, stdout=True, check=True):
    """One child run (wall seconds, peak RSS, CPU) via run.py's run_measured; dies on failure."""
    out_path = os.path.join(runs_dir, name + '.out') if stdout else None
    err_path = os.path.join(runs_dir, name + '.stderr')
    m = base.run_measured(argv, out_path, err_path)
    others = f'{m.others * 100:.0f}%' if m.others is not None else '?'
    log(f'{name}: {m.seconds:.3f} s, {m.rss_mib:.0f} MiB, cpu {m.cpu_seconds:.2f} s, others {others}, '
        f'exit {m.returncode}')
    if check and m.returncode != 0:
        with open(err_path, errors='replace') as f:
            tail = f.read()[-3000:]
        die(f'{" ".join(argv)} exited with {m.returncode}:\n{tail}')
    m.out_path = out_path
    return m


def drop_caches(folders=()):
    """Empties the page cache (needs root); else evicts the files of `folders` from it with
    posix_fadvise(DONTNEED) (their clean pages are dropped: the next read comes from the disk).
    Returns how ('drop_caches', 'fadvise') or None when neither is possible."""
    try:
        os.sync()
        with open('/proc/sys/vm/drop_caches', 'w') as f:
            f.write('3\n')
        return 'drop_caches'
    except OSError:
        pass
    if not folders:
        return None
    try:
        for folder in folders:
            for root, _, files in os.walk(folder):
                for name in files:
                    fd = os.open(os.path.join(root, name), os.O_RDONLY)
                    try:
                        os.fdatasync(fd)
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    finally:
                        os.close(fd)
        return 'fadvise'
    except OSError:
        return None


def dir_bytes(folder):
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def parse_info(text):
    """Figures of `coopscope store info`."""
    info = {'text': text}
    pats = {
        'live_works': r'^live works\s+(\d+)',
        'segments': r'^segments\s+(\d+)\s+\((\d+) bytes, (\d+) rows, (\d+) authorships\)',
        'bytes_per_row': r'^bytes per work\s+([\d.]+) \(per stored row\), ([\d.]+) per authorship',
        'records': r'^records read\s+(\d+) = accepted (\d+) \+ rejected (\d+) \+ duplicates (\d+)',
        'input_bytes': r'^input files\s+(\d+)\s+\((\d+) decompressed bytes\)',
        'registry': r'^registry\s+(\d+) organisations',
        'store_size': r'^store size\s+(\d+) bytes',
    }
    for key, pat in pats.items():
        m = re.search(pat, text, re.M)
        if not m:
            continue
        g = m.groups()
        if key == 'live_works':
            info['live_works'] = int(g[0])
        elif key == 'segments':
            info.update(segments=int(g[0]), segment_bytes=int(g[1]), rows=int(g[2]), authorships=int(g[3]))
        elif key == 'bytes_per_row':
            info.update(info_bytes_per_row=float(g[0]), info_bytes_per_authorship=float(g[1]))
        elif key == 'records':
            info.update(read=int(g[0]), accepted=int(g[1]), rejected=int(g[2]), duplicates=int(g[3]))
        elif key == 'input_bytes':
            info.update(input_files=int(g[0]), input_bytes=int(g[1]))
        elif key == 'registry':
            info['registry_orgs'] = int(g[0])
        elif key == 'store_size':
            info['store_bytes'] = int(g[0])
    return info


def prepare_data(args, coopscope):
    """(plain folder, gz folder, meta) under OUT/data-store-N; generated when absent or different."""
    base_dir = os.path.join(args.out, f'data-store-{args.works}')
    plain, gz, meta = base.load_data(base_dir)
    have = (meta is not None and base.data_files(plain, '.jsonl') and base.data_files(gz, '.gz')
            and meta.get('works') == args.works and meta.get('seed') == args.seed
            and meta.get('parts') == args.parts)
    if have or args.skip_generate:
        if not have:
            die(f'--skip-generate, but {base_dir} holds no data of {args.works} works, seed {args.seed}, '
                f'{args.parts} parts')
        log(f'using the data in {base_dir}: {meta["works"]:,} works, {meta["plain_bytes"] / 1e9:.3f} GB plain')
        return plain, gz, meta
    return base.generate_data(coopscope, base_dir, args.works, args.seed, args.parts, args.registry)


def best_of(runs):
    return min(runs, key=lambda m: m.seconds)


def timed_runs(argv_fn, name, runs_dir, args, stdout=True):
    """--repeat runs of a configuration, then more (after a 10 s pause, --retries at most) while
    other processes used over --max-others of the machine during the best one, as run.py does."""
    runs = [measured(argv_fn(), f'{name}-r{i}', runs_dir, stdout=stdout) for i in range(args.repeat)]
    for attempt in range(args.retries):
        if (best_of(runs).others or 0) <= args.max_others:
            break
        log(f'{name}: other processes used {best_of(runs).others * 100:.0f}% of the CPU: again in 10 s')
        time.sleep(10)
        runs.append(measured(argv_fn(), f'{name}-retry{attempt + 1}', runs_dir, stdout=stdout))
    return runs


def pick_mid_org(coopscope, store, rank_rows, cnrs_in_scope):
    """An OpenAlex institution whose works in scope (id or lineage) are nearest a tenth of CNRS's.

    Rank rolls organisations up through OpenAlex lineage and ROR parents, the
    indicators' scope is the id or the OpenAlex lineage, so the candidates
    (the ranked institutions nearest a tenth of CNRS's p) are checked with an
    untimed query each."""
    cnrs_p = next((r['p'] for r in rank_rows if r['org'] == CNRS), 1000)
    cands = [r for r in rank_rows if str(r.get('org', '')).startswith('I') and r['org'] != CNRS and r.get('p', 0) > 0]
    cands.sort(key=lambda r: abs(r['p'] - cnrs_p / 10))
    best = None
    for r in cands[:8]:
        out = subprocess.run([coopscope, 'indicators', '--store', store, '--org', r['org'], '--format', 'json', '-q',
                              '--resamples', '0', '--window', '0'], capture_output=True, text=True)
        if out.returncode != 0:
            continue
        n = json.loads(out.stdout)['ingest']['in_scope']
        if best is None or abs(n - cnrs_in_scope / 10) < abs(best[1] - cnrs_in_scope / 10):
            best = (r['org'], n)
    return best[0] if best else None


# ---------------------------------------------------------------- main


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--works', type=int, default=300000, help='works to generate (default 300000, about 3.2 GB)')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--parts', type=int, default=8, help='part files per copy (default 8)')
    ap.add_argument('--threads', default='2,1', help='build thread counts (default 2,1)')
    ap.add_argument('--repeat', type=int, default=2, help='runs of each build; the best is kept (default 2)')
    ap.add_argument('--query-repeat', type=int, default=5, help='warm runs of each query; the best is kept (default 5)')
    ap.add_argument('--max-others', type=float, default=0.10,
                    help='run a build again when other processes used more than this share of the CPU '
                         'during its best run (default 0.10)')
    ap.add_argument('--retries', type=int, default=3, help='such reruns at most (default 3)')
    ap.add_argument('--mid-org', help='the mid-size organisation (default: the OpenAlex institution whose 2022 '
                                      'rank p is nearest a tenth of CNRS\'s)')
    ap.add_argument('--year', type=int, default=2022, help='year of the ranking (default 2022)')
    ap.add_argument('--skip-generate', action='store_true', help='use the data already in OUT/data-store-N')
    ap.add_argument('--no-duckdb', action='store_true', help='skip the DuckDB runs')
    ap.add_argument('--no-cold', action='store_true', help='do not drop the page cache for cold queries')
    ap.add_argument('--out', default=os.path.join(BENCH, 'out'), help='work folder (default bench/out)')
    ap.add_argument('--coopscope', help='coopscope binary (default build/release/coopscope, else build/bench)')
    ap.add_argument('--registry', default=base.DEFAULT_REGISTRY, help='ROR dump: generate, store build, streaming')
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    args.threads = [int(t) for t in args.threads.split(',') if t]
    if args.repeat < 1 or args.query_repeat < 1:
        ap.error('--repeat and --query-repeat must be at least 1')
    return args


def main():
    args = parse_args()
    coopscope = base.find_coopscope(args)
    if not args.no_duckdb:
        base.ensure_node_modules()
    igzip = shutil.which('igzip')
    if not igzip:
        log('warning: igzip not found (Debian package isal); the decompression reference is skipped')
    os.makedirs(args.out, exist_ok=True)
    runs_dir = os.path.join(args.out, 'store-runs')
    stores_dir = os.path.join(args.out, 'stores')
    os.makedirs(runs_dir, exist_ok=True)
    os.makedirs(stores_dir, exist_ok=True)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    res = {'command': 'python3 bench/store_bench.py ' + ' '.join(sys.argv[1:]),
           'started': datetime.datetime.now().isoformat(timespec='seconds'),
           'machine': base.machine_line(), 'coopscope': coopscope,
           'coopscope_version': subprocess.run([coopscope, '--version'], capture_output=True,
                                               text=True).stdout.strip()}
    problems = []

    plain, gz, meta = prepare_data(args, coopscope)
    plain_files, gz_files = base.data_files(plain, '.jsonl'), base.data_files(gz, '.gz')
    plain_bytes = base.total_size(plain_files)
    res['data'] = dict(meta, plain_files=len(plain_files), gz_files=len(gz_files))
    log(f'{len(plain_files)} plain parts ({plain_bytes / 1e9:.3f} GB), {len(gz_files)} .gz parts '
        f'({base.total_size(gz_files) / 1e9:.3f} GB)')
    base.warm_cache(plain_files + gz_files)

    # ------------------------------------------------ decompression alone
    decomp = {}
    if igzip:
        halves = [gz_files[0::2], gz_files[1::2]]
        two = ['sh', '-c', ' & '.join(f'{igzip} -dc ' + ' '.join(f"'{p}'" for p in h) + ' >/dev/null'
                                      for h in halves) + ' & wait']
        for label, argv in (('igzip1', [igzip, '-dc'] + gz_files), ('igzip2', two)):
            runs = timed_runs(lambda: argv, label, runs_dir, args, stdout=False)
            b = best_of(runs)
            decomp[label] = {'seconds': b.seconds, 'cpu': b.cpu_seconds, 'others': b.others}
    res['decompression'] = decomp

    # ------------------------------------------------ builds
    builds = []
    query_store = None
    for inp, folder in (('jsonl', plain), ('gz', gz)):
        for t in args.threads:
            store = os.path.join(stores_dir, f'{inp}-t{t}')

            def build_argv(store=store, folder=folder, t=t):
                if os.path.exists(store):
                    shutil.rmtree(store)
                return [coopscope, 'store', 'build', store, '--registry', args.registry, folder,
                        '--threads', str(t), '-q']
            runs = timed_runs(build_argv, f'build-{inp}-t{t}', runs_dir, args)
            b = best_of(runs)
            info_text = subprocess.run([coopscope, 'store', 'info', store], capture_output=True, text=True,
                                       check=True).stdout
            info = parse_info(info_text)
            row = {'input': inp, 'threads': t, 'seconds': b.seconds, 'all_seconds': [m.seconds for m in runs],
                   'gbps': plain_bytes / b.seconds / 1e9, 'rss_mib': max(m.rss_mib for m in runs),
                   'cpu': b.cpu_seconds, 'others': b.others, 'live_works': info.get('live_works'),
                   'segment_bytes': info.get('segment_bytes'), 'segments': info.get('segments')}
            if inp == 'gz' and decomp:
                ref = decomp['igzip2' if t >= 2 else 'igzip1']
                row['vs_decompression'] = b.seconds / ref['seconds']
            builds.append(row)
            if query_store is None:
                query_store, query_info = store, info
            elif info.get('live_works') != query_info.get('live_works'):
                problems.append(f'store {store} holds {info.get("live_works")} live works, '
                                f'{query_store} {query_info.get("live_works")}')
    res['builds'] = builds
    # The stores other than the queried one are no longer needed.
    for name in os.listdir(stores_dir):
        path = os.path.join(stores_dir, name)
        if path != query_store:
            shutil.rmtree(path, ignore_errors=True)

    # ------------------------------------------------ size
    seg_bytes = query_info['segment_bytes']
    db_path = os.path.join(query_store, 'store.db')
    catalog_bytes = sum(os.path.getsize(p) for p in (db_path, db_path + '-wal', db_path + '-shm')
                        if os.path.exists(p))
    size = {'live_works': query_info['live_works'], 'stored_rows': query_info['rows'],
            'authorships': query_info['authorships'], 'segments': query_info['segments'],
            'segment_bytes': seg_bytes, 'segments_dir_bytes': dir_bytes(os.path.join(query_store, 'segments')),
            'catalog_bytes': catalog_bytes, 'registry_orgs': query_info.get('registry_orgs'),
            'bytes_per_work': seg_bytes / query_info['live_works'],
            'bytes_per_row': seg_bytes / query_info['rows'],
            'bytes_per_authorship': seg_bytes / query_info['authorships'],
            # The whole store as `store info` counts it: segments, facts file and
            # catalog, registry excluded.
            'store_bytes': query_info.get('store_bytes'),
            'store_bytes_per_work': (query_info['store_bytes'] / query_info['live_works']
                                     if query_info.get('store_bytes') else None),
            'info_text': query_info['text']}
    res['size'] = size
    log(f'segments {seg_bytes:,} B: {size["bytes_per_work"]:.1f} B/work, '
        f'{size["bytes_per_authorship"]:.1f} B/authorship; catalog {catalog_bytes:,} B')

    m = measured([coopscope, 'store', 'verify', query_store], 'verify', runs_dir, check=False)
    res['verify'] = {'seconds': m.seconds, 'rss_mib': m.rss_mib, 'exit': m.returncode}
    if m.returncode != 0:
        problems.append(f'store verify exited with {m.returncode} (see {runs_dir}/verify.*)')

    # ------------------------------------------------ queries
    rank_argv = [coopscope, 'rank', '--store', query_store, '--year', str(args.year), '--top', '0',
                 '--format', 'json']
    m = measured(rank_argv, 'rank-pick', runs_dir)
    with open(m.out_path) as f:
        rank_rows = json.load(f)['rows']
    if args.mid_org:
        mid = args.mid_org
    else:
        out = subprocess.run([coopscope, 'indicators', '--store', query_store, '--org', CNRS, '--format', 'json', '-q',
                              '--resamples', '0', '--window', '0'], capture_output=True, text=True, check=True)
        mid = pick_mid_org(coopscope, query_store, rank_rows, json.loads(out.stdout)['ingest']['in_scope'])
    orgs = [CNRS] + ([mid] if mid else [])
    res['rank_rows'] = len(rank_rows)
    res['rank_top'] = rank_rows[:5]

    cold_ok = not args.no_cold and drop_caches()
    if not args.no_cold and not cold_ok:
        log('cannot drop the page cache (not root?): cold figures unavailable')
    queries = []
    qdefs = [(f'indicators {o}', [coopscope, 'indicators', '--store', query_store, '--org', o, '--format', 'json',
                                  '-q'], o) for o in orgs]
    qdefs.append((f'rank --year {args.year}', rank_argv, None))
    # The floor of any query: start, open the catalog (with its registry), print the figures.
    qdefs.append(('store info', [coopscope, 'store', 'info', query_store], None))
    qdefs.append(('countries --year 2020', [coopscope, 'countries', '--store', query_store, '--year', '2020',
                                            '--top', '0', '--format', 'json'], None))
    for label, argv, org in qdefs:
        slug = re.sub(r'[^A-Za-z0-9]+', '_', label).strip('_')
        cold = None
        if cold_ok:
            drop_caches()
            cold = measured(argv, f'q-{slug}-cold', runs_dir)
        warm = [measured(argv, f'q-{slug}-warm{i}', runs_dir) for i in range(args.query_repeat)]
        b = best_of(warm)
        q = {'query': label, 'argv': argv, 'org': org, 'cold_ms': cold.seconds * 1000 if cold else None,
             'cold_rss_mib': cold.rss_mib if cold else None, 'warm_ms': b.seconds * 1000,
             'warm_all_ms': [x.seconds * 1000 for x in warm], 'rss_mib': b.rss_mib, 'out': b.out_path,
             'others': b.others}
        if org:
            with open(b.out_path) as f:
                j = json.load(f)
            q['in_scope'] = j['ingest']['in_scope']
            q['p_total'] = j['total']['p']
            q['by_year'] = {str(y['year']): y['p'] for y in j['by_year']}
            q['name'] = j['org']['name']
        queries.append(q)
    res['queries'] = queries

    # ------------------------------------------------ equality with streaming
    equality = []
    for o in orgs:
        path = os.path.join(runs_dir, f'stream-{o}.json')
        argv = [coopscope, 'indicators', '--org', o, '--registry', args.registry, '--threads', '2',
                '--format', 'json', '-q', plain]
        m = measured(argv, f'stream-{o}', runs_dir)
        shutil.copy(m.out_path, path)
        store_out = next(q['out'] for q in queries if q['org'] == o)
        with open(store_out, 'rb') as f:
            a = f.read()
        with open(path, 'rb') as f:
            b = f.read()
        same = a == b
        equality.append({'org': o, 'identical': same, 'store_bytes': len(a), 'stream_bytes': len(b),
                         'stream_seconds': m.seconds})
        if not same:
            problems.append(f'indicators --store for {o} differs from streaming ({store_out} vs {path})')
    res['equality'] = equality

    # ------------------------------------------------ the same store without --registry
    # Tells what the registry kept in the catalog costs every query (it is read at open).
    noreg = os.path.join(stores_dir, 'jsonl-t2-noreg')
    if os.path.exists(noreg):
        shutil.rmtree(noreg)
    t = max(args.threads)

    def noreg_argv():
        if os.path.exists(noreg):
            shutil.rmtree(noreg)
        return [coopscope, 'store', 'build', noreg, plain, '--threads', str(t), '-q']
    m = best_of(timed_runs(noreg_argv,
                           'noreg-build', runs_dir, argparse.Namespace(repeat=1, retries=args.retries,
                                                                      max_others=args.max_others)))
    nr = {'threads': t, 'build_seconds': m.seconds, 'build_gbps': plain_bytes / m.seconds / 1e9,
          'build_rss_mib': m.rss_mib, 'catalog_bytes': os.path.getsize(os.path.join(noreg, 'store.db'))}
    v = measured([coopscope, 'store', 'verify', noreg], 'noreg-verify', runs_dir, check=False)
    nr['verify_exit'] = v.returncode
    for label, argv in (('cnrs', [coopscope, 'indicators', '--store', noreg, '--org', CNRS, '--home', 'FR',
                                  '--format', 'json', '-q']),
                        ('rank', [coopscope, 'rank', '--store', noreg, '--year', str(args.year), '--top', '0',
                                  '--format', 'json']),
                        ('info', [coopscope, 'store', 'info', noreg])):
        warm = [measured(argv, f'noreg-{label}-warm{i}', runs_dir) for i in range(args.query_repeat)]
        nr[f'{label}_warm_ms'] = best_of(warm).seconds * 1000
    res['no_registry'] = nr
    shutil.rmtree(noreg, ignore_errors=True)

    # ------------------------------------------------ DuckDB
    duck = None
    if not args.no_duckdb:
        script = os.path.join(args.out, 'store_duckdb.mjs')
        with open(script, 'w') as f:
            f.write(DUCKDB_SCRIPT.replace('BENCH_PACKAGE_JSON',
                                          json.dumps(os.path.join(BENCH, 'package.json')), 1))
        db = os.path.join(args.out, 'store_bench.duckdb')
        base.warm_cache(plain_files)
        for p in (db, db + '.wal'):
            if os.path.exists(p):
                os.remove(p)
        m = measured(['node', script, 'load', db, '2'] + plain_files, 'duckdb-load', runs_dir)
        with open(m.out_path) as f:
            load = json.load(f)
        db_bytes = sum(os.path.getsize(p) for p in (db, db + '.wal') if os.path.exists(p))
        duck = {'version': load['duckdb_version'], 'load_seconds': m.seconds, 'load_rss_mib': m.rss_mib,
                'load_cpu': m.cpu_seconds, 'load_inner': load, 'file_bytes': db_bytes,
                'bytes_per_work': db_bytes / load['rows'], 'rows': load['rows']}
        qargv = ['node', script, 'query', db, '2', CNRS, str(args.query_repeat)]
        cold = None
        if cold_ok:
            drop_caches()
            cold = measured(qargv, 'duckdb-query-cold', runs_dir)
            with open(cold.out_path) as f:
                cold_j = json.load(f)
        warm = measured(qargv, 'duckdb-query-warm', runs_dir)
        with open(warm.out_path) as f:
            wj = json.load(f)
        duck.update(query_cold_process_ms=cold.seconds * 1000 if cold else None,
                    query_cold_first_ms=cold_j['first_seconds'] * 1000 if cold else None,
                    query_warm_ms=wj['best_warm_seconds'] * 1000, query_warm_process_ms=warm.seconds * 1000,
                    query_open_ms=wj['open_seconds'] * 1000, by_year={str(r['year']): r['p'] for r in wj['by_year']},
                    works_per_year=wj['works_per_year'])
        cq = next(q for q in queries if q['org'] == CNRS)
        agree = duck['by_year'] == cq['by_year']
        duck['p_per_year_agree'] = agree
        if not agree:
            problems.append(f'CNRS P per year: DuckDB {duck["by_year"]} vs coopscope {cq["by_year"]}')
        if duck['rows'] != size['live_works']:
            problems.append(f'DuckDB table holds {duck["rows"]} works, the store {size["live_works"]} live works')
        res['duckdb'] = duck

    res['load_before'], res['load_after'] = load_before, os.getloadavg()[0]
    res['cold_available'] = cold_ok
    res['problems'] = problems
    res['seconds'] = time.perf_counter() - started
    report = build_report(res, args)
    res['report'] = report
    with open(os.path.join(args.out, 'store_bench.json'), 'w') as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(args.out, 'store_bench.md'), 'w') as f:
        f.write(report)
    print(report)
    log(f'written {os.path.join(args.out, "store_bench.json")} and store_bench.md ({res["seconds"]:.0f} s in all)')
    if problems:
        die('; '.join(problems))


# ---------------------------------------------------------------- report


def fmt(x, digits=0, unit=''):
    return '–' if x is None else f'{x:,.{digits}f}{unit}'


def build_report(res, args):
    d, size, builds, queries = res['data'], res['size'], res['builds'], res['queries']
    duck, decomp = res.get('duckdb'), res['decompression']
    L = []
    L.append(f'# coopscope store benchmark ({res["started"][:16]})')
    L.append('')
    L.append(f'- Data: {d["works"]:,} generated works (seed {d["seed"]}, {d["parts"]} parts), '
             f'{d["plain_bytes"] / 1e9:.3f} GB JSONL, {d["gz_bytes"] / 1e9:.3f} GB as .gz; '
             f'{size["live_works"]:,} live works, {size["stored_rows"]:,} stored rows, '
             f'{size["authorships"]:,} authorships.')
    L.append(f'- Machine: {res["machine"]}; load average {res["load_before"]:.2f} before, '
             f'{res["load_after"]:.2f} after.')
    L.append(f'- coopscope {res["coopscope_version"]} ({res["coopscope"]})'
             + (f', DuckDB {duck["version"]} via @duckdb/node-api' if duck else '') + '.')
    L.append(f'- Builds: best of {args.repeat}, `--registry` (ROR subset) included, warm page cache; '
             f'GB/s = uncompressed JSONL bytes / wall seconds (for .gz too). Queries: child processes, '
             f'wall time; warm = best of {args.query_repeat}; cold = first run after '
             + ('`echo 3 > /proc/sys/vm/drop_caches`' if res['cold_available'] else '(unavailable: page cache not droppable)')
             + '.')
    L.append('')
    L.append('## Build')
    L.append('')
    L.append('| input | threads | seconds | GB/s | peak RSS MiB | CPU s | vs decompression alone | others CPU |')
    L.append('|---|---:|---:|---:|---:|---:|---:|---:|')
    for b in builds:
        L.append(f'| {b["input"]} | {b["threads"]} | {b["seconds"]:.2f} | {b["gbps"]:.2f} | {b["rss_mib"]:.0f} | '
                 f'{b["cpu"]:.1f} | {fmt(b.get("vs_decompression"), 2, "×")} | '
                 f'{"?" if b["others"] is None else format(b["others"] * 100, ".0f") + "%"} |')
    for k, label in (('igzip1', 'igzip -dc, 1 process'), ('igzip2', 'igzip -dc, 2 processes')):
        if k in decomp:
            L.append(f'| gz ({label}) | – | {decomp[k]["seconds"]:.2f} | '
                     f'{d["plain_bytes"] / decomp[k]["seconds"] / 1e9:.2f} | – | {decomp[k]["cpu"]:.1f} | 1.00× | – |')
    if duck:
        L.append(f'| DuckDB load (jsonl → table, 2 threads) | 2 | {duck["load_seconds"]:.2f} | '
                 f'{d["plain_bytes"] / duck["load_seconds"] / 1e9:.2f} | {duck["load_rss_mib"]:.0f} | '
                 f'{duck["load_cpu"]:.1f} | – | – |')
    L.append('')
    L.append('## Size')
    L.append('')
    L.append('| what | bytes | per work | per authorship |')
    L.append('|---|---:|---:|---:|')
    L.append(f'| segments ({size["segments"]} files, registry excluded) | {size["segment_bytes"]:,} | '
             f'{size["bytes_per_work"]:.1f} | {size["bytes_per_authorship"]:.2f} |')
    L.append(f'| SQLite catalog (store.db: registry of {fmt(size["registry_orgs"])} organisations, ledger, '
             f'names…) | {size["catalog_bytes"]:,} | {size["catalog_bytes"] / size["live_works"]:.1f} | – |')
    if duck:
        L.append(f'| DuckDB file (de-duplicated works, the columns the store keeps) | {duck["file_bytes"]:,} | '
                 f'{duck["bytes_per_work"]:.1f} | {duck["file_bytes"] / size["authorships"]:.2f} |')
    L.append(f'| JSONL input | {d["plain_bytes"]:,} | {d["plain_bytes"] / size["live_works"]:,.0f} | – |')
    L.append('')
    L.append('## Queries')
    L.append('')
    L.append('| query | works in scope | cold ms | warm ms | warm ms per 100k works in scope | peak RSS MiB | others CPU |')
    L.append('|---|---:|---:|---:|---:|---:|---:|')
    wpy = duck['works_per_year'] if duck else {}
    for q in queries:
        n = q.get('in_scope')
        if n is None and q['query'].startswith('rank'):
            n = wpy.get(str(args.year))
        elif n is None and q['query'].startswith('countries'):
            n = wpy.get('2020')
        per = q['warm_ms'] / n * 1e5 if n else None
        q['scope_works'], q['warm_ms_per_100k'] = n, per
        name = f'`{q["query"]}`' + (f' ({q["name"]})' if q.get('name') else '')
        L.append(f'| {name} | {fmt(n)} | {fmt(q["cold_ms"], 0)} | {q["warm_ms"]:.0f} | {fmt(per, 1)} | '
                 f'{q["rss_mib"]:.0f} | {"?" if q["others"] is None else format(q["others"] * 100, ".0f") + "%"} |')
    if duck:
        cq = next(q for q in queries if q['org'] == CNRS)
        L.append(f'| DuckDB: CNRS P per year on the persisted table, in process | {cq["in_scope"]:,} | '
                 f'{fmt(duck["query_cold_first_ms"], 0)} | {duck["query_warm_ms"]:.0f} | '
                 f'{duck["query_warm_ms"] / cq["in_scope"] * 1e5:.1f} | – | – |')
        L.append(f'| DuckDB: the same, whole node process (start, open, first query, {args.query_repeat} more) | '
                 f'{cq["in_scope"]:,} | {fmt(duck["query_cold_process_ms"], 0)} | '
                 f'{duck["query_warm_process_ms"]:.0f} | – | – | – |')
    L.append('')
    L.append('Rank and countries rows: "works in scope" = works published that year (from the DuckDB table).')
    nr = res.get('no_registry')
    if nr:
        L.append('')
        L.append(f'The same JSONL in a store built **without** `--registry` ({nr["threads"]} threads: '
                 f'{nr["build_seconds"]:.2f} s, {nr["build_gbps"]:.2f} GB/s, {nr["build_rss_mib"]:.0f} MiB; '
                 f'catalog {nr["catalog_bytes"]:,} bytes; `store verify` exit {nr["verify_exit"]}), warm: '
                 f'`indicators --org {CNRS} --home FR` {nr["cnrs_warm_ms"]:.0f} ms, `rank --year {args.year}` '
                 f'{nr["rank_warm_ms"]:.0f} ms, `store info` {nr["info_warm_ms"]:.0f} ms.')
    L.append('')
    L.append('## Checks')
    L.append('')
    for e in res['equality']:
        L.append(f'- `indicators --store --org {e["org"]} --format json` vs streaming `indicators --org {e["org"]} '
                 f'--registry … --format json` on the plain parts ({e["stream_seconds"]:.2f} s): '
                 + ('**byte-identical**' if e['identical'] else f'**DIFFERENT** ({e["store_bytes"]} vs '
                                                               f'{e["stream_bytes"]} bytes)') + '.')
    if duck:
        L.append(f'- CNRS P per year, DuckDB vs coopscope `by_year[].p`: '
                 + ('**agree**' if duck['p_per_year_agree'] else f'**DISAGREE**: DuckDB {duck["by_year"]}')
                 + f' ({len(duck["by_year"])} years); DuckDB table rows {duck["rows"]:,} vs store live works '
                   f'{size["live_works"]:,}.')
    v = res['verify']
    L.append(f'- `store verify`: exit {v["exit"]} ({v["seconds"]:.2f} s, {v["rss_mib"]:.0f} MiB).')
    L.append('')
    L.append('## Targets (issue 3; measured, not asserted)')
    L.append('')

    def line(ok, text):
        L.append(f'- [{"x" if ok else " "}] {text}')

    get = {(b['input'], b['threads']): b for b in builds}
    b2 = get.get(('jsonl', 2))
    if b2:
        line(b2['gbps'] >= 1.0, f'build ≥ 1 GB/s with 2 threads (JSONL): {b2["gbps"]:.2f} GB/s')
    g2 = get.get(('gz', 2))
    if g2 and g2.get('vs_decompression'):
        line(g2['vs_decompression'] <= 1.5, f'build from .gz within 1.5× of decompression alone (2 threads vs 2 '
                                            f'igzip processes): {g2["vs_decompression"]:.2f}×')
    g1 = get.get(('gz', 1))
    if g1 and g1.get('vs_decompression'):
        line(g1['vs_decompression'] <= 1.5, f'the same with 1 thread vs 1 igzip process: {g1["vs_decompression"]:.2f}×')
    worst = max(b['rss_mib'] for b in builds)
    line(worst < 2048, f'build peak RSS < 2 GiB: {worst:.0f} MiB at most (at {d["works"]:,} works; growth with '
                       f'the input is not measured here)')
    whole = size.get('store_bytes_per_work')
    line(whole is not None and whole <= 64,
         f'≤ 64 B per work, registry excluded: the whole store (segments, facts file, catalog) '
         f'{whole if whole is not None else float("nan"):.1f} B per live work; the segments alone '
         f'{size["bytes_per_work"]:.1f} B/work ({size["bytes_per_authorship"]:.2f} B/authorship)')
    cq = next(q for q in queries if q['org'] == CNRS)
    floor = next(q for q in queries if q['query'] == 'store info')['warm_ms']
    line(cq['warm_ms'] < 100, f'measured: full indicator set for CNRS ({cq["in_scope"]:,} works in scope, store of '
                              f'{size["live_works"]:,}) warm: {cq["warm_ms"]:.0f} ms')
    per_work = max(0.0, cq['warm_ms'] - floor) / cq['in_scope']
    ext = floor + per_work * 1_000_000
    res['extrapolated'] = {'floor_ms': floor, 'indicators_ms_per_100k_above_floor': per_work * 1e5,
                           'indicators_1m_ms': ext}
    L.append(f'- [{"x" if ext < 100 else " "}] **extrapolated, not measured**: 1M works in scope (20M store) < 100 ms '
             f'warm: ≈ {ext:,.0f} ms = the floor of any query on this store ({floor:.0f} ms: `store info`, i.e. '
             f'start and open the catalog) + {per_work * 1e5:.0f} ms per 100k works in scope (CNRS\'s time above '
             f'the floor, assumed linear in the works in scope and independent of the store size)')
    rq = next(q for q in queries if q['query'].startswith('rank'))
    line(rq['warm_ms'] < 1000, f'measured: ranking of all organisations ({res["rank_rows"]:,} rows) for '
                               f'{args.year} warm: {rq["warm_ms"]:.0f} ms (store of {size["live_works"]:,} works)')
    rext = floor + max(0.0, rq['warm_ms'] - floor) * 20_000_000 / size['live_works']
    res['extrapolated']['rank_20m_ms'] = rext
    L.append(f'- [{"x" if rext < 1000 else " "}] **extrapolated, not measured**: the same ranking in a 20M store: '
             f'≈ {rext:,.0f} ms (time above the floor × 20M / {size["live_works"]:,})')
    if res['problems']:
        L.append('')
        L.append('## Problems')
        L.append('')
        L.extend(f'- {p}' for p in res['problems'])
    L.append('')
    L.append(f'Command: `{res["command"]}` ({res["seconds"]:.0f} s in all)')
    L.append('')
    return '\n'.join(L)


if __name__ == '__main__':
    main()
