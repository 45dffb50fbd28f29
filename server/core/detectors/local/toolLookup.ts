// A call's tool among the trace's definitions, by name as providers rewrite it.
import type { ToolDefinition } from '../../../../common/schema';

/** Tool names as providers rewrite them ("math.factorial" is sent as "math_factorial"). */
export function nameKey(name: string): string {
  return name.replace(/[.\-/ ]/g, '_');
}

export function findTool(tools: readonly ToolDefinition[], name: string): ToolDefinition | undefined {
  return tools.find((t) => t.function.name === name) ?? tools.find((t) => nameKey(t.function.name) === nameKey(name));
}
