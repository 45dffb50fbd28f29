// The question asked before a stored API key goes to an endpoint it was not entered for.
import * as vscode from 'vscode';

export async function confirmNewKeyOrigin(name: string, origins: string[], target: string): Promise<boolean> {
  const send = `Send to ${target}`;
  const entered = origins.length ? `was entered for ${origins.join(', ')}` : 'was stored before keys were bound to an endpoint';
  const answer = await vscode.window.showWarningMessage(
    `Send the API key "${name}" to ${target}?`,
    {
      modal: true,
      detail: `The key ${entered}. The endpoint ${target} comes from the settings or from the experiment's configuration, which a cloned repository can set. Only send it if you trust that server; your answer is remembered for this key.`,
    },
    send,
  );
  return answer === send;
}
