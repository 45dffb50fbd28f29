// The part of markdown-it (installed with @vscode/vsce) the tests use to render hovers as an editor would.
declare module 'markdown-it' {
  export default class MarkdownIt {
    constructor(options?: { html?: boolean; linkify?: boolean });
    render(source: string): string;
  }
}
