// How review times are shown (hovers, the report): "2026-12-03 10:15 UTC" from an ISO time; any
// other text as it is (a hand-edited store may hold anything).
export function utcMinute(at: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(at) ? `${at.slice(0, 10)} ${at.slice(11, 16)} UTC` : at;
}
