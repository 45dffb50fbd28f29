// The product's core output: the shown experiment's annotations as diagnostics on the exact
// characters of the trace files, with a hover for each. Knows nothing of the connection: it is
// given what to read and a `send` for diagnostics, so it is tested without a process.
import { utcMinute } from '../common/utcMinute';
import { Diagnostic, DiagnosticSeverity, type Hover, type Position } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';
import { messageParts, type Annotation, type Conversation, type ExperimentItem } from '../common/schema';
import type { TraceProblem } from '../common/protocol';
import { markableItems, markersAt, type ConversationLookup, type Range } from './core/annotationLookup';
import { annotationRange, fileText } from './core/markers';
import { AnchorRangeLocator } from './core/markerText';
import { isolateBidiControls, markdownCode, markdownText } from './core/untrustedText';
import type { TraceSource } from './traceFiles';
import { HUMAN_DETECTOR } from './core/review/verdict';

/** VS Code shows at most 1,000 diagnostics per file; more would only cost time and memory. */
export const MAX_MARKERS_PER_FILE = 1000;
/** Message parts longer than this get no markers (placing one maps the whole JSON string). */
export const MAX_MARKED_PART_CHARS = 1024 * 1024;
/** Markers are published again at most once per this delay after an experiment changed. */
const DEFAULT_PUBLISH_DELAY_MS = 100;

/** The experiment whose markers are shown. */
export interface ShownExperiment {
  id: string;
  name: string;
  items: readonly ExperimentItem[];
}

/** What the publisher reads: the index, the trace files and the shown experiment. */
export interface MarkerInputs {
  shownExperiment(): ShownExperiment | null;
  /** The annotations of live detection (received traces), shown besides the experiment's. */
  liveFindings?(): ShownExperiment | null;
  /** The indexed files. */
  fileNames(): string[];
  isIndexed(file: string): boolean;
  /** Where conversations are indexed, and the conversations themselves. */
  conversations: ConversationLookup;
  /** Format problems of a file, or why it is refused or unreadable. */
  problemsOf(file: string): TraceProblem[];
  /** How to read the file now; null when it may not or cannot be read. */
  source(file: string): TraceSource | null;
  /** Markers of dismissed annotations are shown (as hints) rather than hidden; default false. */
  showDismissed?(): boolean;
}

/** An annotation where its marker is (null: it has none). */
export interface LocatedAnnotation {
  file: string;
  conversationId: string;
  annotation: Annotation;
  range: Range | null;
}

/** Parts longer than this get no markers: placing one maps the whole JSON string. */
function isTooLongToMark(conversation: Conversation, annotation: Annotation): boolean {
  const message = conversation.messages[annotation.message_index];
  const part = message ? messageParts(message)[annotation.message_part_index] : undefined;
  return part !== undefined && part.text.length > MAX_MARKED_PART_CHARS;
}

export type SendDiagnostics = (uri: string, diagnostics: Diagnostic[]) => void;

interface Marker {
  range: Range;
  annotation: Annotation;
  experimentName: string;
}

/** Places annotations in one file's text, read once, on first need. */
class FilePlacer {
  private source: TraceSource | null | undefined;
  private whole: { text: ReturnType<typeof fileText>; doc: TextDocument; bom: number } | null = null;
  private ranges: AnchorRangeLocator | null = null;

  constructor(
    private readonly file: string,
    private readonly read: (file: string) => TraceSource | null,
  ) {}

  /** False when the file cannot be read (nothing can be placed). */
  readable(): boolean {
    if (this.source === undefined) this.source = this.read(this.file); // null (unreadable) is kept: read once
    return this.source !== null;
  }

  range(conversation: Conversation, annotation: Annotation): Range | null {
    if (!this.readable()) return null;
    const source = this.source!;
    if (source.kind === 'ranges') return (this.ranges ??= new AnchorRangeLocator(source.read)).range(conversation, annotation);
    if (!this.whole) {
      // The editor drops a byte order mark when it opens a file: positions are counted without it.
      const bom = source.text.charCodeAt(0) === 0xfeff ? 1 : 0;
      this.whole = {
        text: fileText(source.text),
        doc: TextDocument.create(pathToFileURL(this.file).toString(), 'json', 0, source.text.slice(bom)),
        bom,
      };
    }
    const { text, doc, bom } = this.whole;
    const r = annotationRange(text, conversation, annotation);
    return r ? { start: doc.positionAt(r.start - bom), end: doc.positionAt(r.end - bom) } : null;
  }
}

export class MarkerPublisher {
  /** Markers currently shown per file URI, for hovers. */
  private readonly markersByUri = new Map<string, Marker[]>();
  private publishTimer: NodeJS.Timeout | null = null;
  /**
   * Where each live finding's annotation was placed, for the conversation object it was placed on:
   * a live file is published after every batch of traces, and only the new findings (or those of
   * a conversation indexed again) are placed — the bytes of an append-only file never move.
   */
  private readonly livePlaces = new WeakMap<Annotation, { conversation: Conversation; range: Range | null }>();

  constructor(
    private readonly inputs: MarkerInputs,
    private readonly send: SendDiagnostics,
  ) {}

  publishAll(): void {
    // The shown experiment is read once for all files (reviewing it reads the verdicts).
    const shown = this.inputs.shownExperiment();
    for (const f of this.inputs.fileNames()) this.publishFile(f, shown);
  }

  /** Publishes all files after `delayMs`; calls meanwhile are folded into that one (a publish costs a pass over the files). */
  publishSoon(delayMs = DEFAULT_PUBLISH_DELAY_MS): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      this.publishAll();
    }, delayMs);
  }

  private livePlace(placer: FilePlacer, conversation: Conversation, annotation: Annotation): Range | null {
    const known = this.livePlaces.get(annotation);
    if (known?.conversation === conversation) return known.range;
    const range = placer.range(conversation, annotation);
    this.livePlaces.set(annotation, { conversation, range });
    return range;
  }

  /** Where an annotation is in `file` now, reading the file as markers do; null when it is not there any more. */
  place(file: string, conversation: Conversation, annotation: Annotation): Range | null {
    return new FilePlacer(file, (f) => this.inputs.source(f)).range(conversation, annotation);
  }

  publishFile(file: string, shownExperiment = this.inputs.shownExperiment()): void {
    if (!this.inputs.isIndexed(file)) return;
    const uri = pathToFileURL(file).toString();
    const diagnostics: Diagnostic[] = this.inputs.problemsOf(file).map(problemDiagnostic);
    const markers: Marker[] = [];
    const showDismissed = this.inputs.showDismissed?.() ?? false;
    const live = this.inputs.liveFindings?.() ?? null;
    for (const shown of [shownExperiment, live]) {
      if (!shown) continue;
      const placer = new FilePlacer(file, (f) => this.inputs.source(f));
      const marked = markableItems(shown.items, file, this.inputs.conversations);
      let notShown = 0;
      const tooLong = new Map<string, { conversation: Conversation; messageIndex: number }>();
      for (const { item, conversation } of marked) {
        if (!placer.readable()) break;
        for (const a of item.annotations) {
          const dismissed = a.review?.verdict === 'dismissed';
          if (dismissed && !showDismissed) continue;
          if (markers.length >= MAX_MARKERS_PER_FILE) {
            notShown++;
            continue;
          }
          if (isTooLongToMark(conversation, a)) {
            tooLong.set(`${conversation.id}|${a.message_index}`, { conversation, messageIndex: a.message_index });
            continue;
          }
          const range = shown === live ? this.livePlace(placer, conversation, a) : placer.range(conversation, a);
          if (!range) continue;
          diagnostics.push(markerDiagnostic(range, a, shown.id, item.id));
          markers.push({ range, annotation: a, experimentName: shown.name });
        }
      }
      if (notShown > 0)
        diagnostics.push(
          info(
            0,
            `${notShown} more hallucination annotation(s) of experiment "${shown.name}" are not shown as markers in this file (at most ${MAX_MARKERS_PER_FILE}); the report lists them all`,
          ),
        );
      for (const { conversation, messageIndex } of tooLong.values())
        diagnostics.push(
          info(
            conversation.line,
            `message ${messageIndex} of conversation ${conversation.id} is longer than ${MAX_MARKED_PART_CHARS.toLocaleString('en-US')} characters: its hallucinations are not marked here; the report lists them`,
          ),
        );
    }
    this.markersByUri.set(uri, markers);
    // Messages quote trace text (labels, explanations, ids, names): no bidi control may act in them.
    this.send(
      uri,
      diagnostics.map((d) => ({ ...d, message: isolateBidiControls(d.message) })),
    );
  }

  /**
   * Every annotation of `experiment` on the indexed files, placed exactly as its marker is (null
   * where no marker can be: the text is no longer there, or its part is too long to mark) — what
   * "Export as SARIF" writes, so markers and SARIF results agree one to one.
   */
  locateAll(experiment: ShownExperiment): LocatedAnnotation[] {
    const out: LocatedAnnotation[] = [];
    for (const file of this.inputs.fileNames()) {
      if (!this.inputs.isIndexed(file)) continue;
      const placer = new FilePlacer(file, (f) => this.inputs.source(f));
      for (const { item, conversation } of markableItems(experiment.items, file, this.inputs.conversations))
        for (const annotation of item.annotations) {
          const range = !placer.readable() || isTooLongToMark(conversation, annotation) ? null : placer.range(conversation, annotation);
          out.push({ file, conversationId: conversation.id, annotation, range });
        }
    }
    return out;
  }

  /** Forgets a file's markers (it is no longer a trace file) and clears its diagnostics. */
  clear(uri: string): void {
    this.markersByUri.delete(uri);
    this.send(uri, []);
  }

  /** The hover over the markers at `position`: every trace-derived word escaped, so nothing in it is live. */
  hover(uri: string, position: Position): Hover | null {
    const hits = markersAt(this.markersByUri.get(uri) ?? [], position);
    if (!hits.length) return null;
    const value = hits.map(hoverText).join('\n\n---\n\n');
    return { contents: { kind: 'markdown', value }, range: hits[0]!.range };
  }

  dispose(): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = null;
  }
}

function hoverText({ annotation: a, experimentName }: Marker): string {
  const verdict = reviewLine(a);
  return [
    `**${a.review?.verdict === 'dismissed' ? 'Dismissed' : 'Hallucination'}: ${markdownText(shownLabel(a).replace(/_/g, ' '))}**`,
    '',
    markdownText(a.explanation),
    '',
    `Detector: ${markdownCode(a.detector)} · confidence ${a.confidence.toFixed(2)} · experiment _${markdownText(experimentName)}_` +
      (a.tool_name ? ` · tool ${markdownCode(a.tool_name)}` : '') +
      (a.parameter_name ? ` · parameter ${markdownCode(a.parameter_name)}` : ''),
    ...(verdict ? ['', verdict] : []),
    ...commentLines(a),
  ].join('\n');
}

/** People's comments on it that are not verdicts: "💬 text — ann, 2026-12-03 10:00 UTC", escaped. */
export function commentLines(a: Annotation): string[] {
  return (a.comments ?? []).flatMap((c) => [
    '',
    `💬 ${markdownText(c.text)} — ${markdownText(c.author)}, ${markdownText(utcMinute(c.at))}`,
  ]);
}

/** The label a marker shows: the one people gave when they relabelled it. */
function shownLabel(a: Annotation): string {
  return a.review?.verdict === 'relabelled' && a.review.label ? a.review.label : a.label;
}

const verdictWords = {
  confirmed: 'Confirmed',
  dismissed: 'Dismissed — not a hallucination',
  relabelled: 'Relabelled',
  added: 'Added',
} as const;

/** "Confirmed by ann on 2026-12-03 10:00 UTC — comment", escaped; null when nobody reviewed it. */
export function reviewLine(a: Annotation): string | null {
  const r = a.review;
  if (!r) return null;
  const when = utcMinute(r.at);
  return (
    `**${verdictWords[r.verdict]}**${r.verdict === 'relabelled' && r.label ? ` as ${markdownText(r.label.replace(/_/g, ' '))}` : ''}` +
    ` by ${markdownText(r.author)} on ${markdownText(when)}` +
    (r.carried_from ? ` (given in experiment ${markdownCode(r.carried_from)})` : '') +
    (r.comment ? ` — ${markdownText(r.comment)}` : '')
  );
}

/**
 * What a marker's diagnostic carries: the experiment and item, and (in a reviewed resource) the
 * annotation's id and verdict, so that quick fixes can name it. The label is the diagnostic's code.
 */
export interface MarkerData {
  experimentId: string;
  itemId: string;
  annotationId?: string;
  verdict?: string;
}

function markerDiagnostic(range: Range, a: Annotation, experimentId: string, itemId: string): Diagnostic {
  const dismissed = a.review?.verdict === 'dismissed';
  const label = shownLabel(a);
  const data: MarkerData = {
    experimentId,
    itemId,
    ...(a.id ? { annotationId: a.id } : {}),
    ...(a.review ? { verdict: a.review.verdict } : {}),
  };
  return {
    range,
    // A dismissed marker (shown only when asked for) is a hint, with no strike-through.
    severity: dismissed ? DiagnosticSeverity.Hint : DiagnosticSeverity.Warning,
    source: 'hallucination-lab',
    code: label,
    message: `${dismissed ? 'dismissed — ' : ''}${label.replace(/_/g, ' ')}: ${a.explanation}${a.detector === HUMAN_DETECTOR ? ' (marked by a person)' : ''}`,
    data,
  };
}

function info(line: number, message: string): Diagnostic {
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: 'hallucination-lab',
    code: 'markers-not-shown',
    message,
  };
}

function problemDiagnostic(p: TraceProblem): Diagnostic {
  return {
    range: {
      start: { line: p.line, character: p.startCharacter ?? 0 },
      end: { line: p.line, character: p.endCharacter ?? Number.MAX_SAFE_INTEGER },
    },
    severity:
      p.severity === 'error'
        ? DiagnosticSeverity.Error
        : p.severity === 'warning'
          ? DiagnosticSeverity.Warning
          : DiagnosticSeverity.Information,
    source: 'hallucination-lab',
    code: 'trace-format',
    message: p.message,
  };
}
