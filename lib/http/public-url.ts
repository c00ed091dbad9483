// The public URL (NEXTAUTH_URL) decides whether session cookies are Secure (https) and whether the web
// app may start at all: serving sign-ins over plain http to anything but this machine sends passwords
// and session cookies in the clear, so that needs ALLOW_INSECURE_HTTP=1 (e.g. behind a TLS-terminating
// proxy that talks http to us on a private network, with NEXTAUTH_URL still saying http).
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname.endsWith(".localhost");
}

/** Why the web app must not start with this public URL, or null when it may. */
export function insecureHttpRefusal(publicUrl: string, allowInsecure: boolean): string | null {
  const url = new URL(publicUrl);
  if (url.protocol === "https:" || allowInsecure || isLoopbackUrl(url)) return null;
  return (
    `NEXTAUTH_URL is ${url.origin}: plain http would send passwords and session cookies in the clear. ` +
    "Serve Tidewatch over https (NEXTAUTH_URL=https://...), or set ALLOW_INSECURE_HTTP=1 to accept that."
  );
}
