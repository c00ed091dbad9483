// Loads the WebAssembly behind @bsull/augurs (Prophet, MSTL) and the Prophet Stan optimizer once per
// process, from the installed packages on disk: nothing is fetched or downloaded at run time.
//
// Why async: `@bsull/augurs-prophet-wasmstan` is an ES module with top-level await that reads its own
// two .wasm files (2.3 MB, next to its .js, via `import.meta.url` and fs/promises) as it is imported,
// so it can only be loaded with `await import(...)`. The augurs modules themselves would fetch their
// .wasm through `fetch(new URL(..., import.meta.url))`, which Node cannot do for file: URLs, so their
// bytes are read here with fs and handed to `initSync`.
//
// Where: the .wasm files are found with `createRequire(import.meta.url).resolve(...)`, i.e. Node's own
// package resolution from this file, which works under tsx, vitest and plain Node. In a bundled
// Next.js server route `import.meta.url` may point into the build output, so resolution falls back
// to the working directory's node_modules; list both packages in next.config.js
// `serverExternalPackages` so Next loads them from node_modules instead of bundling them (the
// optimizer's own `new URL(..., import.meta.url)` must keep pointing at its .wasm files).
//
// Memory: the Stan optimizer's WebAssembly memory grows by about 0.4 MB per Prophet fit (672 hourly
// points) and, like all WebAssembly memory, never shrinks; re-importing the package does not release
// it (Node never unloads an ES module). A process that fits Prophet thousands of times should do so in
// a worker thread it recycles. MSTL's memory stays flat.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { MSTL } from "@bsull/augurs/mstl";
import type { Prophet, ProphetOptions } from "@bsull/augurs/prophet";

export interface AugursRuntime {
  Prophet: typeof Prophet;
  MSTL: typeof MSTL;
  /** The Stan optimizer Prophet fits with: `new Prophet({ optimizer, ... })`. */
  optimizer: ProphetOptions["optimizer"];
}

let loading: Promise<AugursRuntime> | undefined;

/**
 * The initialised augurs classes. The first call loads the WebAssembly (about 0.2 s); every later
 * call, including concurrent ones, gets the same promise. A failed load is not cached, so a later
 * call retries.
 */
export function loadAugurs(): Promise<AugursRuntime> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<AugursRuntime> {
  const augursDir = path.dirname(resolvePackageFile("@bsull/augurs/prophet"));
  const prophetModule = await import("@bsull/augurs/prophet");
  const mstlModule = await import("@bsull/augurs/mstl");
  // initSync is itself idempotent per module instance; reading the bytes is the only cost we repeat.
  prophetModule.initSync({ module: fs.readFileSync(path.join(augursDir, "prophet_bg.wasm")) });
  mstlModule.initSync({ module: fs.readFileSync(path.join(augursDir, "mstl_bg.wasm")) });
  const { optimizer } = await import("@bsull/augurs-prophet-wasmstan");
  return { Prophet: prophetModule.Prophet, MSTL: mstlModule.MSTL, optimizer };
}

/** Resolves a package export from this file, else from the working directory (bundled server code). */
function resolvePackageFile(specifier: string): string {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch (error) {
    try {
      return createRequire(path.join(process.cwd(), "package.json")).resolve(specifier);
    } catch {
      throw new Error(`augurs: cannot find ${specifier} in node_modules (is @bsull/augurs installed?)`, {
        cause: error,
      });
    }
  }
}
