#!/usr/bin/env python3
"""The plain-Python peer of the export readers (bench/readers_bench.py).

Reads one export file the way a careful script would, with the standard
library only, into the same fields coopscope's readers keep: id, DOI, year,
number of authors and the address strings (with the author links of WoS C1
brackets and Scopus "Authors with affiliations").  Prints the number of
records and addresses, so the benchmark can check both read the same.

    python3 bench/readers_peer.py FORMAT FILE    # FORMAT: wos, wos-tab, scopus, bibtex, hal
"""
import csv
import json
import re
import sys

YEAR = re.compile(r'(?<!\d)(1[5-9]\d\d|2\d\d\d)(?!\d)')


def year_of(text):
    m = YEAR.search(text or '')
    return int(m.group(1)) if m else 0


def doi_of(text):
    i = (text or '').find('10.')
    return text[i:].strip().rstrip('.,').lower() if i >= 0 else ''


def c1_entries(c1):
    """'[A; B] addr; [C] addr' or 'ADDR; ADDR' → [(names, address)]."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(c1 + ';'):
        if ch == '[':
            depth += 1
        elif ch == ']':
            depth -= 1
        elif ch == ';' and depth == 0:
            part = c1[start:i].strip()
            if part:
                out.append(part)
            start = i + 1
    return [split_c1(e) for e in out]


def split_c1(entry):
    names = []
    if entry.startswith('[') and ']' in entry:
        close = entry.index(']')
        names = [n.strip() for n in entry[1:close].split(';') if n.strip()]
        entry = entry[close + 1:]
    return names, entry.strip().rstrip('.').strip()


def record(ident, doi, year, authors, addresses):
    return (ident, doi, year, authors, addresses)


def read_wos_tab(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        header = f.readline().rstrip('\r\n').split('\t')
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            fields = line.rstrip('\r\n').split('\t')
            if len(fields) != len(header):
                continue
            authors = [a.strip() for a in fields[col['AF']].split(';') if a.strip()]
            index = {a: i for i, a in enumerate(authors)}
            addresses = []
            for names, addr in c1_entries(fields[col['C1']]):
                addresses.append((addr, [index[n] for n in names if n in index]))
            year = year_of(fields[col['PY']]) or year_of(fields[col['EA']])
            yield record(fields[col['UT']], doi_of(fields[col['DI']]), year, len(authors), addresses)


def read_wos_tagged(path):
    fields, tag = None, None
    with open(path, encoding='utf-8-sig') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('   '):
                if fields is not None and tag:
                    fields.setdefault(tag, []).append(line.strip())
                continue
            if len(line) < 2:
                continue
            tag = line[:2]
            if tag == 'PT':
                fields = {}
            elif tag == 'ER' and fields is not None:
                authors = fields.get('AF') or fields.get('AU') or []
                index = {a: i for i, a in enumerate(authors)}
                addresses = [(addr, [index[n] for n in names if n in index])
                             for names, addr in map(split_c1, fields.get('C1', []))]
                year = year_of(' '.join(fields.get('PY', []))) or year_of(' '.join(fields.get('EA', [])))
                yield record(' '.join(fields.get('UT', [])), doi_of(' '.join(fields.get('DI', []))), year,
                             len(authors), addresses)
                fields = None
            elif fields is not None:
                fields.setdefault(tag, []).append(line[3:].strip())


def read_scopus(path):
    csv.field_size_limit(1 << 30)
    with open(path, encoding='utf-8-sig', newline='') as f:
        rows = csv.reader(f)
        header = next(rows)
        col = {name: i for i, name in enumerate(header)}
        for row in rows:
            if len(row) <= col['Authors with affiliations']:
                continue
            affs = [a.strip() for a in row[col['Affiliations']].split(';') if a.strip()]
            addresses = [(a, []) for a in affs]
            for i, chunk in enumerate(row[col['Authors with affiliations']].split(';')):
                parts = chunk.strip().split(', ', 2)
                rest = parts[2] if len(parts) == 3 else ''
                for k, a in enumerate(affs):
                    if rest and a in rest:
                        addresses[k][1].append(i)
            eid = row[col['EID']] if row[col['EID']].startswith('2-s2.0-') else row[-1]
            authors = len([x for x in row[col['Author(s) ID']].split(';') if x.strip()])
            yield record(eid, doi_of(row[col['DOI']]), year_of(row[col['Year']]), authors, addresses)


ENTRY = re.compile(r'^\s*@(\w+)\s*[{(]', re.M)
FIELD = re.compile(r'([A-Za-z-]+)\s*=\s*')


def bib_value(body, i):
    if i < len(body) and body[i] == '{':
        depth, j = 0, i
        while j < len(body):
            if body[j] == '{':
                depth += 1
            elif body[j] == '}':
                depth -= 1
                if depth == 0:
                    break
            j += 1
        return body[i + 1:j], j + 1
    if i < len(body) and body[i] == '"':
        j = body.find('"', i + 1)
        return body[i + 1:j], j + 1
    j = body.find(',', i)
    j = len(body) if j < 0 else j
    return body[i:j].strip(), j


def bib_entries(path):
    """(entry key, {lower-case field name: raw value}) for each entry of a BibTeX file."""
    with open(path, encoding='utf-8-sig') as f:
        text = f.read()
    starts = [m.start() for m in ENTRY.finditer(text)] + [len(text)]
    for a, b in zip(starts, starts[1:]):
        chunk = text[a:b]
        open_at = chunk.find('{')
        key_end = chunk.find(',', open_at)
        body = chunk[key_end + 1:]
        fields, i = {}, 0
        while True:
            m = FIELD.search(body, i)
            if not m:
                break
            value, i = bib_value(body, m.end())
            fields[m.group(1).lower()] = value
        yield chunk[open_at + 1:key_end].strip(), fields


def read_bibtex(path):
    for key, raw in bib_entries(path):
        fields = {k: re.sub(r'\s+', ' ', v.replace('{', '').replace('}', '')).strip() for k, v in raw.items()}
        authors = fields.get('author', '')
        n = len(authors.split(' and ')) if authors else 0
        affs = [x.strip() for x in fields.get('affiliation', '').split(';') if x.strip()]
        ident = fields.get('unique-id') or key
        yield record(ident, doi_of(fields.get('doi', '')), year_of(fields.get('year', '')), n,
                     [(x, []) for x in dict.fromkeys(affs)])


def read_hal(path):
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    docs = data['response']['docs'] if isinstance(data, dict) else data
    for d in docs:
        addresses = []
        for names, countries in (('labStructName_s', 'labStructCountry_s'), ('instStructName_s', 'instStructCountry_s')):
            for name, country in zip(d.get(names, []), d.get(countries, [])):
                if (name, country) not in addresses:
                    addresses.append((name, country))
        cnrs = any('CNRS' in a.split() for a in d.get('instStructAcronym_s', []))
        if cnrs:
            addresses.append(('Centre National de la Recherche Scientifique', 'fr'))
        year = d.get('producedDateY_i') or year_of(d.get('producedDate_s', ''))
        yield record(d.get('halId_s'), doi_of(d.get('doiId_s', '')), year, len(d.get('authFullName_s', [])),
                     addresses)


READERS = {'wos': read_wos_tagged, 'wos-tab': read_wos_tab, 'scopus': read_scopus, 'bibtex': read_bibtex,
           'hal': read_hal}


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    records = addresses = 0
    for rec in READERS[fmt](path):
        records += 1
        addresses += len(rec[4])
    print(json.dumps({'records': records, 'addresses': addresses}))


if __name__ == '__main__':
    main()
