#!/usr/bin/env node
// Installs VS Code 1.100.3 (from the npm package code-server@4.100.3) ONCE into a git-ignored
// cache folder, so that the extension can be tested in a real VS Code on machines that reach only
// the npm registry and Debian's packages. `--newest` installs the second VS Code (paths.mjs
// VARIANTS.newest: code-server 4.139.1 = VS Code 1.139.1, on Node 24 from the npm package
// node-<platform>-<arch>, into its own cache folder) for the editor language model tests.
// The recipe is docs/real-vscode-tests.md:
//   npm install --ignore-scripts code-server (its postinstall downloads ripgrep: no network)
//   npm rebuild argon2
//   lib/vscode: npm install --omit=dev --ignore-scripts; node-gyp rebuild of the native modules
//   ripgrep from Debian linked in; node_modules.asar -> node_modules; lib/vscode/extensions deps.
// A marker file records a complete install: a second run costs nothing.
//
//   node test/editor/setup.mjs            install if needed
//   node test/editor/setup.mjs --check    only report whether the install is possible / present
//   node test/editor/setup.mjs --force    reinstall (deletes the cache folder first)
//   node test/editor/setup.mjs --newest   the same for the newest VS Code (combines with the above)
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, lstatSync, writeFileSync, readlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vscodeInstall } from './paths.mjs';

const log = (msg) => console.log(`[setup] ${msg}`);

export class SetupError extends Error {}

/** The npm CLI script that runs this Node (npm ships node-gyp inside it). */
function npmCliDir() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(path.resolve(path.dirname(process.env.npm_execpath), '..'));
  try {
    const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (root) candidates.push(path.join(root, 'npm'));
  } catch {
    /* npm not on PATH: the fallbacks below */
  }
  candidates.push(
    path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'),
    '/usr/lib/node_modules/npm',
    '/usr/local/lib/node_modules/npm',
  );
  return candidates.find((c) => existsSync(path.join(c, 'package.json'))) ?? null;
}

export function nodeGypPath() {
  if (process.env.NODE_GYP && existsSync(process.env.NODE_GYP)) return process.env.NODE_GYP;
  const npmDir = npmCliDir();
  const p = npmDir && path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return p && existsSync(p) ? p : null;
}

/** Node's headers for node-gyp without a download: `--nodedir=/usr` needs /usr/include/node. */
export function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, '/usr', path.resolve(path.dirname(process.execPath), '..')].filter(Boolean);
  return candidates.find((d) => existsSync(path.join(d, 'include', 'node', 'node_api.h'))) ?? null;
}

export function ripgrepPath() {
  const candidates = [process.env.RIPGREP_PATH, '/usr/bin/rg', '/usr/local/bin/rg'].filter(Boolean);
  return candidates.find((c) => existsSync(c)) ?? null;
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function isInstalled(variant = 'lowest') {
  const I = vscodeInstall(variant);
  if (!existsSync(I.markerFile)) return false;
  try {
    const m = JSON.parse(readFileSync(I.markerFile, 'utf8'));
    return m.codeServer === I.codeServerVersion && existsSync(I.serverMain) && existsSync(I.codeServerEntry) && existsSync(I.nodeBinary);
  } catch {
    return false;
  }
}

/**
 * Can the install run (or has it run) on this machine? Returns null when yes, else why not.
 * Cheap: no network unless nothing is installed yet (then one `npm view` of code-server).
 */
export function whyUnavailable(variant = 'lowest') {
  const I = vscodeInstall(variant);
  if (isInstalled(variant)) return null;
  if (!I.nodePackage && !ripgrepPath()) return 'ripgrep not found (/usr/bin/rg; Debian package "ripgrep", or set RIPGREP_PATH)';
  if (!nodeGypPath()) return 'node-gyp not found inside npm (set NODE_GYP to node-gyp.js)';
  if (!I.nodePackage && !nodeDir()) return "Node's headers not found (/usr/include/node/node_api.h; Debian package nodejs ships them)";
  for (const tool of ['python3', 'make', 'g++']) if (!which(tool)) return `${tool} not found (needed by node-gyp)`;
  const wanted = [`code-server@${I.codeServerVersion}`, ...(I.nodePackage ? [`${I.nodePackage.name}@${I.nodePackage.version}`] : [])];
  for (const spec of wanted) {
    const view = spawnSync('npm', ['view', spec, 'version'], { encoding: 'utf8', timeout: 60_000 });
    if (view.status !== 0 || !view.stdout.trim())
      return `the npm registry does not answer for ${spec} (${(view.stderr || '').trim().split('\n').pop() || 'no answer'})`;
  }
  return null;
}

function run(cmd, args, cwd, what, extraEnv = {}) {
  log(`${what}\n          $ (cd ${path.relative(process.cwd(), cwd) || '.'} && ${[cmd, ...args].join(' ')})`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false', ...extraEnv },
  });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new SetupError(`${what} failed (exit ${r.status ?? r.signal ?? r.error?.message}):\n${out}`);
  }
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function linkForce(target, linkPath) {
  try {
    const st = lstatSync(linkPath);
    if (st.isSymbolicLink() && readlinkSync(linkPath) === target) return false;
    if (st.isSymbolicLink() || st.isFile()) unlinkSync(linkPath);
    else rmSync(linkPath, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  mkdirSync(path.dirname(linkPath), { recursive: true });
  symlinkSync(target, linkPath);
  return true;
}

export function install({ force = false, variant = 'lowest' } = {}) {
  const I = vscodeInstall(variant);
  const { cacheDir, vscodeDir } = I;
  if (force) {
    log(`--force: removing ${cacheDir}`);
    rmSync(cacheDir, { recursive: true, force: true });
  }
  if (isInstalled(variant)) {
    log(`VS Code ${I.vscodeVersion} (code-server ${I.codeServerVersion}) already installed in ${cacheDir}`);
    return;
  }
  const t0 = Date.now();
  log(`installing VS Code ${I.vscodeVersion} from npm code-server@${I.codeServerVersion} into ${cacheDir}`);
  const nodeGyp = nodeGypPath();
  if (!nodeGyp) throw new SetupError('node-gyp not found inside npm (set NODE_GYP=/path/to/node-gyp.js)');

  mkdirSync(cacheDir, { recursive: true });
  const pkgJson = path.join(cacheDir, 'package.json');
  if (!existsSync(pkgJson))
    writeFileSync(
      pkgJson,
      JSON.stringify(
        { name: 'hallucination-lab-vscode-cache', private: true, description: 'VS Code for the editor tests (test/editor/setup.mjs)' },
        null,
        2,
      ) + '\n',
    );

  // 0. This VS Code's own Node, when it needs a newer one than the tests run on: the official
  //    build from npm (binary and headers); npm and node-gyp then run on it too.
  let env = {};
  if (I.nodePackage) {
    const spec = `${I.nodePackage.name}@${I.nodePackage.version}`;
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', spec], cacheDir, `npm install ${spec}`);
    if (!existsSync(I.nodeBinary)) throw new SetupError(`${spec} has no ${path.relative(cacheDir, I.nodeBinary)}`);
    env = { PATH: `${path.dirname(I.nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}` };
  }
  const nodedir = I.nodeDir ?? nodeDir();
  if (!nodedir || !existsSync(path.join(nodedir, 'include', 'node', 'node_api.h')))
    throw new SetupError("Node's headers not found: need <dir>/include/node/node_api.h (tried /usr)");
  log(`node-gyp: ${nodeGyp}; --nodedir=${nodedir}; node ${I.nodeBinary}`);

  // 1. code-server itself. --ignore-scripts: its postinstall refuses root and downloads ripgrep.
  run(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${I.codeServerVersion}`],
    cacheDir,
    `npm install code-server@${I.codeServerVersion}`,
    env,
  );
  // 2. argon2 (code-server's password hashing; loaded at start even with --auth none).
  run('npm', ['rebuild', 'argon2', ...(I.nodePackage ? [`--nodedir=${nodedir}`] : [])], cacheDir, 'npm rebuild argon2', env);
  // 3. VS Code's own production dependencies.
  run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'],
    vscodeDir,
    'npm install --omit=dev in lib/vscode',
    env,
  );
  // 4. Native modules, built against this VS Code's Node's headers (kerberos is not needed).
  for (const mod of ['node-pty', '@vscode/spdlog', '@vscode/deviceid', 'native-watchdog', '@vscode/native-watchdog']) {
    const dir = path.join(vscodeDir, 'node_modules', mod);
    if (!existsSync(dir)) {
      log(`  (${mod} not present in lib/vscode/node_modules: skipped)`);
      continue;
    }
    run(I.nodeBinary, [nodeGyp, 'rebuild', '-j', 'max', `--nodedir=${nodedir}`], dir, `node-gyp rebuild ${mod}`, env);
  }
  // 5. ripgrep from Debian where @vscode/ripgrep would have downloaded its binary (newer VS Codes
  //    use @vscode/ripgrep-universal, which ships its binaries).
  const rgPackage = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep');
  if (existsSync(rgPackage)) {
    const rg = ripgrepPath();
    if (!rg) throw new SetupError('ripgrep not found: apt-get install ripgrep (or set RIPGREP_PATH)');
    const rgLink = path.join(rgPackage, 'bin', 'rg');
    log(`link ${rg} -> ${path.relative(cacheDir, rgLink)}`);
    linkForce(rg, rgLink);
  }
  // 6. The server looks for node_modules.asar.
  log('link lib/vscode/node_modules.asar -> node_modules');
  linkForce('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  // 7. Dependencies of the built-in extensions (git, typescript-language-features, …).
  run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'],
    path.join(vscodeDir, 'extensions'),
    'npm install --omit=dev in lib/vscode/extensions',
    env,
  );

  // Sanity: the product is the version we expect.
  const product = JSON.parse(readFileSync(path.join(vscodeDir, 'product.json'), 'utf8'));
  const version = JSON.parse(readFileSync(path.join(vscodeDir, 'package.json'), 'utf8')).version;
  if (version !== I.vscodeVersion) throw new SetupError(`expected VS Code ${I.vscodeVersion}, found ${version}`);
  if (!existsSync(I.serverMain) || !existsSync(I.codeServerEntry))
    throw new SetupError(`install incomplete: ${I.serverMain} or ${I.codeServerEntry} missing`);
  const nodeVersion = spawnSync(I.nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim();

  writeFileSync(
    I.markerFile,
    JSON.stringify(
      {
        codeServer: I.codeServerVersion,
        vscode: version,
        commit: product.commit ?? null,
        node: nodeVersion,
        installedAt: new Date().toISOString(),
      },
      null,
      2,
    ) + '\n',
  );
  log(`complete in ${((Date.now() - t0) / 1000).toFixed(1)} s (marker ${path.relative(process.cwd(), I.markerFile)})`);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const variant = process.argv.includes('--newest') ? 'newest' : 'lowest';
  try {
    if (process.argv.includes('--check')) {
      const why = whyUnavailable(variant);
      console.log(why ? `[setup] unavailable: ${why}` : isInstalled(variant) ? '[setup] installed' : '[setup] installable');
      process.exit(why ? 1 : 0);
    }
    install({ force: process.argv.includes('--force'), variant });
  } catch (e) {
    console.error(`[setup] FAILED: ${e instanceof SetupError ? e.message : (e?.stack ?? e)}`);
    console.error(`[setup] the partial install stays in ${vscodeInstall(variant).cacheDir}; rerun to retry, or --force to start over`);
    process.exit(1);
  }
}
