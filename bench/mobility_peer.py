#!/usr/bin/env python3
"""The plain-Python peer of `coopscope mobility`: the same rules
(docs/indicators.md "Mobility") on the same OpenAlex author entities.

Reads JSON Lines author parts (plain or .gz) under the given files/folders
(a folder holding authors/ is read through it), builds each author's
year -> set of countries from affiliations[].years (or last_known_institution
in the last year with works), keeps the window, maps countries with the default
policy (French overseas codes -> FR, HK/MO -> CN), classifies, derives the
tenure events, and prints the class and event counts as JSON.  No registry:
countries come from the records (the generated authors state them all).

    python3 bench/mobility_peer.py [--years 2010-2020] [--min-publications N] FOLDER...
"""
import argparse
import gzip
import json
import os
import sys

OVERSEAS = {'GF', 'GP', 'MQ', 'RE', 'YT', 'PM', 'BL', 'MF', 'WF', 'PF', 'NC', 'TF'}


def country(code):
    if not code or len(code) != 2 or not code.isalpha():
        return None
    code = code.upper()
    if code in OVERSEAS:
        return 'FR'
    if code in ('HK', 'MO'):
        return 'CN'
    return code


def files_of(paths):
    out = []
    for p in paths:
        if os.path.isdir(os.path.join(p, 'authors')):
            p = os.path.join(p, 'authors')
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in names:
                    if n.endswith(('.jsonl', '.gz', '.json')) and n != 'manifest.json':
                        out.append(os.path.join(root, n))
        else:
            out.append(p)
    return sorted(out)


def classify(years, pubs, min_pubs):
    """years: sorted list of (year, frozenset of countries)."""
    if not years or pubs < min_pubs:
        return 'unclassified', []
    origin = years[0][1]
    union = set()
    for _, k in years:
        union |= k
    if len(union) == 1:
        cls = 'non-mobile'
    elif not (origin & years[-1][1]):
        cls = 'migrant'
    elif len(origin) == 1:
        cls = 'directional-traveller'
    else:
        cls = 'non-directional-traveller'
    events = []
    abroad = False
    for _, k in years[1:]:
        home = bool(origin & k)
        if not home and not abroad:
            abroad = True
        elif home and abroad:
            events += ['temporary-stay', 'return']
            abroad = False
    if abroad:
        events.append('migration')
    return cls, events


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('inputs', nargs='+')
    ap.add_argument('--years', default='')
    ap.add_argument('--min-publications', type=int, default=1)
    a = ap.parse_args()
    first, last = 0, 9999
    if a.years:
        parts = a.years.split('-')
        first, last = int(parts[0]), int(parts[-1])
    classes = dict.fromkeys(['non-mobile', 'migrant', 'directional-traveller', 'non-directional-traveller',
                             'unclassified'], 0)
    events = {'migration': 0, 'temporary-stay': 0, 'return': 0}
    read = 0
    for path in files_of(a.inputs):
        opener = gzip.open if path.endswith('.gz') else open
        with opener(path, 'rt', encoding='utf-8') as f:
            for line in f:
                if not line.strip():
                    continue
                rec = json.loads(line)
                read += 1
                by_year = {}
                affs = rec.get('affiliations') or []
                pubs, last_active = 0, 0
                for c in rec.get('counts_by_year') or []:
                    y, n = c.get('year') or 0, c.get('works_count') or 0
                    if n > 0:
                        if first <= y <= last:
                            pubs += n
                        last_active = max(last_active, y)
                seen_aff = False
                for aff in affs:
                    inst = aff.get('institution')
                    if inst is None:
                        continue
                    seen_aff = True
                    c = country(inst.get('country_code'))
                    for y in aff.get('years') or []:
                        if c and first <= y <= last:
                            by_year.setdefault(y, set()).add(c)
                if not seen_aff and last_active:
                    known = rec.get('last_known_institutions') or []
                    if rec.get('last_known_institution'):
                        known = known + [rec['last_known_institution']]
                    for inst in known:
                        c = country(inst.get('country_code'))
                        if c and first <= last_active <= last:
                            by_year.setdefault(last_active, set()).add(c)
                years = [(y, frozenset(by_year[y])) for y in sorted(by_year)]
                cls, evs = classify(years, max(pubs, len(years)), a.min_publications)
                classes[cls] += 1
                for e in evs:
                    events[e] += 1
    json.dump({'read': read, 'classes': classes, 'events': events}, sys.stdout)
    print()


if __name__ == '__main__':
    main()
