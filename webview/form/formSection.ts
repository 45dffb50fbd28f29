// What every section of the experiment form needs from the page: the draft, a way to change it
// (which validates and saves), a redraw of the controls that depend on other fields, and the
// field registry that places errors beside their fields.
import type { FormDraft } from '../lib/formModel';
import type { FieldView } from './field';

export interface FormSectionHost {
  draft(): FormDraft;
  /** Applies a patch to the draft and marks the field touched; validates and saves. */
  change(patch: Partial<FormDraft>, touchedKey: string): void;
  /** Puts the draft into the controls that depend on other fields (visibility, options). */
  syncControls(): void;
  /** Records a field so validation errors are shown beside it; returns its element. */
  register(view: FieldView): HTMLElement;
}
