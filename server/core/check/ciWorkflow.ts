// The GitHub Actions workflow `check --init-ci github` writes: run the check on the repository's
// trace files, upload the SARIF to code scanning (markers on the pull request's lines), and put
// the Markdown summary on the run's page. The gate fails the job; the upload runs regardless.
// The CLI comes from the repository's own devDependencies (`npm ci`, then the package's
// `hallucination-lab` bin): it is not fetched from anywhere at run time.
export const WORKFLOW_PATH = '.github/workflows/hallucination-lab.yml';

export function githubWorkflow(): string {
  return `name: Hallucination Lab
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
  security-events: write
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - name: Check the traces for hallucinations
        run: >
          npx --no-install hallucination-lab check "traces/**/*.jsonl" "traces/**/*.json"
          --fail-on "count>0"
          --sarif hallucinations.sarif
          --markdown "$GITHUB_STEP_SUMMARY"
      - name: Upload to code scanning
        if: always()
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: hallucinations.sarif
          category: hallucination-lab
`;
}
