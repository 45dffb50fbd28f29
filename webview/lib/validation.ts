// Maps validation issues — the webview's own experimentConfigSchema run, or the server's
// `{path, message}` errors — onto the form's fields, so each error shows beside its field.
import type { z } from 'zod';
import { experimentConfigSchema, MAX_CONVERSATIONS, type ExperimentConfig } from '../../common/schema';
import type { FieldError } from '../../common/protocol';
import { draftToConfig, type FormContext, type FormDraft } from './formModel';

/** Field keys: top-level config fields, `output_schema.<i>.<field>` for schema rows, `form` for the rest. */
export type FieldErrors = Record<string, string[]>;

const topLevelFields = new Set([
  'name',
  'model',
  'pass_through',
  'conversation_ids',
  'reasoning_config',
  'system_prompt_override',
  'output_schema',
  'models',
  'num_samples',
  'detectors',
  'judge_model',
  'label_set',
  'model_parameters',
  'sampling',
]);

/** "output_schema[1].name", "output_schema.1.name", "/output_schema/1/name" → ['output_schema', 1, 'name']. */
export function parseErrorPath(path: string): (string | number)[] {
  const segments = path.match(/[^.[\]/]+/g) ?? [];
  return segments.filter((s) => s !== '(root)' && s !== '$').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function fieldKeyOf(path: readonly PropertyKey[]): string {
  const [head, index, sub] = path;
  if (typeof head !== 'string' || !topLevelFields.has(head)) return 'form';
  if (head === 'output_schema' && typeof index === 'number') {
    return typeof sub === 'string' && ['name', 'type', 'is_list', 'is_optional'].includes(sub)
      ? `output_schema.${index}.${sub}`
      : `output_schema.${index}.name`;
  }
  return head;
}

type Issue = z.core.$ZodIssue;

/** For a union (reasoning_config), the issues of the branch the input was meant for. */
function unionBranchIssues(issue: Issue & { code: 'invalid_union' }): Issue[] | null {
  const branches = (issue as { errors?: Issue[][] }).errors;
  if (!branches || branches.length === 0) return null;
  const score = (b: Issue[]) => b.reduce((n, i) => n + (i.code === 'unrecognized_keys' && i.path.length === 0 ? 100 : 1), 0);
  const best = [...branches].sort((a, b) => score(a) - score(b))[0]!;
  return best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue);
}

function flatten(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    // A union with a message of its own (stop, tool_choice) says it better than any one branch.
    if (issue.code === 'invalid_union' && issue.message === 'Invalid input') {
      const branch = unionBranchIssues(issue as Issue & { code: 'invalid_union' });
      if (branch) {
        out.push(...flatten(branch));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

/** A message a person can act on, for the issues whose default wording is technical. */
export function friendlyMessage(issue: Issue, key: string): string {
  const path = issue.path;
  const received = (issue as { received?: unknown }).received;
  if (key === 'num_samples') return 'Enter a whole number of samples from 1 to 10.';
  if (key === 'reasoning_config' && path.includes('budget_tokens')) return 'Enter a positive whole number of tokens.';
  if (key === 'model' && issue.code === 'too_small') return 'Enter the target model.';
  if (key === 'judge_model' && path[1] === 'model') return 'Enter the judge model.';
  if (key === 'detectors' && issue.code === 'too_small') return 'Choose at least one detector.';
  if (key === 'conversation_ids' && issue.code === 'too_small') return 'Select at least 1 conversation.';
  if (key === 'conversation_ids' && issue.code === 'too_big') return `Select at most ${MAX_CONVERSATIONS} conversations.`;
  if (key.startsWith('output_schema.') && key.endsWith('.name') && issue.code === 'invalid_format') {
    return 'Use letters, digits and _ (not starting with a digit).';
  }
  if (key.startsWith('output_schema.') && issue.code === 'invalid_format' && received === undefined) return issue.message;
  if (key === 'model_parameters' && ['top_p', 'seed', 'top_logprobs'].includes(String(path[1])) && issue.code === 'invalid_type')
    return `${String(path[1])}: enter a number.`;
  if (issue.code === 'unrecognized_keys') return `Unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}`;
  return issue.message;
}

export function addError(errors: FieldErrors, key: string, message: string): void {
  const list = (errors[key] ??= []);
  if (!list.includes(message)) list.push(message);
}

/** zod issues → errors per field key. */
export function issuesToFieldErrors(issues: readonly Issue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of flatten(issues)) {
    const key = fieldKeyOf(issue.path);
    addError(errors, key, friendlyMessage(issue, key));
  }
  return errors;
}

/** Duplicate output-field names are reported on the list; point them at the rows instead. */
function duplicateFieldNames(draft: FormDraft, errors: FieldErrors): void {
  if (!draft.useOutputSchema) return;
  const seen = new Map<string, number>();
  draft.outputSchema.forEach((f, i) => {
    const name = f.name.trim();
    if (!name) return;
    if (seen.has(name)) addError(errors, `output_schema.${i}.name`, `"${name}" is already a field.`);
    else seen.set(name, i);
  });
  if (errors.output_schema) {
    errors.output_schema = errors.output_schema.filter((m) => !/duplicate/i.test(m));
    if (errors.output_schema.length === 0) delete errors.output_schema;
  }
}

/** Server errors (`{path, message}`) → errors per field key. */
export function serverErrorsToFieldErrors(serverErrors: readonly FieldError[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const e of serverErrors) addError(errors, fieldKeyOf(parseErrorPath(e.path)), e.message);
  return errors;
}

export interface DraftValidation {
  /** The parsed configuration when valid. */
  config: ExperimentConfig | null;
  /** What is sent to the host (the unparsed input, so that the server sees what the person typed). */
  input: unknown;
  errors: FieldErrors;
  valid: boolean;
}

/** Validates the draft with the same schema the server uses, plus form-only checks. */
export function validateDraft(draft: FormDraft, ctx: FormContext): DraftValidation {
  const input = draftToConfig(draft, ctx);
  const result = experimentConfigSchema.safeParse(input);
  const errors: FieldErrors = result.success ? {} : issuesToFieldErrors(result.error.issues);
  duplicateFieldNames(draft, errors);
  if (draft.useOutputSchema && draft.outputSchema.length === 0)
    addError(errors, 'output_schema', 'Add at least one field, or turn the output schema off.');
  if (draft.overrideSystemPrompt && !draft.pass_through && draft.systemPrompt.trim() === '') {
    addError(errors, 'system_prompt_override', 'Enter the system prompt, or turn the override off.');
  }
  if (draft.detectors.includes('judge') && draft.judgeModel === '' && !ctx.judgeModel) {
    addError(errors, 'judge_model', 'No judge model in settings: choose one.');
  }
  const valid = Object.keys(errors).length === 0;
  return { config: valid && result.success ? result.data : null, input, errors, valid };
}

/** Errors to show: the field's own validation once touched (or after "show all"), plus server errors. */
export function visibleErrors(local: FieldErrors, server: FieldErrors, touched: ReadonlySet<string>, showAll: boolean): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, messages] of Object.entries(local)) {
    const shown = showAll || touched.has(key) || (key.startsWith('output_schema.') && touched.has('output_schema'));
    if (shown) out[key] = [...messages];
  }
  for (const [key, messages] of Object.entries(server)) for (const m of messages) addError(out, key, m);
  return out;
}

/** Server errors are dropped for a field as soon as the person edits it. */
export function clearServerErrors(server: FieldErrors, changedKeys: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, messages] of Object.entries(server)) {
    if (changedKeys.some((k) => key === k || key.startsWith(`${k}.`))) continue;
    out[key] = messages;
  }
  delete out.form;
  return out;
}

/** Human names of the fields, for the summary of what blocks submission. */
export function fieldTitle(key: string): string {
  const titles: Record<string, string> = {
    name: 'Name',
    model: 'Target model',
    models: 'Extra configurations',
    pass_through: 'Pass-through',
    conversation_ids: 'Conversations',
    reasoning_config: 'Reasoning',
    system_prompt_override: 'System prompt',
    output_schema: 'Output schema',
    num_samples: 'Samples',
    detectors: 'Detectors',
    judge_model: 'Judge model',
    label_set: 'Label set',
    model_parameters: 'Advanced',
    sampling: 'Sampling',
    form: 'Configuration',
  };
  const m = /^output_schema\.(\d+)\.(\w+)$/.exec(key);
  if (m) return `Output field ${Number(m[1]) + 1}`;
  return titles[key] ?? key;
}
