// Processes started by the editor tests (VS Code servers, Chromium) register how to stop them here;
// on SIGINT/SIGTERM, or when run.mjs's watchdog fires, all of them are stopped before exiting.
const active = new Set();
let installed = false;

export function onCleanup(fn) {
  active.add(fn);
  if (!installed) {
    installed = true;
    for (const sig of ['SIGINT', 'SIGTERM'])
      process.once(sig, async () => {
        console.log(`[editor] ${sig}: stopping the processes started by the tests`);
        await cleanupAll();
        process.exit(130);
      });
  }
  return () => active.delete(fn);
}

export async function cleanupAll() {
  const fns = [...active];
  active.clear();
  await Promise.allSettled(fns.map((fn) => fn()));
}
