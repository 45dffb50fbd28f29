// The one owner, in the extension, of "which experiment's markers are shown". The server decides
// (it publishes the markers); this mirrors its answer for the tree and the reports, and tells a
// restarted server the user's choice again.
import * as vscode from 'vscode';
import * as P from '../common/protocol';
import type { ServerConnection } from './serverClient';

export class ActiveExperiment implements vscode.Disposable {
  private value: string | null = null;
  /** What the user chose (null: the server's default, the latest pass-through experiment). */
  private chosen: string | null = null;
  private readonly changed = new vscode.EventEmitter<string | null>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly server: ServerConnection) {
    this.subscription = server.on(P.ActiveExperimentChanged, ({ id }) => this.set(id));
  }

  get id(): string | null {
    return this.value;
  }

  /** Shows the markers of `id` (null: hide the chosen one); resolves with the experiment shown. */
  async show(id: string | null): Promise<string | null> {
    const shown = (await this.server.request(P.SetActiveExperiment, { id })).id;
    this.chosen = id;
    this.set(shown);
    return shown;
  }

  /** After a (re)start: the server forgot the choice. An experiment deleted meanwhile is dropped. */
  async restore(send: ServerConnection['request']): Promise<void> {
    if (this.chosen === null) return;
    try {
      this.set((await send(P.SetActiveExperiment, { id: this.chosen })).id);
    } catch {
      this.chosen = null;
      this.set(null);
    }
  }

  /** An experiment was deleted: the server shows another one (or none) without saying so. */
  forget(id: string): void {
    if (this.chosen === id) this.chosen = null;
    if (this.value === id) this.set(null);
  }

  private set(id: string | null): void {
    if (id === this.value) return;
    this.value = id;
    this.changed.fire(id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
