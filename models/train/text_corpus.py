"""Collect the text corpus for the bundled text models and write corpus_manifest.json.

Sources (permissive, present on every machine that builds this repo):
  - TypeScript's lib*.d.ts from node_modules/typescript/lib (Apache-2.0)
  - CPython's standard library .py files from Debian's /usr/lib/python3.11 (PSF-2.0),
    without test directories and without very large generated files.
Files are split by file, seeded: ~5% held out for evaluation.
Output: models/train/.data/corpus/{train,eval}.txt (documents joined by <|endoftext|>)
and models/train/corpus_manifest.json (committed; the corpus itself never is).
"""
import hashlib, json, os, random, subprocess

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(ROOT, '..', '..'))
DATA = os.path.join(ROOT, '.data', 'corpus')
SEED, EVAL_FRACTION, MAX_BYTES = 1337, 0.05, 200_000
SKIP_DIRS = {'test', 'tests', 'idle_test', '__pycache__', 'site-packages', 'dist-packages'}
EOT = '<|endoftext|>'

def dpkg_owners(prefix):
    """map every file under prefix to 'package version' using dpkg's file lists"""
    owners = {}
    out = subprocess.run(['dpkg', '-S', prefix], capture_output=True, text=True).stdout
    pkgs = sorted({p.strip() for line in out.splitlines() for p in line.rsplit(': ', 1)[0].split(',')})
    for pkg in pkgs:
        ver = subprocess.run(['dpkg-query', '-W', '-f=${Version}', pkg], capture_output=True, text=True).stdout
        for f in subprocess.run(['dpkg', '-L', pkg], capture_output=True, text=True).stdout.splitlines():
            owners[f] = (pkg.split(':')[0], ver)
    return owners

def collect():
    files = []
    ts_dir = os.path.join(REPO, 'node_modules', 'typescript', 'lib')
    ts_ver = json.load(open(os.path.join(REPO, 'node_modules', 'typescript', 'package.json')))['version']
    for name in sorted(os.listdir(ts_dir)):
        if name.startswith('lib') and name.endswith('.d.ts'):
            files.append((os.path.join(ts_dir, name), 'node_modules/typescript/lib/' + name,
                          'typescript (npm)', ts_ver, 'Apache-2.0'))
    py_dir = '/usr/lib/python3.11'
    owners = dpkg_owners(py_dir)
    for dirpath, dirnames, filenames in os.walk(py_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if not name.endswith('.py') or os.path.islink(path):
                continue
            if os.path.getsize(path) > MAX_BYTES or os.path.getsize(path) == 0:
                continue  # very large files are generated tables (pydoc topics, unicode data)
            pkg, ver = owners.get(path, ('unknown', ''))
            files.append((path, path, pkg + ' (Debian)', ver, 'PSF-2.0'))
    return files

if __name__ == '__main__':
    os.makedirs(DATA, exist_ok=True)
    files = collect()
    rng = random.Random(SEED)
    order = list(range(len(files)))
    rng.shuffle(order)
    n_eval = round(EVAL_FRACTION * len(files))
    eval_idx = set(order[:n_eval])
    manifest, texts = [], {'train': [], 'eval': []}
    for i, (path, shown, pkg, ver, lic) in enumerate(files):
        raw = open(path, 'rb').read()
        text = raw.decode('utf-8', errors='replace').replace('\r\n', '\n')
        if EOT in text:
            text = text.replace(EOT, '')
        split = 'eval' if i in eval_idx else 'train'
        texts[split].append(text)
        manifest.append({'path': shown, 'package': pkg, 'version': ver, 'license': lic,
                         'sha256': hashlib.sha256(raw).hexdigest(), 'bytes': len(raw), 'split': split})
    for split, docs in texts.items():
        with open(os.path.join(DATA, split + '.txt'), 'w', encoding='utf-8') as f:
            f.write(''.join(EOT + d for d in docs))
    summary = {s: {'files': sum(m['split'] == s for m in manifest),
                   'bytes': sum(m['bytes'] for m in manifest if m['split'] == s)} for s in texts}
    json.dump({'description': 'Sources of the text corpus for tensorloupe-code-lm and tensorloupe-attn2. '
               'Each document is one file, prefixed by <|endoftext|>. The corpus itself is not committed.',
               'seed': SEED, 'eval_fraction': EVAL_FRACTION, 'max_file_bytes': MAX_BYTES,
               'summary': summary, 'files': manifest},
              open(os.path.join(ROOT, 'corpus_manifest.json'), 'w'), indent=1)
    print('corpus:', json.dumps(summary))
    unknown = sum(m['package'].startswith('unknown') for m in manifest)
    print(f'{len(manifest)} files, {unknown} without a dpkg owner')
