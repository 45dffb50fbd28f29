// A progress notification that follows an experiment live and can cancel it.
import * as vscode from 'vscode';
import { CancelExperiment, ExperimentChanged, type ExperimentSummary } from '../common/protocol';
import type { ServerConnection } from './serverClient';

export function followWithProgress(server: ServerConnection, experiment: ExperimentSummary): Thenable<void> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Hallucination Lab: ${experiment.name}`, cancellable: true },
    (progress, token) =>
      new Promise<void>((resolve) => {
        let reported = 0;
        token.onCancellationRequested(() => void server.request(CancelExperiment, { id: experiment.id }));
        const sub = server.on(ExperimentChanged, ({ experiment: e, deletedId }) => {
          if (deletedId === experiment.id) return done();
          if (!e || e.id !== experiment.id) return;
          const s = e.status_summary;
          const finished = s.completed + s.failed + s.skipped;
          const pct = s.total ? (finished / s.total) * 100 : 100;
          progress.report({
            message: `${finished}/${s.total} items · ${e.total_hallucinations} hallucinations`,
            increment: pct - reported,
          });
          reported = pct;
          if (!e.running) {
            done();
            const open = 'Open Report';
            void vscode.window
              .showInformationMessage(
                `${e.name}: ${s.completed} completed, ${s.failed} failed${s.skipped > 0 ? `, ${s.skipped} skipped` : ''}, ${e.total_hallucinations} hallucinations.`,
                open,
              )
              .then((a) => a === open && vscode.commands.executeCommand('hallucinationLab.openReport', e.id));
          }
        });
        const done = () => {
          sub.dispose();
          resolve();
        };
      }),
  );
}
