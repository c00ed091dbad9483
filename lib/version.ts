// The version reported by /api/health and the worker, from package.json.
import pkg from "../package.json" with { type: "json" };

export const APP_VERSION: string = pkg.version;
