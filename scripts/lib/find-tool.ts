// Where a Debian peer's binary is (PATH, then the sbin/bin directories a non-root PATH may lack), or an
// error naming the package to install.
import fs from "node:fs";
import path from "node:path";

export function findTool(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error(`${name} is required but was not found (install the Debian package "${debianPackage}")`);
}
