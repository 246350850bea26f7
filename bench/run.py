#!/usr/bin/env python3
"""coopscope versus DuckDB on the same OpenAlex works, in one run.

    python3 bench/run.py                 # full size (>= 1.5 GB of JSONL), see README.md
    python3 bench/run.py --quick         # a smoke run on small data

Generates the data if absent (plain JSONL and a .gz copy of the same works),
times coopscope and DuckDB (threads 1 and 2) on both and `igzip -dc` alone on
the .gz parts, checks that every run reports the same aggregates (integers
exactly, fractional counts to 1e-6) and prints a markdown table, also written
to bench/out/results.md.  Standard library only.
"""

import argparse
import datetime
import glob
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
DEFAULT_REGISTRY = os.path.join(os.path.dirname(REPO), 'shared', 'data', 'ror-records-subset',
                                'ror_v2_subset_latest.json.gz')
if not os.path.exists(DEFAULT_REGISTRY):
    DEFAULT_REGISTRY = '/work/shared/data/ror-records-subset/ror_v2_subset_latest.json.gz'

# Compared fields of each period (total and every year).
COUNT_FIELDS = ['p', 'p_int_collab', 'p_foreign', 'p_industry', 'p_no_country']
FRAC_FIELDS = ['p_frac', 'p_int_collab_frac', 'p_foreign_frac', 'p_industry_frac', 'p_no_country_frac']
INGEST_FIELDS = ['read', 'accepted', 'duplicates']
TOLERANCE = 1e-6  # on fractional values, relative to max(1, |value|)


def log(msg):
    print(f'[bench {time.strftime("%H:%M:%S")}] {msg}', file=sys.stderr, flush=True)


def die(msg):
    print(f'\nbench: FAILED: {msg}\n', file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------- children

class Measure:
    def __init__(self, argv, seconds, rss_mib, cpu_seconds, returncode, load, others):
        self.argv, self.seconds, self.rss_mib = argv, seconds, rss_mib
        self.cpu_seconds, self.returncode, self.load = cpu_seconds, returncode, load
        self.others = others  # share of the machine's CPU used by other processes (and stolen) meanwhile


def cpu_counters():
    """(busy, steal) seconds of all CPUs from /proc/stat, or None."""
    try:
        with open('/proc/stat') as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf('SC_CLK_TCK')
    user, nice, system, idle, iowait, irq, softirq = fields[:7]
    steal = fields[7] if len(fields) > 7 else 0
    return (user + nice + system + irq + softirq) / hz, steal / hz


TIME_BIN = '/usr/bin/time' if os.access('/usr/bin/time', os.X_OK) else None


def run_measured(argv, stdout_path=None, stderr_path=None, env=None):
    """Runs argv, returns wall seconds, peak RSS and CPU time of the child.

    Peak RSS comes from GNU time (Debian package `time`) when present: Linux
    keeps a process's ru_maxrss across exec, so a child forked straight from
    this script would report at least this script's own RSS (about 45 MiB once
    the results are loaded).  Without /usr/bin/time it is os.wait4's
    ru_maxrss, with that floor.
    """
    load = os.getloadavg()[0]
    before = cpu_counters()
    rss_file = None
    full = argv
    if TIME_BIN:
        rss_file = os.path.join(os.path.dirname(stderr_path) if stderr_path else '/tmp',
                                f'.rss-{os.getpid()}')
        full = [TIME_BIN, '-f', '%M', '-o', rss_file] + list(argv)
    out = open(stdout_path, 'wb') if stdout_path else subprocess.DEVNULL
    err = open(stderr_path, 'wb') if stderr_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout_path:
            out.close()
        if stderr_path:
            err.close()
    after = cpu_counters()
    # CPU of the waited process and the descendants it reaped (GNU time's own is negligible).
    cpu = usage.ru_utime + usage.ru_stime
    rss_kib = usage.ru_maxrss  # Linux: KiB
    if rss_file:
        try:
            with open(rss_file) as f:
                rss_kib = int(f.read().split()[-1])
            os.remove(rss_file)
        except (OSError, ValueError, IndexError):
            pass
    others = None
    if before and after and seconds > 0:
        # CPU time the machine spent on anything but this child (this script
        # included, which sleeps in wait4), plus time stolen by the hypervisor.
        busy = (after[0] - before[0]) - cpu + (after[1] - before[1])
        others = max(0.0, busy) / (seconds * (os.cpu_count() or 1))
    return Measure(argv, seconds, rss_kib / 1024.0, cpu, proc.returncode, load, others)


def check_call(argv, **kw):
    log('$ ' + ' '.join(argv))
    subprocess.run(argv, check=True, **kw)


# ---------------------------------------------------------------- data

def data_files(folder, suffix):
    files = sorted(glob.glob(os.path.join(folder, '**', '*' + suffix), recursive=True))
    return [f for f in files if 'manifest' not in os.path.basename(f)]


def total_size(files):
    return sum(os.path.getsize(f) for f in files)


def generate(coopscope, folder, works, seed, parts, compression, registry):
    if os.path.exists(folder):
        shutil.rmtree(folder)
    check_call([coopscope, 'generate', '--out', folder, '--works', str(works), '--seed', str(seed),
                '--parts', str(parts), '--compression', compression, '--registry', registry,
                '--threads', '2'])


def prepare_data(args, coopscope):
    """Returns (plain_folder, gz_folder, meta); generates what is absent."""
    tag = 'quick' if args.quick else 'full'
    base = os.path.join(args.out, f'data-{tag}')
    plain, gz, meta = load_data(base)
    wanted = {'seed': args.seed, 'parts': args.parts}
    if args.works:
        wanted['works'] = args.works
    have = (meta is not None and data_files(plain, '.jsonl') and data_files(gz, '.gz')
            and all(meta.get(k) == v for k, v in wanted.items())
            and (args.works or meta.get('target_bytes', 0) >= target_bytes(args)))
    if have or args.skip_generate:
        if not have and meta is None:
            die(f'--skip-generate, but there is no generated data in {base}')
        log(f'using the data in {base}: {meta["works"]} works, {meta["plain_bytes"] / 1e9:.3f} GB plain')
        return plain, gz, meta

    works = args.works
    if not works:
        # Calibrate: bytes per work of a small sample with the same generator.
        calib = os.path.join(args.out, 'calibration')
        sample = 4000
        generate(coopscope, calib, sample, args.seed + 1, 1, 'none', args.registry)
        per_work = total_size(data_files(calib, '.jsonl')) / sample
        shutil.rmtree(calib)
        works = int(math.ceil(target_bytes(args) * 1.03 / per_work))
        log(f'about {per_work:.0f} bytes per work: {works} works for {target_bytes(args) / 1e9:.2f} GB')
    plain, gz, meta = generate_data(coopscope, base, works, args.seed, args.parts, args.registry,
                                    {'target_bytes': target_bytes(args) if not args.works else 0})
    if not args.works and meta['plain_bytes'] < target_bytes(args):
        log(f'warning: generated {meta["plain_bytes"] / 1e9:.3f} GB, under the {target_bytes(args) / 1e9:.2f} GB asked')
    return plain, gz, meta


def load_data(base):
    """(plain folder, gz folder, meta or None) of generated data under base."""
    meta_path = os.path.join(base, 'bench-data.json')
    meta = None
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    return os.path.join(base, 'plain'), os.path.join(base, 'gz'), meta


def generate_data(coopscope, base, works, seed, parts, registry, extra_meta=None):
    """Writes the same works as plain and .gz parts under base, with bench-data.json."""
    plain, gz, _ = load_data(base)
    meta_path = os.path.join(base, 'bench-data.json')
    os.makedirs(base, exist_ok=True)
    if os.path.exists(meta_path):
        os.remove(meta_path)
    t0 = time.perf_counter()
    generate(coopscope, plain, works, seed, parts, 'none', registry)
    t1 = time.perf_counter()
    generate(coopscope, gz, works, seed, parts, 'gz', registry)
    t2 = time.perf_counter()
    meta = {'works': works, 'seed': seed, 'parts': parts, 'registry': registry, **(extra_meta or {}),
            'plain_bytes': total_size(data_files(plain, '.jsonl')),
            'gz_bytes': total_size(data_files(gz, '.gz')),
            'generate_plain_seconds': round(t1 - t0, 1), 'generate_gz_seconds': round(t2 - t1, 1),
            'generated': datetime.datetime.now().isoformat(timespec='seconds')}
    with open(meta_path, 'w') as f:
        json.dump(meta, f, indent=1)
    return plain, gz, meta


def target_bytes(args):
    return int((0.02 if args.quick else args.size_gb) * 1e9)


def warm_cache(files):
    """Reads the files once so that every timed run starts from the page cache."""
    for path in files:
        with open(path, 'rb', buffering=0) as f:
            while f.read(16 << 20):
                pass


# ---------------------------------------------------------------- agreement

def periods_of(result, tool):
    """{'total': period, year: period} with period = {field: value, 'partners': {c: (n, frac, share)}}."""
    out = {}

    def conv(p):
        d = {k: p.get(k, 0) for k in COUNT_FIELDS + FRAC_FIELDS}
        d['partners'] = {x['country']: (x['copubs'], x['copubs_frac'], x['share']) for x in p.get('partners', [])}
        return d

    out['total'] = conv(result['total'])
    for p in result.get('by_year', []):
        out[int(p['year'])] = conv(p)
    return out


def publish(text, out_dir):
    """Prints a benchmark's result table and writes it to out_dir/results.md."""
    print(text)
    with open(os.path.join(out_dir, 'results.md'), 'w', encoding='utf-8') as f:
        f.write(text)


def close(a, b):
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def compare(ref, ref_name, other, other_name):
    """Differences between two results, as readable lines (empty: they agree)."""
    diffs = []
    for key in INGEST_FIELDS:
        a, b = ref['ingest'].get(key), other['ingest'].get(key)
        if a != b:
            diffs.append(f'ingest.{key}: {ref_name} {a} vs {other_name} {b}')
    pa, pb = periods_of(ref, ref_name), periods_of(other, other_name)
    empty = {k: 0 for k in COUNT_FIELDS + FRAC_FIELDS}
    empty['partners'] = {}
    for period in sorted(set(pa) | set(pb), key=lambda x: (x != 'total', str(x))):
        a, b = pa.get(period, empty), pb.get(period, empty)
        for k in COUNT_FIELDS:
            if a[k] != b[k]:
                diffs.append(f'{period} {k}: {ref_name} {a[k]} vs {other_name} {b[k]}')
        for k in FRAC_FIELDS:
            if not close(a[k], b[k]):
                diffs.append(f'{period} {k}: {ref_name} {a[k]!r} vs {other_name} {b[k]!r}')
        for c in sorted(set(a['partners']) | set(b['partners'])):
            x, y = a['partners'].get(c, (0, 0, 0)), b['partners'].get(c, (0, 0, 0))
            if x[0] != y[0] or not close(x[1], y[1]) or not close(x[2], y[2]):
                diffs.append(f'{period} partner {c} (copubs, copubs_frac, share): {ref_name} {x} vs {other_name} {y}')
    return diffs


# ---------------------------------------------------------------- report

def fmt_num(x, digits=0):
    if x is None:
        return '–'
    return f'{x:,.{digits}f}'


def machine_line():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open('/proc/meminfo') as f:
            mem_gib = int(f.readline().split()[1]) / (1 << 20)
    except (OSError, ValueError, IndexError):
        mem_gib = 0
    return f'{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB RAM, Linux {platform.release()}'


def build_report(rows, meta, args, versions, agreement, registry_note, load_before, load_after):
    plain_mb = meta['plain_bytes'] / 1e6
    lines = []
    lines.append(f'# coopscope vs DuckDB ({datetime.datetime.now().isoformat(timespec="minutes")})')
    lines.append('')
    lines.append(f'- Data: {meta["works"]:,} generated works (seed {meta["seed"]}, {meta["parts"]} parts), '
                 f'{meta["plain_bytes"] / 1e9:.3f} GB JSONL, {meta["gz_bytes"] / 1e9:.3f} GB as .gz; '
                 f'{rows[0]["read"]:,} records read, {rows[0]["duplicates"]:,} duplicates.')
    lines.append(f'- Organisation: {args.org} (scope: id or lineage), home country {args.home}; '
                 f'{rows[0]["p"]:,} works in scope.')
    lines.append(f'- Machine: {machine_line()}; load average (1 min) {load_before:.2f} before, '
                 f'{load_after:.2f} after; warm page cache.')
    lines.append(f'- Versions: {versions}.')
    lines.append(f'- Each figure: best of {args.repeat} run(s) (more when other processes used over '
                 f'{args.max_others * 100:.0f}% of the CPU during the best one). '
                 f'"others CPU": the share of all cores used by other processes during that run.')
    lines.append(f'- Units: MB/s and works/s count the uncompressed JSONL '
                 f'bytes ({plain_mb:,.0f} MB) and the records read, for .gz inputs too. '
                 f'"vs DuckDB" = DuckDB seconds / this row\'s seconds, same input and threads. '
                 f'"duckdb read only" = the same read_json of the same columns and nothing else: '
                 f'DuckDB\'s floor for JSON reading (in brackets: how much longer the full query takes).')
    lines.append(f'- Agreement: {agreement}')
    if registry_note:
        lines.append(f'- {registry_note}')
    lines.append('')
    lines.append('| tool | input | threads | seconds | MB/s | works/s | peak RSS MiB | CPU s | vs DuckDB | others CPU |')
    lines.append('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    duck = {(r['input'], r['threads']): r['seconds'] for r in rows if r['tool'] == 'duckdb'}
    for r in rows:
        ref = duck.get((r['input'], r['threads']))
        if r['tool'] == 'igzip -dc':
            ref = None
        ratio = f'{ref / r["seconds"]:.2f}×' if ref and r['tool'] != 'duckdb' else ('1.00×' if r['tool'] == 'duckdb' else '–')
        if r['tool'] == 'duckdb read only' and ref:
            ratio = f'({ref / r["seconds"]:.2f}×)'
        lines.append(f'| {r["tool"]} | {r["input"]} | {r["threads"]} | {r["seconds"]:.2f} | '
                     f'{fmt_num(plain_mb / r["seconds"])} | {fmt_num(r["read"] / r["seconds"])} | '
                     f'{r["rss_mib"]:.0f} | {r["cpu"]:.1f} | {ratio} | '
                     f'{"?" if r["others"] is None else format(r["others"] * 100, ".0f") + "%"} |')
    lines.append('')
    lines.append('Targets (measured, not asserted):')
    lines.append('')
    lines.extend(targets(rows, plain_mb))
    lines.append('')
    return '\n'.join(lines)


def targets(rows, plain_mb):
    get = {(r['tool'], r['input'], r['threads']): r for r in rows}
    out = []

    def line(ok, text):
        out.append(f'- [{"x" if ok else " "}] {text}')

    for t in (2, 1):
        c = get.get(('coopscope', 'jsonl', t))
        if c and t == 2:
            gbs = plain_mb / c['seconds'] / 1000
            line(gbs >= 2.5, f'coopscope ≥ 2.5 GB/s on JSONL with 2 threads: {gbs:.2f} GB/s')
    for inp, want in (('jsonl', 5.0), ('gz', 2.5)):
        for t in (2, 1):
            c, d = get.get(('coopscope', inp, t)), get.get(('duckdb', inp, t))
            if c and d:
                r = d['seconds'] / c['seconds']
                line(r >= want, f'coopscope ≥ {want}× DuckDB on {inp}, {t} thread(s): {r:.2f}×')
    g = get.get(('igzip -dc', 'gz', 1))
    for t in (2, 1):
        c = get.get(('coopscope', 'gz', t))
        if c and g:
            r = c['seconds'] / g['seconds']
            line(r <= 1.3, f'coopscope on .gz within 1.3× of igzip -dc alone, {t} thread(s): {r:.2f}× its time')
    worst = max((r['rss_mib'] for r in rows if r['tool'] == 'coopscope'), default=0)
    line(worst < 256, f'coopscope peak RSS < 256 MiB: {worst:.0f} MiB at most')
    return out


# ---------------------------------------------------------------- main

def find_coopscope(args):
    if args.coopscope:
        return os.path.abspath(args.coopscope)
    for sub in ('build/release', 'build/bench'):
        path = os.path.join(REPO, sub, 'coopscope')
        if os.access(path, os.X_OK):
            return path
    die('no coopscope binary: build it (see bench/README.md) or pass --coopscope')


def ensure_node_modules():
    if not shutil.which('node'):
        die('node is not installed')
    if not os.path.isdir(os.path.join(BENCH, 'node_modules', '@duckdb', 'node-api')):
        try:
            check_call(['npm', 'ci', '--no-audit', '--no-fund'], cwd=BENCH)
        except subprocess.CalledProcessError:
            # A registry mirror that lacks some platform packages of the lock
            # (optional, unused here) can make `npm ci` refuse; install anyway.
            log('npm ci failed; trying npm install --no-save')
            check_call(['npm', 'install', '--no-save', '--no-audit', '--no-fund'], cwd=BENCH)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--size-gb', type=float, default=1.6, help='uncompressed JSONL to generate, in GB (default 1.6)')
    ap.add_argument('--works', type=int, help='number of works to generate (instead of --size-gb)')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--parts', type=int, default=8, help='part files per copy (default 8)')
    ap.add_argument('--org', default='I1294671590', help='OpenAlex institution id (default CNRS, I1294671590)')
    ap.add_argument('--home', default='FR', help='home country (default FR)')
    ap.add_argument('--threads', default='1,2', help='thread counts to run (default 1,2)')
    ap.add_argument('--repeat', type=int, default=3, help='runs of each configuration; the best is kept (default 3)')
    ap.add_argument('--max-others', type=float, default=0.10,
                    help='rerun a configuration whose best run saw other processes use more than this '
                         'share of the CPU (default 0.10)')
    ap.add_argument('--retries', type=int, default=3, help='such reruns at most (default 3)')
    ap.add_argument('--skip-generate', action='store_true', help='use the data already in bench/out')
    ap.add_argument('--quick', action='store_true', help='small data (about 20 MB) for a smoke run')
    ap.add_argument('--out', default=os.path.join(BENCH, 'out'), help='work folder (default bench/out)')
    ap.add_argument('--coopscope', help='coopscope binary (default build/release/coopscope, else build/bench)')
    ap.add_argument('--registry', default=DEFAULT_REGISTRY, help='ROR dump for generate and the registry check')
    ap.add_argument('--no-read-only', action='store_true',
                    help='skip the DuckDB read-only runs (its JSON reading floor)')
    ap.add_argument('--no-registry-check', action='store_true',
                    help='skip the extra untimed coopscope run with --registry')
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    args.threads = [int(t) for t in args.threads.split(',') if t]
    if args.repeat < 1:
        ap.error('--repeat must be at least 1')
    return args


def main():
    args = parse_args()
    coopscope = find_coopscope(args)
    ensure_node_modules()
    igzip = shutil.which('igzip')
    if not igzip:
        log('warning: igzip not found (Debian package isal); the igzip -dc reference is skipped')
    os.makedirs(args.out, exist_ok=True)
    runs_dir = os.path.join(args.out, 'runs')
    os.makedirs(runs_dir, exist_ok=True)

    plain, gz, meta = prepare_data(args, coopscope)
    plain_files, gz_files = data_files(plain, '.jsonl'), data_files(gz, '.gz')
    log(f'{len(plain_files)} plain parts ({total_size(plain_files) / 1e9:.3f} GB), '
        f'{len(gz_files)} .gz parts ({total_size(gz_files) / 1e9:.3f} GB)')
    warm_cache(plain_files + gz_files)

    duck_script = os.path.join(BENCH, 'duckdb_indicators.mjs')
    # (tool, input, threads, argv, name of the run's files)
    configs = []
    if igzip:
        configs.append(('igzip -dc', 'gz', 1, [igzip, '-dc'] + gz_files, 'igzip-gz-t1'))
    for inp, folder in (('jsonl', plain), ('gz', gz)):
        for t in args.threads:
            configs.append(('coopscope', inp, t, [coopscope, 'indicators', '--org', args.org, '--home', args.home,
                                                  '--threads', str(t), '--format', 'json', '--quiet', folder],
                            f'coopscope-{inp}-t{t}'))
        for t in args.threads:
            configs.append(('duckdb', inp, t, ['node', duck_script, '--org', args.org, '--home', args.home,
                                               '--threads', str(t), folder], f'duckdb-{inp}-t{t}'))
        if not args.no_read_only:
            for t in args.threads:
                configs.append(('duckdb read only', inp, t, ['node', duck_script, '--read-only', '--org', args.org,
                                                             '--threads', str(t), folder],
                                f'duckdb_read_only-{inp}-t{t}'))

    load_before = os.getloadavg()[0]
    best = {}
    results = {}

    def one_run(tool, inp, t, argv, name, label):
        out_path = os.path.join(runs_dir, name + '.json') if tool != 'igzip -dc' else None
        err_path = os.path.join(runs_dir, name + '.stderr')
        m = run_measured(argv, out_path, err_path)
        others = f'{m.others * 100:.0f}%' if m.others is not None else '?'
        log(f'{name} {label}: {m.seconds:.2f} s, {m.rss_mib:.0f} MiB, cpu {m.cpu_seconds:.1f} s, '
            f'others {others}, load {m.load:.2f}, exit {m.returncode}')
        if m.returncode != 0:
            with open(err_path, errors='replace') as f:
                tail = f.read()[-3000:]
            die(f'{" ".join(argv)} exited with {m.returncode}:\n{tail}')
        if out_path and tool in ('coopscope', 'duckdb'):
            with open(out_path) as f:
                results[name] = json.load(f)
        key = (tool, inp, t)
        if key not in best or m.seconds < best[key].seconds:
            best[key] = m

    for rep in range(args.repeat):
        for tool, inp, t, argv, name in configs:
            one_run(tool, inp, t, argv, name, f'run {rep + 1}')
    # Runs disturbed by other work on the machine: again, after a pause.
    for attempt in range(args.retries):
        busy = [c for c in configs if (best[c[:3]].others or 0) > args.max_others]
        if not busy:
            break
        log(f'{len(busy)} configuration(s) ran while other processes used more than '
            f'{args.max_others * 100:.0f}% of the CPU: again in 10 s')
        time.sleep(10)
        for tool, inp, t, argv, name in busy:
            one_run(tool, inp, t, argv, name, f'retry {attempt + 1}')
    load_after = os.getloadavg()[0]

    # Agreement: every result against coopscope on the first thread count, plain JSONL.
    ref_name = f'coopscope-jsonl-t{args.threads[0]}'
    ref = results[ref_name]
    failures = []
    for name, res in sorted(results.items()):
        if name == ref_name:
            continue
        diffs = compare(ref, ref_name, res, name)
        if diffs:
            failures.append((name, diffs))
    compared = ', '.join(sorted(results))
    if failures:
        agreement = 'DISAGREE: ' + '; '.join(f'{n}: {len(d)} difference(s)' for n, d in failures)
    else:
        n_years = len(ref.get('by_year', []))
        n_partners = len(ref['total'].get('partners', []))
        agreement = (f'all {len(results)} results agree (ingest counts, total and {n_years} years: '
                     f'{", ".join(COUNT_FIELDS)} exactly, {", ".join(FRAC_FIELDS)} to {TOLERANCE:g}, '
                     f'{n_partners} partner countries with copubs, copubs_frac and share).')

    # The same coopscope run with the ROR registry: null country codes and
    # missing lineages resolved through it must not change the figures here.
    registry_note = ''
    if not args.no_registry_check and os.path.exists(args.registry):
        path = os.path.join(runs_dir, 'coopscope-jsonl-registry.json')
        argv = [coopscope, 'indicators', '--org', args.org, '--home', args.home, '--registry', args.registry,
                '--threads', str(max(args.threads)), '--format', 'json', '--quiet', plain]
        m = run_measured(argv, path, path + '.stderr')
        if m.returncode != 0:
            die(f'{" ".join(argv)} exited with {m.returncode}')
        with open(path) as f:
            diffs = compare(ref, ref_name, json.load(f), 'coopscope+registry')
        # Not a failure: DuckDB has no registry, so this only tells whether
        # the registry changes the figures of these data.
        registry_note = (f'coopscope with --registry (ROR subset, untimed check, {m.seconds:.2f} s): '
                         + ('same figures as without.' if not diffs else
                            f'{len(diffs)} difference(s) from the run without it, e.g. {diffs[0]}'))
        if diffs:
            log('with --registry, coopscope differs from its run without:\n  ' + '\n  '.join(diffs[:15]))

    ver = subprocess.run([coopscope, '--version'], capture_output=True, text=True).stdout.strip()
    duck_ver = next((r.get('duckdb_version') for n, r in results.items() if n.startswith('duckdb')), '?')
    igzip_ver = ''
    if igzip:
        igzip_ver = subprocess.run([igzip, '--version'], capture_output=True, text=True).stdout.strip().splitlines()
        igzip_ver = igzip_ver[0] if igzip_ver else 'igzip'
    versions = f'coopscope {ver or "?"} ({coopscope}), DuckDB {duck_ver} via @duckdb/node-api on node {platform_node()}'
    if igzip_ver:
        versions += f', {igzip_ver}'

    rows = []
    for (tool, inp, t), m in best.items():
        rows.append({'tool': tool, 'input': inp, 'threads': t, 'seconds': m.seconds, 'rss_mib': m.rss_mib,
                     'cpu': m.cpu_seconds, 'load': m.load, 'others': m.others, 'read': ref['ingest']['read'],
                     'duplicates': ref['ingest']['duplicates'], 'p': ref['total']['p']})
    report = build_report(rows, meta, args, versions, agreement, registry_note, load_before, load_after)
    if failures:
        report += '\n## Differences\n\n'
        for name, diffs in failures:
            report += f'{ref_name} vs {name} ({len(diffs)}):\n\n'
            report += ''.join(f'- {d}\n' for d in diffs[:12]) + '\n'
    report += '\nCommand: `python3 bench/run.py ' + ' '.join(sys.argv[1:]) + '`\n'
    with open(os.path.join(args.out, 'results.md'), 'w') as f:
        f.write(report)
    print(report)
    if failures:
        for name, diffs in failures:
            print(f'\n{ref_name} vs {name}: {len(diffs)} difference(s)', file=sys.stderr)
            for d in diffs[:25]:
                print('  ' + d, file=sys.stderr)
        die('the tools disagree (details above; outputs in ' + runs_dir + ')')
    log(f'compared: {compared}')
    log('written ' + os.path.join(args.out, 'results.md'))


def platform_node():
    try:
        return subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()
    except OSError:
        return '?'


if __name__ == '__main__':
    main()
