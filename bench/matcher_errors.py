#!/usr/bin/env python3
"""Groups the wrong organisation answers of `coopscope match eval --errors FILE`
by how the answer relates to the gold, per gold set, using the registry's
relationships (parent, child, related, successor, predecessor) as the ROR v2
dump writes them, including those pointing to records absent from the subset.

    coopscope match eval --registry R --data ../shared/data --errors wrong.tsv
    python3 bench/matcher_errors.py wrong.tsv [--registry R] [--samples 5] [--only CLASS]

Classes (first that holds):
  none          the gold says no organisation
  same-name     the gold is absent (an OpenAlex label the evaluation could not map to one
                record) but the answer carries that label as a name
  got-parent    the answer is a registry ancestor of the gold (the gold is a unit of it)
  got-child     the answer is a unit of the gold
  siblings      both have a common parent
  succession    the answer is the gold's successor or predecessor
  related       a 'related' link joins them
  other-cand    the gold is among the other accepted candidates
  other-country the gold's country differs from the answer's
  unrelated     none of the above (the gold is in the registry)
  absent-*      the same relations, when the gold record is not in the subset (from the
                answer's own relationships, which name ids outside the subset)
  absent        the gold is not in the subset and nothing relates it to the answer
"""
import argparse
import collections
import gzip
import json
import os
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REGISTRY = os.path.join(HERE, '..', '..', 'shared', 'data', 'ror-records-subset', 'ror_v2_subset_latest.json.gz')


def short(ror):
    return ror.rsplit('/', 1)[-1]


def fold(s):
    s = unicodedata.normalize('NFKD', s)
    s = ''.join(c for c in s if not unicodedata.combining(c)).lower()
    return ' '.join(re.findall(r'[a-z0-9]+', s))


def load(path):
    recs = {}
    for r in json.load(gzip.open(path)):
        rid = short(r['id'])
        rels = collections.defaultdict(set)
        for rel in r.get('relationships', []):
            rels[rel['type']].add(short(rel['id']))
        country = ''
        for loc in r.get('locations', []):
            country = loc.get('geonames_details', {}).get('country_code', '')
            break
        names = {fold(n['value']) for n in r.get('names', [])}
        display = next((n['value'] for n in r.get('names', []) if 'ror_display' in n['types']), '')
        recs[rid] = dict(rels=rels, country=country, names=names, display=display)
    return recs


def ancestors(recs, rid):
    out, frontier = set(), {rid}
    for _ in range(8):
        nxt = set()
        for x in frontier:
            for p in recs.get(x, {}).get('rels', {}).get('parent', ()):
                if p not in out and p != rid:
                    out.add(p)
                    nxt.add(p)
        frontier = nxt
    return out


def relation(recs, got, gold):
    g = recs.get(got)
    if g is None:
        return None
    rels = g['rels']
    if gold in ancestors(recs, got) or gold in rels.get('parent', ()):
        return 'got-child'
    if gold in rels.get('child', ()) or (gold in recs and got in ancestors(recs, gold)):
        return 'got-parent'
    if gold in recs and ancestors(recs, got) & ancestors(recs, gold):
        return 'siblings'
    if gold in rels.get('successor', ()) or gold in rels.get('predecessor', ()):
        return 'succession'
    if gold in rels.get('related', ()):
        return 'related'
    return None


def classify(recs, line):
    f = line.rstrip('\n').split('\t')
    gset, others, expected, got = f[0], f[-1], f[-2], f[-3]
    text = ' '.join(f[2:-3])
    got_id = got.split(' ')[1] if got.startswith('got ') else ''
    expected = expected[len('expected '):]
    if expected == 'none':
        return gset, 'none', text, got, expected
    absent = expected.startswith('(not in registry)')
    golds = re.findall(r'ror\.org/([0-9a-z]{9})', expected) or re.findall(r'\b0[0-9a-z]{8}\b', expected)
    labels = re.findall(r"\d+ - ([^'\"]+)['\"]", expected)
    if absent and labels and recs.get(got_id) and any(fold(l) in recs[got_id]['names'] for l in labels):
        return gset, 'same-name', text, got, expected
    for gold in golds:
        r = relation(recs, got_id, gold)
        if r:
            return gset, ('absent-' if absent else '') + r, text, got, expected
    if absent:
        return gset, 'absent', text, got, expected
    if any(o.rstrip('*') != o for o in others.split()):
        return gset, 'other-cand', text, got, expected
    gold = golds[0] if golds else ''
    if gold in recs and got_id in recs and recs[gold]['country'] != recs[got_id]['country']:
        return gset, 'other-country', text, got, expected + ' ' + recs[gold]['display'] + ' ' + recs[gold]['country']
    return gset, 'unrelated', text, got, expected + (' ' + recs[gold]['display'] if gold in recs else '')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('errors')
    ap.add_argument('--registry', default=REGISTRY)
    ap.add_argument('--samples', type=int, default=3)
    ap.add_argument('--only', default='')
    ap.add_argument('--set', default='')
    a = ap.parse_args()
    recs = load(a.registry)
    rows = [classify(recs, l) for l in open(a.errors, encoding='utf-8') if '\torganisation\t' in l]
    rows = [r for r in rows if a.set in r[0]]
    table = collections.Counter((r[0], r[1]) for r in rows)
    classes = sorted({c for _, c in table}, key=lambda c: -sum(v for (s, k), v in table.items() if k == c))
    sets = sorted({s for s, _ in table})
    width = max(len(c) for c in classes) + 2
    print('set'.ljust(48) + ''.join(c[:width - 1].rjust(width) for c in classes) + '  total'.rjust(8))
    for s in sets + ['all']:
        counts = [sum(v for (ss, k), v in table.items() if k == c and (s == 'all' or ss == s)) for c in classes]
        print(s[:47].ljust(48) + ''.join(str(n).rjust(width) for n in counts) + str(sum(counts)).rjust(8))
    for c in classes:
        if a.only and c != a.only:
            continue
        picked = [r for r in rows if r[1] == c]
        print(f'\n== {c} ({len(picked)})')
        for r in picked[:a.samples if not a.only else len(picked)]:
            print(f'  [{r[0][:12]}] {r[2][:150]}\n      {r[3][:70]}  |  {r[4][:120]}')


if __name__ == '__main__':
    main()
