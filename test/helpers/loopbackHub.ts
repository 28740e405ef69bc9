// A Hugging Face Hub on 127.0.0.1 (node:http), serving real model folders through the endpoints
// Tensorloupe uses — api/models/{repo}[/revision/{rev}], api/models/{repo}/tree/{rev}?recursive=true
// and {repo}/resolve/{rev}/{path} (LFS files answered with a 302 to a CDN-like /cdn/{sha256} path
// that honours Range, as the real Hub sends them to its CDN) — with switches for the failures a
// download must survive or report: cut transfers, corrupted bytes, 401/404/500, extra tree names.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface HubRepoFile {
  bytes: Buffer;
  lfs: boolean;
  sha256: string;
  gitSha1: string;
}

export interface HubRepo {
  commit: string;
  files: Map<string, HubRepoFile>;
}

export interface LoggedRequest {
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

export interface HubSwitches {
  /** paths whose next transfer is cut after half the body (the socket is destroyed); each entry once */
  cutOnce: Set<string>;
  /** paths served with one byte flipped (the tree still lists the true hash) */
  corrupt: Set<string>;
  /** when set, every request without `Authorization: Bearer <token>` gets 401 */
  requireToken?: string;
  /** when set, every request answers this status (404, 500) */
  failWith?: number;
  /** extra tree entries (e.g. names that try to leave the snapshot) */
  extraTreeEntries: object[];
  /** ignore Range and always answer 200 with the whole body */
  ignoreRange: boolean;
  /** bodies sent 64 KiB at a time with this many ms between (a transfer slow enough to watch its progress) */
  chunkDelayMs?: number;
  /** paths whose resolve answer carries a wrong ETag */
  wrongEtag: Set<string>;
  /** send LFS redirects to this host name on the same port (localhost: another origin, as a real CDN is) */
  cdnHost?: string;
  /** requests whose path holds this text are never answered (a network that swallows them) */
  stall?: string;
  /** the next body of `path` stops after its first 64 KiB until `until` settles (a download held mid-file) */
  hold?: { path: string; until: Promise<void> };
}

export class LoopbackHub {
  /** each repo's main */
  readonly repos = new Map<string, HubRepo>();
  /** every commit ever published, by `repo@commit` (a moved branch leaves its old commit reachable) */
  private readonly commits = new Map<string, HubRepo>();
  readonly requests: LoggedRequest[] = [];
  readonly switches: HubSwitches = { cutOnce: new Set(), corrupt: new Set(), wrongEtag: new Set(), extraTreeEntries: [], ignoreRange: false };
  private server: Server | undefined;
  url = '';

  /** Adds `repo` with every file under `folder` (onnx graphs and their data as LFS files, like the Hub stores them). */
  addRepo(repo: string, folder: string, only?: (path: string) => boolean): HubRepo {
    const files = new Map<string, HubRepoFile>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else {
          const path = relative(folder, full).split(sep).join('/');
          if (only && !only(path)) continue;
          files.set(path, hubFile(readFileSync(full), /\.onnx$|\.onnx[._]data/.test(path)));
        }
      }
    };
    walk(folder);
    const commit = createHash('sha1').update(repo).update([...files.values()].map((f) => f.gitSha1).join()).digest('hex');
    const entry = { commit, files };
    this.repos.set(repo, entry);
    this.commits.set(`${repo}@${commit}`, entry);
    return entry;
  }

  /** A new commit on main: the files as they were, with `changes` replacing or adding some. */
  publish(repo: string, changes: Record<string, Buffer>): HubRepo {
    const before = this.repos.get(repo);
    if (!before) throw new Error(`no repo ${repo}`);
    const files = new Map(before.files);
    for (const [path, bytes] of Object.entries(changes)) files.set(path, hubFile(bytes, before.files.get(path)?.lfs ?? /\.onnx$|\.onnx[._]data/.test(path)));
    const commit = createHash('sha1').update(before.commit).update(JSON.stringify(Object.keys(changes))).update([...files.values()].map((f) => f.gitSha1).join()).digest('hex');
    const entry = { commit, files };
    this.repos.set(repo, entry);
    this.commits.set(`${repo}@${commit}`, entry);
    return entry;
  }

  requestsTo(fragment: string): LoggedRequest[] {
    return this.requests.filter((r) => r.url.includes(fragment));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', url: url.pathname + url.search, range: req.headers.range, authorization: req.headers.authorization });
    const s = this.switches;
    if (s.stall && url.pathname.includes(s.stall)) return;
    if (s.failWith) return json(res, s.failWith, { error: `failing with ${s.failWith}` });
    if (s.requireToken && req.headers.authorization !== `Bearer ${s.requireToken}` && !url.pathname.startsWith('/cdn/')) {
      return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    }
    const path = decodeURIComponent(url.pathname);
    let m = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(url.pathname);
    if (m) return this.tree(res, m[1], decodeURIComponent(m[2]));
    m = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/([^/]+))?$/.exec(url.pathname);
    if (m) return this.info(res, m[1], m[2] ? decodeURIComponent(m[2]) : 'main');
    m = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (m) return this.cdn(req, res, m[1]);
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (m) return this.resolve(req, res, m[1], m[2], m[3]);
    json(res, 404, { error: 'Not found' });
  }

  private repoAt(repo: string, rev: string): HubRepo | undefined {
    return rev === 'main' ? this.repos.get(repo) : this.commits.get(`${repo}@${rev}`);
  }

  private info(res: ServerResponse, repo: string, rev: string): void {
    const r = this.repoAt(repo, rev);
    if (!r) return json(res, 404, { error: 'Repository not found' });
    json(res, 200, { id: repo, modelId: repo, sha: r.commit, siblings: [...r.files.keys()].map((rfilename) => ({ rfilename })) });
  }

  private tree(res: ServerResponse, repo: string, rev: string): void {
    const r = this.repoAt(repo, rev);
    if (!r) return json(res, 404, { error: 'Revision not found' });
    const entries: object[] = [];
    const dirs = new Set<string>();
    for (const [path, f] of r.files) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      entries.push({ type: 'file', oid: f.gitSha1, size: f.lfs ? 134 : f.bytes.length, path, ...(f.lfs ? { lfs: { oid: f.sha256, size: f.bytes.length, pointerSize: 134 } } : {}) });
    }
    for (const d of dirs) entries.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path: d });
    json(res, 200, [...entries, ...this.switches.extraTreeEntries]);
  }

  private resolve(req: IncomingMessage, res: ServerResponse, repo: string, rev: string, path: string): void {
    const r = this.repoAt(repo, rev);
    const f = r?.files.get(path);
    if (!r || !f) return json(res, 404, { error: 'Entry not found' });
    const tag = this.switches.wrongEtag.has(path) ? (f.lfs ? 'a'.repeat(64) : 'a'.repeat(40)) : f.lfs ? f.sha256 : f.gitSha1;
    const headers = { 'x-repo-commit': r.commit, etag: `"${tag}"` };
    if (f.lfs) {
      // the real Hub answers LFS files with a redirect to its CDN; keep the path name in the query as it does
      res.writeHead(302, { ...headers, 'x-linked-etag': `"${tag}"`, location: `${this.switches.cdnHost ? `http://${this.switches.cdnHost}:${new URL(this.url).port}` : ''}/cdn/${f.sha256}?name=${encodeURIComponent(path)}` });
      res.end();
      return;
    }
    this.body(req, res, path, f, headers);
  }

  private cdn(req: IncomingMessage, res: ServerResponse, sha: string): void {
    for (const r of this.commits.values()) {
      for (const [path, f] of r.files) if (f.sha256 === sha) return this.body(req, res, path, f, { etag: `"${sha}"` });
    }
    json(res, 404, { error: 'no such object' });
  }

  /** The bytes (from a Range start when asked), cut or corrupted when a switch says so. */
  private body(req: IncomingMessage, res: ServerResponse, path: string, f: HubRepoFile, headers: Record<string, string>): void {
    let bytes = f.bytes;
    if (this.switches.corrupt.has(path)) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length >> 1] ^= 0xff;
    }
    const range = this.switches.ignoreRange ? undefined : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start > bytes.length) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
      res.end();
      return;
    }
    const part = bytes.subarray(start);
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'content-type': 'application/octet-stream',
      'content-length': String(part.length),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (this.switches.cutOnce.delete(path)) {
      // half the body, then the connection dies (content-length promised more)
      res.write(part.subarray(0, part.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    const delay = this.switches.chunkDelayMs;
    const hold = this.switches.hold?.path === path ? this.switches.hold : undefined;
    if (hold) this.switches.hold = undefined;
    if (!delay && !hold) return void res.end(part);
    let at = 0;
    const next = () => {
      if (res.destroyed) return;
      const piece = part.subarray(at, at + 65536);
      at += piece.length;
      if (at >= part.length) return void res.end(piece);
      const first = at === piece.length;
      res.write(piece, () => (first && hold ? void hold.until.then(next, next) : setTimeout(next, delay ?? 0)));
    };
    next();
  }
}

function hubFile(bytes: Buffer, lfs: boolean): HubRepoFile {
  return {
    bytes,
    lfs,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    gitSha1: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
