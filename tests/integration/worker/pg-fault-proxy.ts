// A TCP proxy in front of the test Postgres that can misbehave on cue, the way networks and database
// servers do: hang (hold every byte both ways, as a stopped or overloaded server does, and deliver it
// later), go down (reset every connection and refuse new ones, as a killed server does), or let one
// COMMIT through and lose its reply (the server commits, the client never hears). It reads just
// enough of the Postgres wire protocol (message type and length) to recognise a COMMIT.
import net from "node:net";

interface Conn {
  client: net.Socket;
  server: net.Socket;
  /** Bytes from the client not yet parsed into whole messages. */
  parse: Buffer;
  started: boolean;
  /** Whether this connection ran a statement matching the armed pattern. */
  touched: boolean;
  /** Replies from the server are dropped from now on. */
  swallowing: boolean;
  held: { toServer: Buffer[]; toClient: Buffer[] };
}

export class PgFaultProxy {
  private readonly server = net.createServer((client) => this.accept(client));
  private readonly conns = new Set<Conn>();
  private mode: "forward" | "hang" | "down" = "forward";
  private armed: { pattern: RegExp; resolve: () => void } | undefined;
  /** COMMITs whose reply was dropped. */
  swallowedCommits = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Holds all traffic, both ways, until `forward()`. */
  hang(): void {
    this.mode = "hang";
  }

  /** Resets every connection and refuses new ones until `forward()`. */
  down(): void {
    this.mode = "down";
    for (const c of this.conns) this.drop(c);
  }

  /** Back to normal; what was held is delivered. */
  forward(): void {
    this.mode = "forward";
    for (const c of this.conns) {
      for (const b of c.held.toServer.splice(0)) c.server.write(b);
      for (const b of c.held.toClient.splice(0)) if (!c.swallowing) c.client.write(b);
    }
  }

  /**
   * Lets the next COMMIT of a connection that ran a statement matching `pattern` reach the server and
   * drops everything the server says on that connection afterwards. Resolves once that COMMIT went by.
   */
  loseCommitReplyAfter(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => (this.armed = { pattern, resolve }));
  }

  async close(): Promise<void> {
    for (const c of this.conns) this.drop(c);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.mode === "down") {
      client.resetAndDestroy();
      return;
    }
    const server = net.connect(this.target.port, this.target.host);
    const c: Conn = { client, server, parse: Buffer.alloc(0), started: false, touched: false, swallowing: false, held: { toServer: [], toClient: [] } };
    this.conns.add(c);
    client.on("data", (d: Buffer) => this.fromClient(c, d));
    server.on("data", (d: Buffer) => {
      if (c.swallowing) return;
      if (this.mode === "hang") c.held.toClient.push(d);
      else client.write(d);
    });
    const end = () => this.drop(c);
    client.on("close", end);
    server.on("close", end);
    client.on("error", end);
    server.on("error", end);
  }

  private drop(c: Conn): void {
    if (!this.conns.delete(c)) return;
    c.client.resetAndDestroy();
    c.server.destroy();
  }

  private fromClient(c: Conn, d: Buffer): void {
    let commitSeen = false;
    c.parse = Buffer.concat([c.parse, d]);
    for (;;) {
      // the startup message (and an SSL request before it) has no type byte
      if (!c.started) {
        if (c.parse.length < 8) break;
        const len = c.parse.readInt32BE(0);
        if (c.parse.length < len) break;
        if (c.parse.readInt32BE(4) === 196608) c.started = true;
        c.parse = c.parse.subarray(len);
        continue;
      }
      if (c.parse.length < 5) break;
      const len = c.parse.readInt32BE(1);
      if (c.parse.length < 1 + len) break;
      const type = String.fromCharCode(c.parse[0]!);
      if (type === "Q" || type === "P") {
        const text = c.parse.subarray(5, 1 + len).toString("utf8");
        if (this.armed && this.armed.pattern.test(text)) c.touched = true;
        if (type === "Q" && /^\s*COMMIT/i.test(text) && c.touched && this.armed) commitSeen = true;
      }
      c.parse = c.parse.subarray(1 + len);
    }
    if (this.mode === "hang") c.held.toServer.push(d);
    else c.server.write(d);
    if (commitSeen && this.armed) {
      c.swallowing = true;
      this.swallowedCommits += 1;
      const { resolve } = this.armed;
      this.armed = undefined;
      resolve();
    }
  }
}
