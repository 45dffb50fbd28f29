// The form's Batch API opt-in: one checkbox near the models. On, the experiment's model and judge
// calls go through the provider's Batch API when a pass has enough requests (batch.min_requests,
// 20 by default): half the price, results within 24 h. Shown in pass-through too, where it
// applies to the judge pass.
import { checkbox, type Checkbox } from '../lib/controls';
import type { FormDraft } from '../lib/formModel';
import { field } from './field';
import type { FormSectionHost } from './formSection';

export const BATCH_LABEL = 'Batch: cheaper, slower — results within 24 h';

export class BatchField {
  private box!: Checkbox;

  constructor(private readonly host: FormSectionHost) {}

  build(): HTMLElement {
    this.box = checkbox(BATCH_LABEL, this.host.draft().batch === true, (v) => this.host.change({ batch: v }, 'batch'));
    return this.host.register(
      field(
        'batch',
        'Batch API',
        {
          optional: true,
          help: 'The model and judge requests go to the provider’s Batch API (OpenAI, Azure OpenAI) at its batch price (50 % off) when a pass has at least 20 of them; fewer are sent directly. Cancel cancels the batch; a restart resumes polling it.',
        },
        this.box,
      ),
    );
  }

  sync(d: FormDraft): void {
    this.box.checked = d.batch === true;
  }
}
