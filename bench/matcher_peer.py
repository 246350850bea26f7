#!/usr/bin/env python3
"""A plain-Python affiliation matcher: the peer of `coopscope match` in
bench/matcher_bench.py.

It does what a careful script written in an afternoon does, with the same
inputs (the ROR v2 dump and Debian's iso-codes country list):
  - country: the last comma-separated piece of the string that is a country
    name (ISO 3166 names and common names, plus USA/UK/…), else a city that
    the registry places in one country only, else the organisation's country;
  - organisation: the longest run of words (up to 12) that is, folded, a ROR
    name, label or alias carried by one organisation only (acronyms need the
    country to agree).
It knows none of coopscope's traps (US states, "Paris, TX", names holding a
country such as "Beth Israel"), which is the point of running it on the same
strings: speed and answers side by side.

    python3 bench/matcher_peer.py --registry ROR.json.gz --input strings.txt -o out.csv

Writes `string,country,ror` rows and prints `matched N strings in S s` (the
matching step alone, after loading) on stderr.
"""
import argparse
import csv
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict

ISO_CODES = '/usr/share/iso-codes/json/iso_3166-1.json'
EXTRA_COUNTRIES = {'usa': 'US', 'u s a': 'US', 'us': 'US', 'united states of america': 'US', 'uk': 'GB',
                   'england': 'GB', 'scotland': 'GB', 'wales': 'GB', 'p r china': 'CN', 'pr china': 'CN',
                   'korea': 'KR', 'south korea': 'KR', 'russia': 'RU', 'iran': 'IR', 'taiwan': 'TW',
                   'vietnam': 'VN', 'czech republic': 'CZ', 'the netherlands': 'NL', 'holland': 'NL'}
MAX_NAME_WORDS = 12


def fold(text):
    text = unicodedata.normalize('NFKD', text.lower())
    text = ''.join(c for c in text if not unicodedata.combining(c))
    return re.findall(r'[a-z0-9]+', text)


def load_countries():
    names = dict(EXTRA_COUNTRIES)
    with open(ISO_CODES, encoding='utf-8') as f:
        for c in json.load(f)['3166-1']:
            for key in ('name', 'common_name', 'official_name'):
                if key in c:
                    names[' '.join(fold(c[key]))] = c['alpha_2']
    return names


def load_registry(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt', encoding='utf-8') as f:
        records = json.load(f)
    names = defaultdict(set)     # folded name -> ror ids
    acronyms = defaultdict(set)  # folded acronym -> ror ids
    country_of = {}
    city_countries = defaultdict(Counter)
    for r in records:
        rid = r['id'].rsplit('/', 1)[-1]
        loc = (r.get('locations') or [{}])[0].get('geonames_details', {})
        country_of[rid] = loc.get('country_code') or ''
        if loc.get('name'):
            city_countries[' '.join(fold(loc['name']))][country_of[rid]] += 1
        for n in r.get('names', []):
            key = ' '.join(fold(n['value']))
            if not key:
                continue
            (acronyms if 'acronym' in n.get('types', []) else names)[key].add(rid)
    cities = {}
    for city, counts in city_countries.items():
        (cc, n), total = counts.most_common(1)[0], sum(counts.values())
        if cc and total >= 3 and n == total:
            cities[city] = cc
    return names, acronyms, country_of, cities


def match(text, countries, names, acronyms, country_of, cities):
    pieces = [fold(p) for p in re.split(r'[,;()\[\]]', text)]
    country = ''
    for words in reversed(pieces):
        key = ' '.join(words)
        if key in countries:
            country = countries[key]
            break
    if not country:
        for words in reversed(pieces):
            key = ' '.join(words)
            if key in cities:
                country = cities[key]
                break
    words = fold(text)
    best, best_len = '', 0
    for i in range(len(words)):
        for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
            if j - i <= best_len:
                break
            key = ' '.join(words[i:j])
            ids = names.get(key)
            if ids and len(ids) == 1:
                best, best_len = next(iter(ids)), j - i
                break
            ids = acronyms.get(key)
            if ids and len(ids) == 1 and country and country_of[next(iter(ids))] == country:
                best, best_len = next(iter(ids)), j - i
                break
    if not country and best:
        country = country_of.get(best, '')
    return country, best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--registry', required=True)
    ap.add_argument('--input', required=True)
    ap.add_argument('-o', '--output', required=True)
    args = ap.parse_args()
    countries = load_countries()
    names, acronyms, country_of, cities = load_registry(args.registry)
    with open(args.input, encoding='utf-8') as f:
        strings = [line.rstrip('\n') for line in f]
    start = time.perf_counter()
    rows = [(s,) + match(s, countries, names, acronyms, country_of, cities) for s in strings]
    seconds = time.perf_counter() - start
    with open(args.output, 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f)
        w.writerow(['string', 'country', 'ror'])
        w.writerows(rows)
    rate = len(strings) / seconds if seconds > 0 else 0
    print(f'matched {len(strings)} strings in {seconds:.2f} s ({rate:.0f} strings/s, one thread)', file=sys.stderr)


if __name__ == '__main__':
    main()
