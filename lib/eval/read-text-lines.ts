// Reads a text file line by line as a stream, gunzipping it when it is gzip (told by its first two
// bytes, not its name), so an exported history of any size is never held in memory whole. Yields each
// line without its line ending (LF or CRLF) with its 1-based line number; a final empty line (the file
// ends with a newline) is not yielded. Read and decompression errors name the file.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export interface TextLine {
  /** 1-based line number in the (decompressed) file. */
  no: number;
  text: string;
}

export async function* readTextLines(file: string): AsyncGenerator<TextLine> {
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const input = createReadStream(file);
  const stream = gzip ? pipeline(input, createGunzip(), () => undefined) : input;
  stream.setEncoding("utf8");
  let no = 0;
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const part of parts) yield { no: ++no, text: stripCr(part) };
    }
  } catch (e) {
    throw new Error(`${file}: ${gzip ? "cannot decompress: " : ""}${(e as Error).message}`);
  } finally {
    input.destroy();
    stream.destroy();
  }
  if (rest !== "") yield { no: ++no, text: stripCr(rest) };
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}
