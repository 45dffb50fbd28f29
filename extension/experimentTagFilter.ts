// "Filter Experiments by Tag…": a quick pick of the tags the experiments carry (plus "All
// experiments"); the Experiments view then lists only those with the tag and says so in its
// description, kept up to date as experiments come, go or change tags.
import * as vscode from 'vscode';
import { ALL_EXPERIMENTS, keptByTag, tagFilterDescription, tagsPresent } from './experimentTagFilterModel';
import type { ExperimentNode, ExperimentTreeProvider } from './trees';

export const FILTER_BY_TAG_COMMAND = 'hallucinationLab.filterExperimentsByTag';

export function registerExperimentTagFilter(tree: ExperimentTreeProvider, view: vscode.TreeView<ExperimentNode>): vscode.Disposable {
  const describe = () => {
    const all = tree.all();
    view.description = tagFilterDescription(tree.tagFilter, all.filter((e) => keptByTag(e, tree.tagFilter)).length, all.length);
  };
  return vscode.Disposable.from(
    tree.onDidChangeTreeData(describe),
    // A test (or a caller that knows) passes the tag; undefined or "" clears the filter.
    vscode.commands.registerCommand(FILTER_BY_TAG_COMMAND, async (given?: unknown) => {
      if (typeof given === 'string') {
        tree.setTagFilter(given === '' ? undefined : given);
        return;
      }
      const tags = tagsPresent(tree.all());
      if (tags.length === 0 && tree.tagFilter === undefined) {
        void vscode.window.showInformationMessage('No experiment has tags yet: add them in the form (Tags) or in the report.');
        return;
      }
      const picks: vscode.QuickPickItem[] = [
        { label: ALL_EXPERIMENTS, description: tree.tagFilter === undefined ? 'current' : undefined },
        ...tags.map((t) => ({ label: t, description: t === tree.tagFilter ? 'current' : undefined })),
      ];
      const choice = await vscode.window.showQuickPick(picks, { placeHolder: 'Show the experiments with this tag' });
      if (!choice) return;
      tree.setTagFilter(choice === picks[0] ? undefined : choice.label);
    }),
  );
}
