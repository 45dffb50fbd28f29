// An OTLP protobuf trace file turned into its OTLP/JSON text on disk one `resourceSpans` entry at a
// time, for `check`: the request's only field is that repeated entry (concatenated requests are
// more entries), so each entry decodes alone, and the text written is the very text decoding the
// file whole gives (`otlpProtobufAsJson`) — without holding the file or its decoded form whole.
// Anything else (a logs request, bytes that are not a request, no entry) is left to the whole
// decoding, which says what it is.
import * as fs from 'node:fs';
import { decodeProtobufRequest } from '../receiver/otlpCodec';

/** Tag of field 1 (resource_spans), wire type 2 (length-delimited). */
const RESOURCE_SPANS_TAG = 0x0a;
const WRITE_BUFFER_CHARS = 1 << 20;

/** Writes the file's OTLP/JSON text to `out`; false (and `out` incomplete) when it must be decoded whole. */
export function protobufTracesToJsonFile(fd: number, out: string): boolean {
  const size = fs.fstatSync(fd).size;
  const target = fs.openSync(out, 'wx', 0o600);
  try {
    let pending: string[] = [];
    let pendingChars = 0;
    const write = (text: string) => {
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars < WRITE_BUFFER_CHARS) return;
      fs.writeSync(target, pending.join(''));
      pending = [];
      pendingChars = 0;
    };
    let entries = 0;
    for (let at = 0; at < size;) {
      const head = readAt(fd, at, 11);
      if (head[0] !== RESOURCE_SPANS_TAG) return false;
      const length = varint(head, 1);
      if (length === null || at + length.end + length.value > size) return false;
      const entry = readAt(fd, at, length.end + length.value);
      at += entry.length;
      let decoded: unknown;
      try {
        decoded = decodeProtobufRequest('traces', entry);
      } catch {
        return false;
      }
      const spans = (decoded as { resourceSpans?: unknown }).resourceSpans;
      if (!Array.isArray(spans) || spans.length !== 1) return false;
      write((entries++ === 0 ? '{"resourceSpans":[' : ',') + JSON.stringify(spans[0]));
    }
    if (entries === 0) return false;
    write(']}');
    fs.writeSync(target, pending.join(''));
    return true;
  } finally {
    fs.closeSync(target);
  }
}

function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, at + got);
    if (n <= 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** A base-128 varint at `from` (at most 2^53), and where it ends; null when cut short. */
function varint(buf: Uint8Array, from: number): { value: number; end: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = from; i < buf.length && i < from + 8; i++) {
    value += (buf[i]! & 0x7f) * scale;
    if ((buf[i]! & 0x80) === 0) return { value, end: i + 1 };
    scale *= 128;
  }
  return null;
}
