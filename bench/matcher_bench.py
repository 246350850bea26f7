#!/usr/bin/env python3
"""Speed and answers of the affiliation matcher (`coopscope match --input`)
against a plain-Python peer (bench/matcher_peer.py) on the same real strings.

The strings: the `affiliation` column of the publisher-asserted Crossref gold
set and the `raw_affiliation_string` column of dataESR's missing_country_code
file (../shared/data), whitespace collapsed, one a line, and that list
repeated --repeat-strings times (written under --out, not committed).
Runs, each a child process timed by run.py's run_measured (wall, peak RSS):
  - `coopscope match --registry R --input strings.txt -o out.csv`
  - `coopscope match --registry R --input one.txt`   loading only
  - `python3 bench/matcher_peer.py --registry R --input strings.txt -o peer.csv`
  - `python3 bench/matcher_peer.py … --input one.txt` loading only
Each tool also reports the rate of its matching step alone.  The answers of
both are then scored by this script, with one piece of code, on the Crossref
rows whose asserted ROR id is in the registry (country gold: that
organisation's country): precision and recall for countries and for
organisations.  The table goes to stdout and --out/results.md.

    python3 bench/matcher_bench.py [--repeat 3] [--repeat-strings 5] [--coopscope build/release/coopscope]
"""
import argparse
import csv
import gzip
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (run.py: run_measured)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, '..', 'shared', 'data')
REGISTRY = os.path.join(DATA, 'ror-records-subset', 'ror_v2_subset_latest.json.gz')
CROSSREF = os.path.join(DATA, 'affiliation-ror-gold', 'crossref_asserted_affiliation_ror_20230628.csv')
DATAESR = os.path.join(DATA, 'dataesr-openalex-affiliations', 'missing_country_code.csv')


def collapse(s):
    return re.sub(r'\s+', ' ', s).strip()


def read_strings():
    """(string, gold ror or '') for both sets, in file order."""
    rows = []
    with open(CROSSREF, encoding='utf-8-sig', newline='') as f:
        for r in csv.DictReader(f):
            s = collapse(r['affiliation'])
            if s:
                rows.append((s, r['ror_id'].rsplit('/', 1)[-1]))
    with open(DATAESR, encoding='utf-8-sig', newline='') as f:
        for r in csv.DictReader(f, delimiter=';'):
            s = collapse(r['raw_affiliation_string'])
            if s:
                rows.append((s, ''))
    return rows


def registry_countries(registry):
    with gzip.open(registry, 'rt', encoding='utf-8') as f:
        return {r['id'].rsplit('/', 1)[-1]: ((r.get('locations') or [{}])[0].get('geonames_details', {})
                                             .get('country_code') or '') for r in json.load(f)}


def read_answers(path):
    with open(path, encoding='utf-8', newline='') as f:
        return [(r['country'], r['ror']) for r in csv.DictReader(f)]


def score(rows, answers, countries):
    """Country and organisation precision/recall on rows with an in-registry gold."""
    c_gold = c_pred = c_ok = o_gold = o_pred = o_ok = 0
    for (s, gold), (country, ror) in zip(rows, answers):
        if not gold or gold not in countries:
            continue
        o_gold += 1
        if ror:
            o_pred += 1
            o_ok += ror == gold
        if countries[gold]:
            c_gold += 1
            if country:
                c_pred += 1
                c_ok += country == countries[gold]
    ratio = lambda a, b: a / b if b else 0.0  # noqa: E731
    return {'c_gold': c_gold, 'c_p': ratio(c_ok, c_pred), 'c_r': ratio(c_ok, c_gold),
            'o_gold': o_gold, 'o_p': ratio(o_ok, o_pred), 'o_r': ratio(o_ok, o_gold)}


STEP = re.compile(r'matched (\d+) strings in ([\d.]+) s')


def step_seconds(stderr_path):
    with open(stderr_path, encoding='utf-8', errors='replace') as f:
        m = STEP.search(f.read())
    return float(m.group(2)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--coopscope', default=os.path.join(ROOT, 'build', 'release', 'coopscope'))
    ap.add_argument('--out', default=os.path.join(HERE, 'out', 'matcher'))
    ap.add_argument('--repeat', type=int, default=3, help='runs of each command (the best is kept)')
    ap.add_argument('--repeat-strings', type=int, default=5, help='copies of the string list in the timed file')
    ap.add_argument('--registry', default=REGISTRY,
                    help='ROR v2 dump loaded by both tools (default: the real subset; bench/registry_synth.py '
                         'writes one of the whole ROR\'s size, for speed and memory only)')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = read_strings()
    one_copy = os.path.join(args.out, 'strings1.txt')
    timed = os.path.join(args.out, 'strings.txt')
    one = os.path.join(args.out, 'one.txt')
    with open(one_copy, 'w', encoding='utf-8') as f:
        f.writelines(s + '\n' for s, _ in rows)
    with open(timed, 'w', encoding='utf-8') as f:
        for _ in range(args.repeat_strings):
            f.writelines(s + '\n' for s, _ in rows)
    with open(one, 'w', encoding='utf-8') as f:
        f.write(rows[0][0] + '\n')
    n = len(rows) * args.repeat_strings
    base.log(f'{len(rows)} strings, {n} in the timed file')

    tools = {
        'coopscope': lambda inp, out: [args.coopscope, 'match', '--registry', args.registry, '--input', inp, '-o',
                                       out],
        'python peer': lambda inp, out: [sys.executable, os.path.join(HERE, 'matcher_peer.py'), '--registry',
                                         args.registry, '--input', inp, '-o', out],
    }
    results = {}
    for name, argv in tools.items():
        tag = name.replace(' ', '_')
        best = None
        for _ in range(args.repeat):
            err = os.path.join(args.out, f'{tag}.err')
            m = base.run_measured(argv(timed, os.path.join(args.out, f'{tag}.csv')), stderr_path=err)
            if m.returncode != 0:
                base.die(f'{name} failed: see {err}')
            step = step_seconds(err)
            if best is None or m.seconds < best['wall']:
                best = {'wall': m.seconds, 'rss': m.rss_mib, 'cpu': m.cpu_seconds, 'step': step}
        load = min(base.run_measured(argv(one, os.path.join(args.out, f'{tag}-one.csv'))).seconds
                   for _ in range(args.repeat))
        best['load'] = load
        # The answers on one copy of the list, for scoring.
        answers_csv = os.path.join(args.out, f'{tag}-answers.csv')
        m = base.run_measured(argv(one_copy, answers_csv))
        if m.returncode != 0:
            base.die(f'{name} failed on the answer run')
        best['answers'] = read_answers(answers_csv)
        results[name] = best
        base.log(f'{name}: wall {best["wall"]:.2f} s, step {best["step"]:.2f} s, load {load:.2f} s, '
                 f'{best["rss"]:.0f} MiB')

    countries = registry_countries(args.registry)
    synthetic = os.path.abspath(args.registry) != os.path.abspath(REGISTRY)
    what = (f'the registry {args.registry} ({len(countries):,} organisations; not the real subset: its quality '
            'columns are not precision figures)' if synthetic else
            f'the ROR subset ({len(countries):,} organisations)')
    lines = ['# Affiliation matcher: coopscope against a plain-Python peer', '',
             f'{base.machine_line()}', '',
             f'{n:,} real strings ({len(rows):,} × {args.repeat_strings}); {what} loaded by each tool; best of '
             f'{args.repeat} runs.', '',
             '| tool | whole run s | loading s (one string) | match step s | strings/s (match step) | '
             'peak RSS MiB | country P | country R | org P | org R |',
             '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    for name, r in results.items():
        q = score(rows, r['answers'], countries)
        r['quality'] = q
        rate = n / r['step'] if r['step'] else 0
        r['rate'] = rate
        lines.append(f'| {name} | {r["wall"]:.2f} | {r["load"]:.2f} | {r["step"]:.2f} | {rate:,.0f} | '
                     f'{r["rss"]:.0f} | {q["c_p"]:.3f} | {q["c_r"]:.3f} | {q["o_p"]:.3f} | {q["o_r"]:.3f} |')
    c, p = results['coopscope'], results['python peer']
    lines += ['', f'Match step: coopscope {c["rate"] / p["rate"]:.1f}× the peer\'s rate; whole run '
              f'{p["wall"] / c["wall"]:.1f}× faster.',
              f'Quality scored on the {c["quality"]["o_gold"]:,} Crossref rows whose asserted ROR id is in the '
              f'registry ({c["quality"]["c_gold"]:,} with a country), with one piece of code for both tools.',
              f'Target (issue 4): ≥ 50,000 strings/s on one core with the registry loaded: '
              f'{"met" if c["rate"] >= 50000 else "MISSED"} ({c["rate"]:,.0f}).']
    base.publish('\n'.join(lines) + '\n', args.out)


if __name__ == '__main__':
    main()
