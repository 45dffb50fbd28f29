// Reaching into the extension's webviews from Playwright. In the workbench each webview is two
// nested iframes: `iframe.webview` (VS Code's host page, pre/index.html) and, inside it,
// `#active-frame` (pre/fake.html, into which VS Code writes the extension's HTML once the
// webview's service worker is ready). A webview appears 1–3 s after its panel opens; a hidden
// one is torn down (retainContextWhenHidden is off) and loads again when shown. So: find the
// page by what it is (<body data-app="form|report|compare">) and by being on screen, and wait.

/** Polls `probe()` until it returns a truthy value; throws `what` (and the last value) after `timeout`. */
export async function poll(probe, { timeout = 20_000, interval = 150, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e?.message ?? String(e);
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeout} ms waiting for ${what}${last !== undefined ? ` (last: ${JSON.stringify(last)?.slice(0, 400)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The app a content frame shows and whether it is the visible, active frame of its webview. */
async function describeFrame(frame) {
  if (!/\/fake\.html\?/.test(frame.url())) return null;
  const app = await frame.evaluate(() => document.body?.dataset.app ?? null).catch(() => null);
  if (!app) return null;
  const inner = await frame.frameElement().catch(() => null);
  const outer = await frame
    .parentFrame()
    ?.frameElement()
    .catch(() => null);
  const active = inner ? (await inner.getAttribute('id')) === 'active-frame' : false;
  const visible = outer ? await outer.isVisible() : false;
  return { app, active, visible };
}

/** What webview pages exist right now (for error messages). */
export async function describeWebviews(page) {
  const out = [];
  for (const f of page.frames()) {
    const d = await describeFrame(f);
    if (d) out.push(`${d.app}${d.active ? '' : ' (pending)'}${d.visible ? '' : ' (hidden)'}`);
  }
  return out.length ? out.join(', ') : 'none';
}

/**
 * The Playwright Frame of the visible webview showing `app`, once `ready(frame)` holds (default:
 * the app has rendered something). Frames are replaced when a webview reloads: ask again after
 * its tab was hidden.
 */
export async function webviewFrame(page, app, { timeout = 20_000, ready } = {}) {
  const isReady = ready ?? ((f) => f.evaluate(() => document.body.querySelector('main, .form-header, form, section') !== null));
  let seen = 'none';
  try {
    return await poll(
      async () => {
        for (const f of page.frames()) {
          const d = await describeFrame(f);
          if (!d || d.app !== app || !d.active || !d.visible) continue;
          if (await isReady(f).catch(() => false)) return f;
        }
        seen = await describeWebviews(page);
        return null;
      },
      { timeout, what: `the ${app} webview` },
    );
  } catch (e) {
    throw new Error(`${e.message} — webview pages: ${seen}`, { cause: e });
  }
}

/** Polls a function evaluated in the page of `frame` until it returns a truthy value, and returns it. */
export function waitInFrame(frame, fn, arg, { timeout = 20_000, what = 'the webview' } = {}) {
  return poll(() => frame.evaluate(fn, arg), { timeout, what });
}

// ---- the workbench around them --------------------------------------------------------------

/** The label of the active editor tab. */
export async function activeTabLabel(page) {
  const tab = page.locator('.part.editor .tabs-container .tab.active').first();
  return ((await tab.getAttribute('aria-label')) ?? (await tab.innerText())).trim();
}

/** Clicks the editor tab whose label starts with `label`. */
export async function clickTab(page, label) {
  const tab = page.locator('.part.editor .tabs-container .tab', { hasText: label }).first();
  await tab.waitFor({ state: 'visible', timeout: 10_000 });
  await tab.click();
}

/**
 * The editor's cursor and selection as the status bar shows them: "Ln 1, Col 413 (4 selected)"
 * → {line: 1, col: 413, selected: 4}. With a selection made left to right, the cursor is at its end.
 */
export async function statusBarSelection(page) {
  const item = page.locator('.part.statusbar [id="status.editor.selection"]').first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  const text = (await item.innerText()).replace(/\s+/g, ' ').trim();
  const m = /Ln (\d+), Col (\d+)(?: \((\d+) selected\))?/.exec(text);
  return m ? { text, line: Number(m[1]), col: Number(m[2]), selected: m[3] ? Number(m[3]) : 0 } : { text, line: 0, col: 0, selected: 0 };
}

/** The screen rectangles of the active editor's selection highlight (one per view line). */
export async function selectionRects(page) {
  return page
    .locator('.editor-instance .monaco-editor .view-overlays .selected-text')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })));
}
