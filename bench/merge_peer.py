#!/usr/bin/env python3
"""A plain-Python merge of bibliographic exports: the peer of `coopscope merge`
in bench/merge_bench.py.

Reads HAL API JSON, BibTeX (WoS, Scopus, repository) and Scopus CSV files and
joins the records that describe one publication with a union-find, by the
rules of docs/merge.md in the same order: the same source id, the same DOI,
the same folded title (12 characters or more) + year + first-author surname.
It does not keep HAL's two deposits of one talk apart (docs/merge.md, rule 3),
so it may make a few clusters fewer.

    python3 bench/merge_peer.py FILE…

Prints `read N`, `clusters C` and the links taken per rule, and
`merged N records in S s` (after reading) on stderr.
"""
import csv
import json
import re
import sys
import time
import unicodedata

sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
from readers_peer import bib_entries, doi_of, year_of  # noqa: E402

MIN_TITLE_CHARS = 12
TEX_COMMAND = re.compile(r'\\[A-Za-z]+\s*|\\.')
TAG = re.compile(r'<[^>]+>')


def fold(text):
    text = TAG.sub(' ', TEX_COMMAND.sub('', text or '')).replace('{', '').replace('}', '')
    text = unicodedata.normalize('NFKD', text.lower())
    text = ''.join(c for c in text if not unicodedata.combining(c))
    return ' '.join(re.findall(r'[a-z0-9]+', text))


def surname(name):
    name = TEX_COMMAND.sub('', name or '').replace('{', '').replace('}', '').strip()
    if ',' in name:
        part = name.split(',', 1)[0]
    else:
        words = name.split()
        part = next((w for w in reversed(words) if not (w.endswith('.') or
                                                        (w.upper() == w and sum(c.isalpha() for c in w) <= 2))),
                    words[0] if words else '')
    folded = fold(part)
    return folded.rsplit(' ', 1)[-1] if folded else ''


def source_of(ident):
    if ident.startswith(('ISI:', 'WOS:')):
        return 'wos'
    if ident.startswith('2-s2.0-'):
        return 'scopus'
    if ident.startswith('hal-'):
        return 'hal'
    return 'bibtex'


def read_hal(path):
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    for d in data['response']['docs'] if isinstance(data, dict) else data:
        titles = d.get('title_s') or ['']
        authors = d.get('authFullName_s') or ['']
        year = year_of(d.get('producedDate_s', ''))
        yield 'hal:' + d['halId_s'], doi_of(d.get('doiId_s', '')), titles[0], year, authors[0]


def read_bibtex(path):
    for key, raw in bib_entries(path):
        fields = {k: re.sub(r'\s+', ' ', v).strip() for k, v in raw.items()}
        ident = fields.get('unique-id', '')
        if not ident and 'eid=' in fields.get('url', ''):
            ident = fields['url'].split('eid=', 1)[1].split('&', 1)[0]
        if ident:
            ident = 'WOS:' + ident[4:] if ident.startswith('ISI:') else ident
            ident = source_of(ident) + ':' + ident
        first = fields.get('author', '').split(' and ')[0]
        yield ident, doi_of(fields.get('doi', '')), fields.get('title', ''), year_of(fields.get('year', '')), first


def read_scopus(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        for r in csv.DictReader(f):
            eid = r.get('EID', '')
            first = (r.get('Authors') or '').split(', ')[0]
            first = first.replace(',', '') if first else ''
            yield ('scopus:' + eid if eid.startswith('2-s2.0-') else ''), doi_of(r.get('DOI', '')), r.get('Title', ''), \
                year_of(r.get('Year', '')), first


def read_any(path):
    if path.endswith('.json'):
        return read_hal(path)
    if path.endswith('.bib'):
        return read_bibtex(path)
    return read_scopus(path)


def main():
    records = []
    for path in sys.argv[1:]:
        records.extend(read_any(path))
    start = time.perf_counter()
    parent = list(range(len(records)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = {'id': 0, 'doi': 0, 'title': 0}
    for rule, key_of in (('id', lambda r: r[0]),
                         ('doi', lambda r: r[1]),
                         ('title', lambda r: (t, r[3], surname(r[4])) if len(t := fold(r[2])) >= MIN_TITLE_CHARS
                          and r[3] else None)):
        first = {}
        for i, r in enumerate(records):
            k = key_of(r)
            if not k:
                continue
            j = first.setdefault(k, i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
                    links[rule] += 1
    clusters = sum(1 for i in range(len(records)) if find(i) == i)
    seconds = time.perf_counter() - start
    print(f'read {len(records)}')
    print(f'clusters {clusters}')
    print('links: ' + ', '.join(f'{k} {v}' for k, v in links.items()))
    print(f'merged {len(records)} records in {seconds:.2f} s', file=sys.stderr)


if __name__ == '__main__':
    main()
