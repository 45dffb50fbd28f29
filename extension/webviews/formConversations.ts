// The form's conversation list, answered from the server one page at a time: the page speaks in
// workspace-relative paths (what the picker shows and filters by), the server in absolute ones.
import * as vscode from 'vscode';
import * as P from '../../common/protocol';
import type { FormConversationPage } from '../../common/webviewProtocol';
import type { ServerConnection } from '../serverClient';

const relative = (file: string): string => vscode.workspace.asRelativePath(file, false);

function withRelativeFile(c: P.ConversationSummary): P.ConversationSummary {
  return { ...c, file: relative(c.file) };
}

/** Trace files as the page names them. */
export function relativeTraceFiles(files: readonly P.TraceFileSummary[]): P.TraceFileSummary[] {
  return files.map((f) => ({ ...f, file: relative(f.file) }));
}

/** One page of what matches; a file filter naming no trace file matches nothing. */
export async function conversationPage(
  server: ServerConnection,
  params: { query: string; file: string; toolCalls: 'any' | 'with' | 'without'; offset: number; limit: number },
): Promise<FormConversationPage> {
  let file: string | undefined;
  if (params.file) {
    const { files } = await server.request(P.ListTraceFiles, {});
    file = files.find((f) => relative(f.file) === params.file)?.file;
    if (file === undefined) return { conversations: [], total: 0 };
  }
  const page = await server.request(P.ListConversations, {
    ...(file === undefined ? {} : { file }),
    query: params.query,
    toolCalls: params.toolCalls,
    offset: params.offset,
    limit: params.limit,
  });
  return { conversations: page.conversations.map(withRelativeFile), total: page.total ?? page.conversations.length };
}

/** The rows of `ids` still in the index. */
export async function lookupConversations(server: ServerConnection, ids: string[]): Promise<{ conversations: P.ConversationSummary[] }> {
  if (ids.length === 0) return { conversations: [] };
  const { conversations } = await server.request(P.ListConversations, { ids });
  return { conversations: conversations.map(withRelativeFile) };
}
