// Indexing throughput and memory per trace format, on generated files (bench/.data/, git-ignored).
// Every measurement runs in its own child process, so peak RSS belongs to it alone; the children
// run this file bundled by esbuild (as the extension ships the server), not through tsx.
//   node --import tsx bench/formats.ts                 100 MB per format + the 200 MB OTLP check
//   node --import tsx bench/formats.ts --mb 20         smaller files
//   node --import tsx bench/formats.ts --only otlp,langfuse
//   node --import tsx bench/formats.ts --gb            also the 1 GB JSONL flat-memory check (slow)
//   node --import tsx bench/formats.ts --layout-only   only one-line (minified) vs with-newlines .json
//   (--layout-mb 10,20 sets its sizes; --skip-layout leaves it out)
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceIndex } from '../server/core/traceIndex';

const dataDir = path.join(__dirname, '.data');
const fixtureDir = path.join(__dirname, '..', 'test', 'fixtures', 'formats');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const MB = 1024 * 1024;

// ---- generators: the fixtures' agent trace, repeated with fresh ids and varied texts ------

const cities = ['Lisbon', 'Porto', 'Madrid', 'Seville', 'Lyon', 'Turin', 'Krakow', 'Ghent', 'Bergen', 'Tallinn'];
const ID =
  /(?<![0-9a-f])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|[0-9a-f]{16})(?![0-9a-f])|\blf-[a-z0-9-]+[a-z0-9]\b|\bcall_[a-z0-9]+\b|\b\d{8}T\d{9}Z/g;

/** A text with its ids (and the city) made placeholders, filled per trace number. */
function template(text: string): (i: number) => string {
  const parts: Array<string | { kind: string; orig: string }> = [];
  let last = 0;
  const re = new RegExp(`${ID.source}|Lisbon`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    parts.push(text.slice(last, m.index), { kind: m[0] === 'Lisbon' ? 'city' : 'id', orig: m[0] });
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return (i) => {
    const hex = i.toString(16).padStart(8, '0');
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else if (p.kind === 'city') out += cities[i % cities.length];
      else if (/^[0-9a-f]/.test(p.orig) && !p.orig.includes('T')) out += hex + p.orig.slice(8);
      else if (p.orig.includes('T')) out += p.orig;
      else out += `${p.orig}-${i}`;
    }
    return out;
  };
}

class Writer {
  private buf: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(private readonly fd: number) {}
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    this.bytes += Buffer.byteLength(s);
    if (this.size > 4 * MB) this.flush();
  }
  flush(): void {
    fs.writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
}

type Format = 'openai' | 'otlp' | 'otel-flat' | 'openinference' | 'langfuse' | 'langsmith' | 'opik';
const FORMATS: Format[] = ['openai', 'otlp', 'otel-flat', 'openinference', 'langfuse', 'langsmith', 'opik'];
const fileOf = (f: Format, mb: number) =>
  path.join(dataDir, `${f}-${mb}mb.${f === 'otlp' || f === 'langfuse' || f === 'opik' ? 'json' : 'jsonl'}`);

function generate(format: Format, mb: number): string {
  const file = fileOf(format, mb);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dataDir, { recursive: true });
  const target = mb * MB;
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  const w = new Writer(fd);
  const read = (n: string) => fs.readFileSync(path.join(fixtureDir, n), 'utf8');
  const lines = (n: string) => read(n).trim().split('\n');
  if (format === 'openai') {
    const samples = ['support-agent.jsonl', 'booking-flow.jsonl'].flatMap((n) =>
      fs
        .readFileSync(path.join(__dirname, '..', 'samples', n), 'utf8')
        .trim()
        .split('\n'),
    );
    const t = samples.map((l) => template(l.replace(/"id": ?"([^"]+)"/, '"id": "$1-ID"')));
    for (let i = 0; w.bytes < target; i++) w.write(t[i % t.length]!(i).replace('-ID"', `-${i}"`) + '\n');
  } else if (format === 'otel-flat' || format === 'openinference' || format === 'langsmith') {
    const name = format === 'otel-flat' ? 'otel-genai-flat.jsonl' : `${format}.jsonl`;
    const t = template(lines(name).join('\n'));
    for (let i = 0; w.bytes < target; i++) w.write(t(i) + '\n');
  } else if (format === 'otlp') {
    const doc = JSON.parse(read('otel-genai.otlp.json'));
    const rs = doc.resourceSpans[0];
    const t = template((rs.scopeSpans[0].spans as unknown[]).map((s) => JSON.stringify(s)).join(','));
    // One resourceSpans entry per 2,000 traces, as an exporter's batches concatenated.
    w.write('{"resourceSpans":[');
    for (let i = 0, batch = 0; w.bytes < target; batch++) {
      w.write(
        `${batch ? ',' : ''}{"resource":${JSON.stringify(rs.resource)},"scopeSpans":[{"scope":${JSON.stringify(rs.scopeSpans[0].scope)},"spans":[`,
      );
      for (let k = 0; k < 2000 && w.bytes < target; k++, i++) w.write((k ? ',' : '') + t(i));
      w.write(']}]}');
    }
    w.write(']}\n');
  } else if (format === 'langfuse') {
    const traces = JSON.parse(read('langfuse.json')) as unknown[];
    const t = template(JSON.stringify(traces[0], null, 2).replace(/\n/g, '\n  '));
    w.write('[\n');
    for (let i = 0; w.bytes < target; i++) w.write(`${i ? ',\n' : ''}  ${t(i)}`);
    w.write('\n]\n');
  } else if (format === 'opik') {
    const doc = JSON.parse(read('opik.json'));
    const tt = template(JSON.stringify(doc.traces[0]));
    const ts = template((doc.spans as unknown[]).map((s) => JSON.stringify(s)).join(',\n    '));
    // Traces first, then spans (as Opik's export lists them): size the count from one trace.
    const per = Buffer.byteLength(tt(0)) + Buffer.byteLength(ts(0)) + 8;
    const n = Math.ceil(target / per);
    w.write('{\n  "traces": [\n');
    for (let i = 0; i < n; i++) w.write(`${i ? ',\n' : ''}    ${tt(i)}`);
    w.write('\n  ],\n  "spans": [\n');
    for (let i = 0; i < n; i++) w.write(`${i ? ',\n' : ''}    ${ts(i)}`);
    w.write('\n  ]\n}\n');
  }
  w.flush();
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return file;
}

/** Formats compared on one line (minified) and with newlines (pretty-printed records). */
type LayoutFormat = 'openai' | 'openai-short' | 'langfuse';
const LAYOUT_FORMATS: LayoutFormat[] = ['openai-short', 'openai', 'langfuse'];
const layoutFile = (f: LayoutFormat, mb: number, oneLine: boolean) =>
  path.join(dataDir, `layout-${f}-${mb}mb-${oneLine ? 'one-line' : 'newlines'}.json`);

/**
 * The same records as two JSON arrays: all on one line (`mb` MB), and each record pretty-printed
 * on lines of its own (larger by its indentation). Returns [one-line file, newlines file].
 */
function generateLayout(format: LayoutFormat, mb: number): [string, string] {
  const files: [string, string] = [layoutFile(format, mb, true), layoutFile(format, mb, false)];
  if (files.every((f) => fs.existsSync(f))) return files;
  fs.mkdirSync(dataDir, { recursive: true });
  // Short conversations put the most records on a line: where a per-record scan of the rest shows most.
  const short = {
    id: 'short',
    messages: [
      { role: 'user', content: 'Is the hotel in Lisbon near the old town?' },
      { role: 'assistant', content: 'Yes, 300 m from it.' },
    ],
  };
  const records: unknown[] =
    format === 'openai-short'
      ? [short]
      : format === 'openai'
        ? ['support-agent.jsonl', 'booking-flow.jsonl'].flatMap((n) =>
            fs
              .readFileSync(path.join(__dirname, '..', 'samples', n), 'utf8')
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as unknown),
          )
        : (JSON.parse(fs.readFileSync(path.join(fixtureDir, 'langfuse.json'), 'utf8')) as unknown[]).slice(0, 1);
  const layouts = [true, false].map((oneLine, k) => {
    const tmp = `${files[k]}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    return {
      oneLine,
      fd,
      tmp,
      w: new Writer(fd),
      t: records.map((r) => template(oneLine ? JSON.stringify(r) : JSON.stringify(r, null, 2))),
    };
  });
  for (const l of layouts) l.w.write(l.oneLine ? '[' : '[\n');
  for (let i = 0; layouts[0]!.w.bytes < mb * MB; i++)
    for (const l of layouts) {
      let rec = l.t[i % l.t.length]!(i);
      if (format !== 'langfuse') rec = rec.replace(/"id": ?"([^"]+)"/, `"id": "$1-${i}"`);
      l.w.write((i ? (l.oneLine ? ',' : ',\n') : '') + rec);
    }
  layouts.forEach((l, k) => {
    l.w.write(l.oneLine ? ']' : '\n]\n');
    l.w.flush();
    fs.closeSync(l.fd);
    fs.renameSync(l.tmp, files[k]);
  });
  return files;
}

// ---- measurements (child processes) ------------------------------------------------------

interface Result {
  ms: number;
  rssMb: number;
  conversations: number;
  samples?: Array<{ at: number; rssMb: number }>;
  /** Listing the conversations (what the form, the report and the tree ask for): first and second call. */
  listMs?: [number, number];
  /** Peak RSS once the whole file was listed (every row at once). */
  listRssMb?: number;
}

async function phase(kind: string, file: string): Promise<Result> {
  const t0 = performance.now();
  if (kind === 'idle') return { ms: 0, rssMb: process.resourceUsage().maxRSS / 1024, conversations: 0 };
  if (kind === 'bare') {
    // The floor: read the same bytes and JSON.parse them (per line for JSONL, whole for JSON).
    let n = 0;
    if (file.endsWith('.jsonl')) {
      const fd = fs.openSync(file, 'r');
      let carry = '';
      const buf = Buffer.allocUnsafe(MB);
      for (;;) {
        const got = fs.readSync(fd, buf, 0, MB, null);
        if (got <= 0) break;
        const text = carry + buf.toString('utf8', 0, got);
        const lines = text.split('\n');
        carry = lines.pop()!;
        for (const l of lines)
          if (l) {
            JSON.parse(l);
            n++;
          }
      }
      if (carry) {
        JSON.parse(carry);
        n++;
      }
      fs.closeSync(fd);
    } else {
      const v = JSON.parse(fs.readFileSync(file, 'utf8'));
      n = Array.isArray(v) ? v.length : 1;
    }
    return { ms: performance.now() - t0, rssMb: process.resourceUsage().maxRSS / 1024, conversations: n };
  }
  if (kind === 'update') {
    // An open document's path: its whole text indexed in memory (one chunk).
    const text = fs.readFileSync(file, 'utf8');
    const t1 = performance.now();
    const parsed = new TraceIndex().update(file, text);
    return { ms: performance.now() - t1, rssMb: process.resourceUsage().maxRSS / 1024, conversations: parsed.conversations.length };
  }
  // The server's path: streamed from disk, lazily indexed (offsets only) above 48 MB.
  const index = new TraceIndex();
  const size = fs.statSync(file).size;
  const samples: Array<{ at: number; rssMb: number }> = [];
  let next = 0;
  await index.load(file, {
    onProgress: (read) => {
      if (read >= next) {
        samples.push({ at: read / size, rssMb: process.memoryUsage.rss() / MB });
        next += size / 10;
      }
    },
  });
  const ms = performance.now() - t0;
  // Re-reading on demand works: a conversation from the middle and the last.
  const n = index.count(file);
  for (const p of [Math.floor(n / 2), n - 1]) {
    const id = index.idAt(file, p);
    if (id !== undefined && !index.get(id)?.messages.length) throw new Error(`cannot re-read ${id}`);
  }
  samples.push({ at: 1, rssMb: process.memoryUsage.rss() / MB });
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const listMs: [number, number] = [0, 0];
  for (const k of [0, 1]) {
    const t1 = performance.now();
    if (index.conversationSummaries(file).length !== n) throw new Error('a listing row is missing');
    listMs[k] = performance.now() - t1;
  }
  // Peak RSS of indexing (before the listing, whose rows for the whole file are a reply's worth).
  return { ms, rssMb, conversations: n, samples, listMs, listRssMb: process.resourceUsage().maxRSS / 1024 };
}

const bundle = path.join(dataDir, 'formats-bench.cjs');
function measure(kind: string, file: string): Result {
  const out = execFileSync(process.execPath, [bundle, '--phase', kind, '--file', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

async function main(): Promise<void> {
  const kind = arg('phase');
  if (kind) {
    process.stdout.write(JSON.stringify(await phase(kind, arg('file')!)) + '\n');
    return;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  buildSync({
    entryPoints: [__filename],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'warning',
  });
  const mb = Number(arg('mb') ?? 100);
  const only = (arg('only')?.split(',') as Format[] | undefined) ?? FORMATS;
  const idle = measure('idle', __filename);
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}; every figure from its own child process running the esbuild bundle (idle child: ${idle.rssMb.toFixed(0)} MB RSS)`,
  );
  console.log('');
  if (!flag('skip-layout')) layoutTable((arg('layout-mb') ?? '10,20').split(',').map(Number));
  if (flag('layout-only')) return;
  console.log(
    `format          file        size   conversations  index ms   MB/s   peak RSS   bare JSON.parse ms (RSS)   ratio   list ms (1st, 2nd)`,
  );
  for (const f of only) {
    const file = generate(f, mb);
    const sizeMb = fs.statSync(file).size / MB;
    const bare = measure('bare', file);
    const idx = measure('index', file);
    console.log(
      `${f.padEnd(15)} ${path.basename(file).padEnd(27).slice(0, 27)} ${sizeMb.toFixed(0).padStart(4)} MB ${String(idx.conversations).padStart(9)}  ${idx.ms.toFixed(0).padStart(8)} ${(sizeMb / (idx.ms / 1000)).toFixed(0).padStart(6)} ${idx.rssMb.toFixed(0).padStart(7)} MB   ${bare.ms.toFixed(0).padStart(8)} (${bare.rssMb.toFixed(0)} MB)        ${(idx.ms / bare.ms).toFixed(2)}×   ${idx.listMs!.map((v) => v.toFixed(0)).join(', ')}`,
    );
  }
  if (!flag('skip-200')) {
    const file = generate('otlp', 200);
    const r = measure('index', file);
    const sizeMb = fs.statSync(file).size / MB;
    console.log('');
    console.log(
      `200 MB OTLP JSON: ${sizeMb.toFixed(0)} MB, ${r.conversations} conversations, ${r.ms.toFixed(0)} ms (${(sizeMb / (r.ms / 1000)).toFixed(0)} MB/s), peak RSS ${r.rssMb.toFixed(0)} MB — ${r.rssMb < 400 ? 'under' : 'OVER'} the 400 MB limit`,
    );
    console.log(`  RSS while reading: ${r.samples!.map((s) => `${(s.at * 100).toFixed(0)}%:${s.rssMb.toFixed(0)}`).join(' ')} MB`);
  }
  if (flag('gb')) {
    const file = generate('openai', 1024);
    const sizeMb = fs.statSync(file).size / MB;
    const r = measure('index', file);
    console.log('');
    console.log(
      `1 GB JSONL: ${sizeMb.toFixed(0)} MB, ${r.conversations} conversations, ${(r.ms / 1000).toFixed(1)} s (${(sizeMb / (r.ms / 1000)).toFixed(0)} MB/s), peak RSS ${r.rssMb.toFixed(0)} MB; listing all ${r.listMs!.map((v) => v.toFixed(0)).join(' ms, then ')} ms (peak RSS then ${r.listRssMb!.toFixed(0)} MB)`,
    );
    console.log(`  RSS while reading: ${r.samples!.map((s) => `${(s.at * 100).toFixed(0)}%:${s.rssMb.toFixed(0)}`).join(' ')} MB`);
    console.log(
      `  index memory per conversation ≈ ${(((r.samples![r.samples!.length - 1]!.rssMb - r.samples![0]!.rssMb) * MB) / Math.max(1, r.conversations)).toFixed(0)} bytes (offsets, ids and listing rows)`,
    );
  }
}

/**
 * One-line (minified) against with-newlines JSON of the same records, side by side: indexed whole
 * in memory (an open document) and streamed from disk. Linear on both layouts means the ratio
 * stays near 1 at every size (it grew with the size when the position search was quadratic).
 */
function layoutTable(sizes: number[]): void {
  console.log('one-line vs with-newlines .json (same records; best of 3, ms)');
  console.log('format       one-line size  conversations   in memory: one-line  newlines  ratio   streamed: one-line  newlines  ratio');
  for (const f of LAYOUT_FORMATS)
    for (const size of sizes) {
      const [one, lines] = generateLayout(f, size);
      const best = (kind: string, file: string) =>
        [measure(kind, file), measure(kind, file), measure(kind, file)].sort((a, b) => a.ms - b.ms)[0]!;
      const [mo, ml, so, sl] = [best('update', one), best('update', lines), best('index', one), best('index', lines)];
      if (mo.conversations !== ml.conversations || so.conversations !== mo.conversations)
        throw new Error(`${f} ${size} MB: the layouts give different conversations`);
      console.log(
        `${f.padEnd(13)} ${String(size).padStart(4)} MB ${String(mo.conversations).padStart(12)}   ${mo.ms.toFixed(0).padStart(18)} ${ml.ms.toFixed(0).padStart(9)} ${(mo.ms / ml.ms).toFixed(2).padStart(5)}×  ${so.ms.toFixed(0).padStart(18)} ${sl.ms.toFixed(0).padStart(9)} ${(so.ms / sl.ms).toFixed(2).padStart(5)}×`,
      );
    }
  console.log('');
}

void main();
