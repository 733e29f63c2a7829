/**
 * Measurement 6, client size: the SDK entry (`mod.ts`, without the engine) bundled for the browser
 * with esbuild, `zod` resolved from Deno's npm cache. Reports raw, minified and gzipped bytes, the
 * share of the minified bundle that is zod, and the largest inputs. Falls back to `deno bundle
 * --minify` (also esbuild underneath, but without a per-input breakdown) if esbuild cannot run.
 *
 * @module
 */
import * as esbuild from "npm:esbuild@^0.27.0";
import { bytes, fmt, type MeasurementResult } from "./support/report.ts";
import { round } from "./support/stats.ts";

const ROOT = new URL("../", import.meta.url);
const ENTRY = new URL("mod.ts", ROOT).pathname;
const CONFIG = new URL("deno.json", ROOT).pathname;
/** Issue 12: the client bundle, minified and gzipped, at most 15 KB. */
const TARGET_GZIP_BYTES = 15 * 1024;
const OUTFILE = "sdk.min.js";

/** The gzipped size of `data` (CompressionStream, default level). */
export async function gzipSize(data: Uint8Array): Promise<number> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

async function denoJson(args: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (code !== 0) throw new Error(`deno ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** Where Deno keeps the `zod` version the SDK resolves to. */
async function zodDirectory(): Promise<string> {
  const info = await denoJson(["info", "--json", `--config=${CONFIG}`, ENTRY]) as {
    npmPackages?: Record<string, { name: string; localPath?: string }>;
  };
  const zod = Object.values(info.npmPackages ?? {}).find((p) => p.name === "zod");
  if (!zod?.localPath) {
    throw new Error("deno info does not list zod for mod.ts; run `deno install` or check the import map.");
  }
  return zod.localPath;
}

interface Build {
  code: Uint8Array;
  inputs: Record<string, number>;
}

async function build(nodePath: string, minify: boolean, external: string[] = []): Promise<Build> {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    write: false,
    metafile: true,
    outfile: OUTFILE,
    nodePaths: [nodePath],
    external,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output.");
  const output = Object.entries(result.metafile.outputs).find(([name]) => name.endsWith(OUTFILE))?.[1];
  const inputs: Record<string, number> = {};
  for (const [path, input] of Object.entries(output?.inputs ?? {})) inputs[path] = input.bytesInOutput;
  return { code: file.contents, inputs };
}

async function withEsbuild(): Promise<MeasurementResult> {
  const scratch = await Deno.makeTempDir({ prefix: "vs-bench-bundle-" });
  try {
    // esbuild resolves bare `zod` through node_modules; point one at Deno's copy instead of installing.
    await Deno.mkdir(`${scratch}/node_modules`);
    await Deno.symlink(await zodDirectory(), `${scratch}/node_modules/zod`);
    const plain = await build(`${scratch}/node_modules`, false);
    const minified = await build(`${scratch}/node_modules`, true);
    const gzip = await gzipSize(minified.code);
    const withoutZod = await build(`${scratch}/node_modules`, true, ["zod"]);
    const total = minified.code.byteLength;
    const byInput = Object.entries(minified.inputs).sort((a, b) => b[1] - a[1]);
    const zodBytes = byInput.filter(([path]) => /(^|\/)zod\//.test(path)).reduce((sum, [, n]) => sum + n, 0);
    const engineInputs = byInput.filter(([path]) => path.includes("src/engine/")).map(([path]) => path);
    const sdkSourceBytes = byInput.filter(([path]) => path.startsWith("src/") || path === "mod.ts")
      .reduce((sum, [, n]) => sum + n, 0);
    return result({
      tool: `esbuild ${esbuild.version} (npm), platform browser, format esm, target es2022`,
      raw: plain.code.byteLength,
      minified: total,
      gzip,
      zodBytes,
      withoutZodGzip: await gzipSize(withoutZod.code),
      figures: {
        without_zod_minified_bytes: withoutZod.code.byteLength,
        sdk_source_minified_bytes: sdkSourceBytes,
        engine_modules_in_bundle: engineInputs,
        largest_inputs_minified_bytes: Object.fromEntries(byInput.slice(0, 8)),
      },
    });
  } finally {
    await esbuild.stop();
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

async function withDenoBundle(reason: string): Promise<MeasurementResult> {
  const scratch = await Deno.makeTempDir({ prefix: "vs-bench-bundle-" });
  try {
    const out = `${scratch}/${OUTFILE}`;
    const run = (minify: boolean) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "bundle",
          `--config=${CONFIG}`,
          "--platform=browser",
          ...(minify ? ["--minify"] : []),
          "-o",
          out,
          ENTRY,
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
    if ((await run(false)).code !== 0) throw new Error("deno bundle failed.");
    const raw = (await Deno.readFile(out)).byteLength;
    if ((await run(true)).code !== 0) throw new Error("deno bundle --minify failed.");
    const code = await Deno.readFile(out);
    return result({
      tool: `deno bundle --minify (fallback: ${reason})`,
      raw,
      minified: code.byteLength,
      gzip: await gzipSize(code),
      zodBytes: NaN,
      withoutZodGzip: NaN,
      figures: {},
    });
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

function result(m: {
  tool: string;
  raw: number;
  minified: number;
  gzip: number;
  zodBytes: number;
  withoutZodGzip: number;
  figures: Record<string, unknown>;
}): MeasurementResult {
  const zodShare = m.zodBytes / m.minified;
  return {
    id: "bundle",
    title: "6. Client size",
    rows: [
      { figure: "SDK entry (mod.ts) bundled, not minified", value: bytes(m.raw) },
      { figure: "minified", value: bytes(m.minified) },
      {
        figure: "minified + gzip",
        value: bytes(m.gzip),
        target: { text: "≤ 15 KB", met: m.gzip <= TARGET_GZIP_BYTES },
      },
      {
        figure: "share of the minified bundle that is zod",
        value: Number.isFinite(zodShare)
          ? `${fmt(zodShare * 100, 1)}% (${fmt(m.zodBytes / 1024, 1)} KB)`
          : "n/a",
      },
      { figure: "minified + gzip with zod left external", value: bytes(m.withoutZodGzip) },
    ],
    figures: {
      tool: m.tool,
      raw_bytes: m.raw,
      minified_bytes: m.minified,
      gzip_bytes: m.gzip,
      zod_minified_bytes: Number.isFinite(m.zodBytes) ? m.zodBytes : null,
      zod_share_of_minified: round(zodShare, 4),
      without_zod_gzip_bytes: Number.isFinite(m.withoutZodGzip) ? m.withoutZodGzip : null,
      ...m.figures,
    },
    notes: [`Client size: ${m.tool}; gzip via CompressionStream (default level).`],
  };
}

/** Runs the bundle-size measurement. */
export async function measureBundleSize(): Promise<MeasurementResult> {
  try {
    return await withEsbuild();
  } catch (error) {
    return await withDenoBundle(error instanceof Error ? error.message : String(error));
  }
}
