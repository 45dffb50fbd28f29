// Tags as a person types them: comma-separated, blanks dropped. Shared by the form's Tags field and
// the report's tags line; kept apart from formModel.ts so the report's first paint stays zod-free.

/** "a, b ,, c" → ["a", "b", "c"]. */
export function tagsOf(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
