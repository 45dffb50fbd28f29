// Whether a tool result proves the tool ran. A framework answers a call of a tool it does not have
// with an error result ("unknown function X", "Error: X is not a valid tool, try one of […]",
// "Tool X not found in agent"): such a result is proof the tool did NOT run, so the call may still
// be an unknown tool. Only a short result that names the tool counts, so a real tool's output that
// happens to use such words does not.

const NOT_FOUND = [
  /\b(unknown|invalid|unrecognized|unsupported|undefined|nonexistent)\s+(function|tool|action)\b/i,
  /\b(function|tool|action)\b.{0,80}\b(not found|does not exist|doesn't exist|is not (a )?valid|not available|not defined|not registered)/i,
  /\bis not a valid (function|tool|action)\b/i,
  /\bno (such )?(function|tool|action)\b/i,
];

export function saysToolDoesNotExist(result: string, toolName: string): boolean {
  if (result.length > 600 || !result.includes(toolName)) return false;
  return NOT_FOUND.some((re) => re.test(result));
}
