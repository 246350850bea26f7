#!/usr/bin/env python3
"""A registry of the full ROR's size for benchmarks: the real ROR subset of
../shared/data (35,990 records) and synthetic records up to --total (default
120,000, about the size of the whole ROR registry in 2025), written as one
ROR schema v2 JSON array (.json.gz).

The issue's matcher target holds "with the full registry loaded"; the shared
data holds a subset only.  The synthetic records are built from the real ones
so that the matcher's index meets names like the real registry's: each copies
a real record's types and names, with the record's city replaced by another
real city (of the same country seven times in ten), or, for names without the
city, the other city's name put before or after the name, and no name that
another record already bears (as the real registry's names seldom repeat);
where the real record has an acronym, one from the new name's initials
(acronyms do repeat, as in the real registry); the other city's location; one in ten gets a real
education record of that country as its parent.  The names are not real
organisations: use the file for speed and memory, never for precision.

Deterministic by --seed.

    python3 bench/registry_synth.py --out bench/out/registry-120k.json.gz [--total 120000] [--seed 7]
"""
import argparse
import gzip
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402

CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz'


def ror_id(number):
    """A ROR id: '0', six Crockford base32 digits of number, two ISO 7064 Mod 97-10 check digits."""
    body = ''
    n = number
    for _ in range(6):
        body = CROCKFORD[n % 32] + body
        n //= 32
    return '0' + body + f'{98 - (number * 100) % 97:02d}'


def acronym(name):
    letters = [w[0] for w in re.findall(r"[A-Za-zÀ-ÿ][\w'-]*", name) if w[0].isupper()]
    return ''.join(letters) if len(letters) >= 2 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--registry', default=base.DEFAULT_REGISTRY, help='the real ROR subset (json.gz)')
    ap.add_argument('--out', required=True, help='the file to write (.json.gz)')
    ap.add_argument('--total', type=int, default=120000, help='records in all (default 120,000)')
    ap.add_argument('--seed', type=int, default=7)
    args = ap.parse_args()

    with gzip.open(args.registry, 'rt', encoding='utf-8') as f:
        real = json.load(f)
    rng = random.Random(args.seed)
    used = {r['id'].rsplit('/', 1)[-1] for r in real}
    places = []  # real cities: geonames_details and id
    for r in real:
        for loc in r.get('locations') or []:
            g = loc.get('geonames_details') or {}
            if g.get('name') and g.get('country_code'):
                places.append(loc)
    by_country = {}
    for loc in places:
        by_country.setdefault(loc['geonames_details']['country_code'], []).append(loc)
    education = {}
    for r in real:
        if 'education' in r.get('types', []) and r.get('locations'):
            cc = (r['locations'][0].get('geonames_details') or {}).get('country_code')
            if cc:
                education.setdefault(cc, []).append(r)

    def key(name):
        return ' '.join(re.findall(r'\w+', name.lower()))

    taken = {key(n['value']) for r in real for n in r.get('names', [])}
    out = list(real)
    templates = [r for r in real if r.get('names') and r.get('locations')]
    while len(out) < args.total:
        t = rng.choice(templates)
        home = (t['locations'][0].get('geonames_details') or {})
        same = by_country.get(home.get('country_code'), [])
        loc = rng.choice(same) if same and rng.random() < 0.7 else rng.choice(places)
        city = loc['geonames_details']['name']
        old_city = home.get('name') or ''
        before = rng.random() < 0.5
        names = []
        for n in t['names']:
            if 'acronym' in n['types']:
                continue
            value = n['value']
            if old_city and old_city in value and old_city != city and key(value.replace(old_city, city)) not in taken:
                value = value.replace(old_city, city)
            elif before:
                value = f'{city} {value}'
            else:
                value = f'{value} {city}'
            if key(value) in taken:  # another organisation's name already: not this one's
                continue
            taken.add(key(value))
            names.append({'lang': n.get('lang'), 'types': n['types'], 'value': value})
        if not names:
            continue
        display = next((n['value'] for n in names if 'ror_display' in n['types']), names[0]['value'])
        if (a := acronym(display)) is not None and 'acronym' in {t for n in t['names'] for t in n['types']}:
            names.append({'lang': None, 'types': ['acronym'], 'value': a})
        while True:
            rid = ror_id(rng.randrange(32 ** 6))
            if rid not in used:
                used.add(rid)
                break
        record = {'id': f'https://ror.org/{rid}', 'names': names, 'types': list(t.get('types', [])),
                  'status': 'active', 'locations': [loc], 'relationships': [], 'external_ids': [], 'links': [],
                  'domains': [], 'established': None,
                  'admin': {'created': {'date': '2026-11-24', 'schema_version': '2.1'},
                            'last_modified': {'date': '2026-11-24', 'schema_version': '2.1'}}}
        parents = education.get(loc['geonames_details']['country_code'])
        if parents and rng.random() < 0.1:
            p = rng.choice(parents)
            record['relationships'].append({'id': p['id'], 'label': p['names'][0]['value'], 'type': 'parent'})
        out.append(record)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with gzip.open(args.out, 'wt', encoding='utf-8', compresslevel=6) as f:
        json.dump(out, f, ensure_ascii=False)
    print(f'{args.out}: {len(out):,} records ({len(real):,} real, {len(out) - len(real):,} synthetic)')


if __name__ == '__main__':
    main()
