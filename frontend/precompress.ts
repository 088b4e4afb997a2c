/**
 * A Vite build step: every text file the build writes (JS, CSS, HTML, SVG, JSON, maps) also gets a brotli
 * (`.br`, quality 11) and a gzip (`.gz`, level 9) copy next to it, made once here so the server never
 * compresses at request time (src/shuzhi/api/static_files.py picks the copy by Accept-Encoding).
 * A copy that is not smaller than the file is not written; files under 1 KB are left alone.
 * Node's own zlib: no dependency.
 */
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Plugin } from "vite";

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|map|txt)$/;
const MIN_BYTES = 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith(".")) return []; // the build manifest (.vite/) is read by tests, not served
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const ENCODERS = [
  [".br", (b: Buffer) => brotli(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } })],
  [".gz", (b: Buffer) => gz(b, { level: 9 })],
] as const;

async function copies(path: string): Promise<void> {
  const raw = readFileSync(path);
  await Promise.all(
    ENCODERS.map(async ([ext, encode]) => {
      const out = raw.length >= MIN_BYTES ? await encode(raw) : null;
      if (out && out.length < raw.length) writeFileSync(path + ext, out);
      else {
        try {
          unlinkSync(path + ext); // a stale copy from an earlier build would be served for a changed file
        } catch {
          /* none */
        }
      }
    }),
  );
}

/** Writes `<file>.br` and `<file>.gz` for each compressible file under `dir` (on Node's thread pool, in
 * parallel); returns how many files were looked at. */
export async function precompressDir(dir: string): Promise<number> {
  const todo = files(dir).filter((p) => COMPRESSIBLE.test(p));
  await Promise.all(todo.map(copies));
  return todo.length;
}

/** The plugin: runs after the bundle is written (`vite build` only). */
export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "shuzhi-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir.startsWith("/") ? config.build.outDir : join(config.root, config.build.outDir);
    },
    async closeBundle() {
      const t0 = Date.now();
      const n = await precompressDir(outDir);
      this.info?.(`precompressed ${n} files (.br, .gz) in ${outDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    },
  };
}
