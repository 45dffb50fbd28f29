// The report's info line as a user uses it (issue 17): a pass-through experiment made with the form;
// in its report, "Edit" on the tags line opens a field — Escape leaves the tags as they were, Enter
// saves "baseline, judge-v3" (two tag badges); "Add comment" adds a comment on the experiment ("1
// comment", the text in its tooltip). In an expanded item, "Comment…" on an annotation and "Comment on
// item…" ask for the text in an input box; the comments show under the annotation and the item, and
// the annotation stays "Not reviewed". Then F1 → "Filter Experiments by Tag…" offers the new tag and
// the Experiments view says it filters by it. Screenshots of each step (test/artifacts/ui/).
//
//   node test/editor/ui/infoLineFlow.mjs [--extension <dir>]     (the flow alone, in its own session)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newExperiment } from './flows.mjs';
import {
  clearScreenshots,
  notifications,
  openActivityBarContainer,
  quickInput,
  runCommand,
  screenshot,
  startSession,
  viewRows,
  widenSideBar,
} from './harness.mjs';
import { poll, waitInFrame, webviewFrame } from './webviews.mjs';
import { repoRoot } from '../paths.mjs';

const NAME = 'info-line flow';
const TAGS = ['baseline', 'judge-v3'];
const COMMENT = 'First run with the new label set';
const ANNOTATION_COMMENT = 'Ask the shop whether 42 is the sale price';
const ITEM_COMMENT = 'The rest of the answer is fine';

/** What the info line shows: its tag badges, the comments count and its tooltip, whether a field is open. */
function readInfoLine(frame) {
  return frame.evaluate(() => {
    const line = document.querySelector('.info-line');
    return {
      tags: [...(line?.querySelectorAll('.info-tag') ?? [])].map((t) => t.textContent?.trim() ?? ''),
      noTags: !!line?.querySelector('.info-tags .dim'),
      comments: line?.querySelector('.info-comments')?.textContent?.trim() ?? null,
      commentsTitle: line?.querySelector('.info-comments')?.getAttribute('title') ?? null,
      fieldOpen: !!line?.querySelector('.info-input'),
    };
  });
}

/** Runs the flow in an open workbench; returns what it saw. Throws with what was wrong. */
export async function editInfoLine(page) {
  await newExperiment(page, { name: NAME, passThrough: true, model: 'traced', conversationIds: ['weather-paris', 'price-kettle'] });
  const frame = await webviewFrame(page, 'report', { timeout: 30_000 });
  await waitInFrame(
    frame,
    () => (/Completed/.test(document.querySelector('.run-state')?.textContent ?? '') && document.querySelector('.info-line') ? true : null),
    undefined,
    { timeout: 30_000, what: 'the completed report with its info line' },
  );
  const before = await readInfoLine(frame);
  if (!before.noTags || before.tags.length || before.comments !== '0 comments')
    throw new Error(`a new experiment's info line: ${JSON.stringify(before)}`);
  await screenshot(page, 'info-line-before');

  // Edit, type, Escape: nothing saved, the field closes.
  await frame.locator('.info-tags-btn').click();
  const tagsInput = frame.locator('.info-tags-input');
  await tagsInput.waitFor({ state: 'visible', timeout: 5000 });
  await tagsInput.fill('scrapped');
  await tagsInput.press('Escape');
  const cancelled = await poll(
    async () => {
      const s = await readInfoLine(frame);
      return !s.fieldOpen ? s : null;
    },
    { timeout: 5000, what: 'Escape closing the tags field' },
  );
  if (cancelled.tags.length) throw new Error(`Escape saved tags: ${JSON.stringify(cancelled.tags)}`);

  // Edit, type, Enter: saved; the snapshot that follows shows the badges.
  await frame.locator('.info-tags-btn').click();
  await tagsInput.waitFor({ state: 'visible', timeout: 5000 });
  await tagsInput.fill(TAGS.join(', '));
  await screenshot(page, 'info-line-editing-tags');
  await tagsInput.press('Enter');
  const tagged = await poll(
    async () => {
      const s = await readInfoLine(frame);
      return !s.fieldOpen && s.tags.join() === TAGS.join() ? s : null;
    },
    { timeout: 10_000, what: `the tags ${TAGS.join(', ')} as badges` },
  );
  await screenshot(page, 'info-line-tags');

  // Add comment, type, Enter: "1 comment", the text in its tooltip.
  await frame.locator('.info-comment-btn').click();
  const commentInput = frame.locator('.info-comment-input');
  await commentInput.waitFor({ state: 'visible', timeout: 5000 });
  await commentInput.fill(COMMENT);
  await commentInput.press('Enter');
  const commented = await poll(
    async () => {
      const s = await readInfoLine(frame);
      return s.comments === '1 comment' && (s.commentsTitle ?? '').includes(COMMENT) ? s : null;
    },
    { timeout: 10_000, what: 'the info line counting the comment' },
  );
  await frame.locator('.info-comments').hover();
  await screenshot(page, 'info-line-comment');

  // Comments that are not verdicts, on an annotation and on its item, through the input box.
  const row = frame.locator('.items .row', { has: frame.locator('.conv-id', { hasText: /^price-kettle$/ }) });
  await row.click();
  const answer = async (button, text) => {
    await button.click();
    const input = quickInput(page).locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(text);
    await input.press('Enter');
  };
  await answer(frame.locator('.detail-row .review-add-comment').first(), ANNOTATION_COMMENT);
  await answer(frame.locator('.detail-row .review-item-comment').first(), ITEM_COMMENT);
  const notes = await waitInFrame(
    frame,
    ([a, i]) => {
      const onAnnotation = [...document.querySelectorAll('.detail-row .ann-table .review-note')].map((n) => n.textContent ?? '');
      const onItem = [...document.querySelectorAll('.detail-row .item-comments .review-note')].map((n) => n.textContent ?? '');
      const state = document.querySelector('.detail-row .ann-table .review-state')?.textContent ?? '';
      return onAnnotation.some((t) => t.includes(a)) && onItem.some((t) => t.includes(i)) ? { onAnnotation, onItem, state } : null;
    },
    [ANNOTATION_COMMENT, ITEM_COMMENT],
    { timeout: 15_000, what: 'the comments under the annotation and the item' },
  );
  if (!/Not reviewed/.test(notes.state)) throw new Error(`a comment changed the annotation's review: "${notes.state}"`);
  await frame.locator('.detail-row .item-comments').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'report-comments');

  // The Experiments view filters by the new tag (F1, as a person would).
  await openActivityBarContainer(page, 'Hallucination Lab');
  await widenSideBar(page, 480);
  await runCommand(page, 'Hallucination Lab: Filter Experiments by Tag…');
  const rows = quickInput(page).locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
  const offered = await rows.evaluateAll((rs) => rs.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()));
  for (const tag of TAGS)
    if (!offered.some((o) => o.includes(tag))) throw new Error(`the tag pick lacks "${tag}": ${JSON.stringify(offered)}`);
  await rows.filter({ hasText: TAGS[0] }).first().click();
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /Experiments/i }) }).first();
  const described = await poll(
    async () => {
      const text = (await pane.locator('.pane-header').innerText()).replace(/\s+/g, ' ');
      return text.includes(`tag: ${TAGS[0]}`) ? text : null;
    },
    { timeout: 10_000, what: `the Experiments view saying "tag: ${TAGS[0]}"` },
  );
  const listed = await viewRows(page, 'Experiments');
  if (!listed.some((r) => r.includes(NAME))) throw new Error(`the filtered view lacks "${NAME}": ${JSON.stringify(listed)}`);
  await screenshot(page, 'info-line-tag-filter');
  const errors = (await notifications(page)).filter((n) => /Hallucination Lab/.test(n) && /fail|error|cannot/i.test(n));
  if (errors.length) throw new Error(`notifications raised by the flow: ${JSON.stringify(errors)}`);
  return { before, cancelled, tagged, commented, notes, offered, described, listed };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const i = process.argv.indexOf('--extension');
  const extensionDir = i > 0 ? path.resolve(process.argv[i + 1]) : repoRoot;
  clearScreenshots();
  const session = await startSession({ extensionDir });
  let code = 0;
  try {
    console.log(JSON.stringify(await editInfoLine(session.page), null, 2));
  } catch (e) {
    await screenshot(session.page, 'FAILED-info-line').catch(() => {});
    console.error(`[info line] FAILED: ${e?.stack ?? e}`);
    code = 1;
  } finally {
    await session.close();
  }
  process.exit(code);
}
