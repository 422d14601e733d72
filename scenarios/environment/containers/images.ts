// Builds the local images: a Debian base from debootstrap (the host's release, apt sources and
// apt network settings), then one image per recipe with `podman build --network host`. Each
// image carries the hash of what it was built from; a matching image is never rebuilt.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { ensureKafka, ensureToxiproxy } from '../local/install.ts';
import { cacheDir } from '../paths.ts';
import { podman } from './engine.ts';
import { BASE_TAG, type ImageName, imageRecipe, type ImageRecipe, isToolCache, RECIPE_LABEL, recipeHash } from './recipes.ts';

type Progress = (line: string) => void;

const workDir = () => join(cacheDir(), 'containers');

function imageLabel(tag: string): string | undefined {
  try {
    return podman(['image', 'inspect', '--format', `{{index .Labels "${RECIPE_LABEL}"}}`, tag]).trim();
  } catch {
    return undefined; // no such image
  }
}

const imageId = (tag: string) => podman(['image', 'inspect', '--format', '{{.Id}}', tag]).trim();

function osRelease(): Record<string, string> {
  const text = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => {
        const i = l.indexOf('=');
        return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')];
      }),
  );
}

/** The host's apt files that say where and how to fetch packages (sources, Acquire:: settings). */
function hostAptFiles(): string[] {
  const files: string[] = [];
  if (existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  for (const [dir, keep] of [
    ['/etc/apt/sources.list.d', (f: string) => /\.(list|sources)$/.test(f)],
    ['/etc/apt/apt.conf.d', (f: string) => readFileSync(join('/etc/apt/apt.conf.d', f), 'utf8').includes('Acquire::')],
  ] as const) {
    if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (keep(f)) files.push(join(dir, f));
  }
  return files;
}

/** The first Debian mirror the host's sources name (debootstrap needs one URL). */
function hostMirror(files: string[]): string {
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const m = /^URIs:\s*(\S+)/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m.exec(text);
    if (m && !m[1]!.includes('security')) return m[1]!;
  }
  return 'http://deb.debian.org/debian';
}

function ensureBase(progress: Progress): string {
  const suite = osRelease().VERSION_CODENAME;
  if (!suite || osRelease().ID !== 'debian')
    throw new Error("the container images are built from the host's Debian release; this host is not Debian");
  const apt = hostAptFiles();
  const h = createHash('sha256').update(`${suite}\0minbase\0`);
  for (const f of apt) h.update(`${f}\0`).update(readFileSync(f)).update('\0');
  const hash = h.digest('hex').slice(0, 32);
  if (imageLabel(BASE_TAG) === hash) return imageId(BASE_TAG);
  const started = Date.now();
  const rootfs = join(workDir(), 'rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(rootfs, { recursive: true });
  const mirror = hostMirror(apt);
  progress(`images: debootstrap --variant=minbase ${suite} from ${mirror} (first run only)…`);
  const res = spawnSync('debootstrap', ['--variant=minbase', suite, rootfs, mirror], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`images: debootstrap failed:\n${(res.stdout + res.stderr).slice(-2000)}`);
  for (const f of apt) cpSync(f, join(rootfs, f));
  rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
  const tar = join(workDir(), 'rootfs.tar');
  const t = spawnSync('tar', ['-C', rootfs, '--numeric-owner', '-cf', tar, '.'], { encoding: 'utf8' });
  if (t.status !== 0) throw new Error(`images: tar of the root file system failed: ${t.stderr}`);
  podman(['import', '--change', 'CMD ["/bin/bash"]', '--change', `LABEL ${RECIPE_LABEL}=${hash}`, tar, BASE_TAG]);
  rmSync(tar, { force: true });
  rmSync(rootfs, { recursive: true, force: true });
  progress(`images: ${BASE_TAG} imported in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return imageId(BASE_TAG);
}

function build(recipe: ImageRecipe, hash: string, progress: Progress): void {
  const started = Date.now();
  const context = join(workDir(), `context-${recipe.name}`);
  rmSync(context, { recursive: true, force: true });
  cpSync(recipe.dir, context, { recursive: true });
  for (const [as, from] of Object.entries(recipe.staged)) {
    mkdirSync(dirname(join(context, as)), { recursive: true });
    cpSync(from, join(context, as), { recursive: true, dereference: true, filter: (src) => !isToolCache(src) });
  }
  progress(`images: building ${recipe.tag} from containers/${recipe.name}/Containerfile…`);
  // --network host: RUN steps reach the host's apt mirror exactly as the host does.
  podman([
    'build',
    '--network',
    'host',
    '--pull=never',
    '--build-arg',
    `BASE=${BASE_TAG}`,
    '--label',
    `${RECIPE_LABEL}=${hash}`,
    '-t',
    recipe.tag,
    '-f',
    join(context, 'Containerfile'),
    context,
  ]);
  rmSync(context, { recursive: true, force: true });
  progress(`images: ${recipe.tag} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Every image the testcontainers provider runs, built when missing or out of date (sequentially:
 *  the machines have two cores). Returns the names that were built. */
export function ensureImages(progress: Progress, names: ImageName[] = ['mariadb', 'kafka', 'toxiproxy']): ImageName[] {
  const baseId = ensureBase(progress);
  const artifacts = {
    kafkaLibs: names.includes('kafka') ? ensureKafka(progress) : '',
    toxiproxyBin: names.includes('toxiproxy') ? ensureToxiproxy(progress) : '',
  };
  const built: ImageName[] = [];
  for (const name of names) {
    const recipe = imageRecipe(name, artifacts);
    const hash = recipeHash(recipe, baseId);
    if (imageLabel(recipe.tag) === hash) continue;
    build(recipe, hash, progress);
    built.push(name);
  }
  return built;
}
